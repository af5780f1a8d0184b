import { describe, expect, it } from 'vitest';
import { classifyHttpError, classifyNetworkError } from './errors';

describe('iDempiere error classification', () => {
  it.each([
    [401, { title: 'Authenticate error', status: 401, detail: 'User/password invalid' }, 'auth'],
    [403, { title: 'Access denied', status: 403 }, 'forbidden'],
    [404, { title: 'Record not found', status: 404, detail: 'No record found matching id: 9' }, 'not_found'],
    [400, { title: 'Validation error', status: 400, detail: 'FillMandatory C_BPartner_ID' }, 'validation'],
    [400, { title: 'Wrong detail', status: 400, detail: 'Column Foo does not exist' }, 'validation'],
    [500, { title: 'Save error', status: 500, detail: 'Mandatory fields missing: DateOrdered' }, 'validation'],
    // ModelResourceImpl#runDocAction: Msg.getMsg("FailedProcessingDocument"), translated detail
    [500, { title: 'Failed when processing document', status: 500, detail: 'No Document Lines found' }, 'validation'],
    [500, { title: '處理文件時失敗', status: 500, detail: '找不到文件明細' }, 'validation'],
    // ModelResourceImpl#create/#createChild: the titles are English in every login language
    [500, { title: 'Save error', status: 500, detail: 'Save error with exception: 產品不在價格表中' }, 'validation'],
    [500, { title: 'Update error', status: 500, detail: 'Cannot update' }, 'validation'],
    [500, { title: 'Delete error', status: 500, detail: 'Delete error with exception: x' }, 'validation'],
    // ModelResourceImpl#create outer catch around LookupTypeConverter
    [
      500,
      { title: 'Server error', status: 500, detail: 'Could not convert value {"lookupColumn":"Value"} for C_BPartner' },
      'validation',
    ],
    [500, { title: 'Server error', status: 500, detail: 'java.lang.NullPointerException' }, 'server'],
    // a product called Padlock / Deadlock Pro is data, not a database condition
    [500, { title: 'Save error', detail: 'Product is not on PriceList - PADLOCK-01 - Padlock' }, 'validation'],
    [500, { title: 'Save error', detail: 'Product is not on PriceList - DL-1 - Deadlock Pro' }, 'validation'],
    [500, { title: 'Save error', detail: 'Unlocked, blocktimeout, relocking' }, 'validation'],
    [500, { title: 'Save error', status: 500, detail: 'GenerateDocumentNoTimeOut' }, 'lock_timeout'],
    [500, { title: 'Save error', detail: 'ERROR: canceling statement due to lock timeout' }, 'lock_timeout'],
    [
      500,
      { title: 'Save error', detail: 'ERROR: could not serialize access due to concurrent update' },
      'lock_timeout',
    ],
    [500, { title: '處理文件時失敗', detail: 'ERROR: deadlock detected' }, 'lock_timeout'],
    [500, { title: 'Error', status: 500, detail: 'ERROR: deadlock detected' }, 'lock_timeout'],
    [500, { title: 'Internal Server Error', status: 500, detail: 'java.lang.NullPointerException' }, 'server'],
    [500, undefined, 'server'],
    [503, '<html>503</html>', 'unavailable'],
    [502, undefined, 'unavailable'],
  ] as const)('%i %j -> %s', (status, body, kind) => {
    const err = classifyHttpError(status, body, { method: 'POST', path: 'models/C_Order' });
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
  });

  it('says what to do with each kind', () => {
    const validation = classifyHttpError(400, { title: 'x', detail: 'FillMandatory' });
    expect(validation.permanent).toBe(true);
    expect(classifyHttpError(403, { title: 'Access denied' }).permanent).toBe(true);
    expect(classifyHttpError(401, { title: 'Authenticate error' }).outage).toBe(true);
    const lock = classifyHttpError(500, { detail: 'could not obtain lock on row' });
    expect([lock.transient, lock.outage]).toEqual([true, false]);
    const down = classifyNetworkError(
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      { method: 'GET', path: 'x' },
    );
    expect([down.kind, down.transient, down.outage]).toEqual(['unavailable', true, true]);
    expect(down.message).toMatch(/ECONNREFUSED/);
    const timeout = classifyNetworkError(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
    expect(timeout.message).toMatch(/timed out/);
  });

  it('names the failing item of a refused transactional batch (BatchRequestResourseImpl#processBatch)', () => {
    const body = [
      { status: 'OK', statusCode: 200, body: { id: 1 } },
      {
        status: 'Internal Server Error',
        statusCode: 500,
        body: { title: 'Failed when processing document', status: 500, detail: 'No Document Lines found' },
      },
    ];
    const err = classifyHttpError(400, body, { method: 'POST', path: 'batch?transaction=true' });
    expect([err.kind, err.permanent, err.status]).toEqual(['validation', true, 400]);
    expect([err.details.title, err.details.detail]).toEqual([
      'Failed when processing document',
      'No Document Lines found',
    ]);
    expect(err.message).toContain('item 2 (500) Failed when processing document: No Document Lines found');
    const locked = classifyHttpError(400, [
      { statusCode: 500, body: { title: 'Save error', detail: 'ERROR: deadlock detected' } },
    ]);
    expect(locked.kind).toBe('lock_timeout');
    const wordless = classifyHttpError(400, [{ statusCode: 500, body: 'boom' }]);
    expect([wordless.kind, wordless.details.detail]).toEqual(['server', 'boom']);
  });

  it('keeps iDempiere message in the error', () => {
    const err = classifyHttpError(
      400,
      { title: 'Validation error', status: 400, detail: 'Foreign ID 999 not found in M_Product_ID' },
      { method: 'POST', path: 'models/C_Order' },
    );
    expect(err.message).toContain('Foreign ID 999 not found in M_Product_ID');
    expect(err.message).toContain('POST models/C_Order');
  });
});
