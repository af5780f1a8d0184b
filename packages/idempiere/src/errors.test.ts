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
    [500, { title: 'Error processing document', status: 500, detail: '@NoLines@' }, 'validation'],
    [500, { title: 'Save error', status: 500, detail: 'GenerateDocumentNoTimeOut' }, 'lock_timeout'],
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
