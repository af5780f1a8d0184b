// Conformance of document actions (doc-action CO, RE, VO, CL) and of batch with and without a transaction
// (docs/idempiere.md, "Writing models and documents" and "Batch").
import { describe, expect, it } from 'vitest';
import { countOrders, orderBody, rest, token, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

describe('document actions', () => {
  // ModelResourceImpl#runDocAction: Msg FailedProcessingDocument, the process message through parseTranslation
  it('CO without lines fails with 500 "Failed when processing document" and rolls the whole request back', async () => {
    const r = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-NOLINES'), C_OrderLine: undefined, 'doc-action': 'CO' },
    });
    expect(r.status).toBe(500);
    expect(r.body.status).toBe(500);
    expect(r.body).toEqual({
      title: 'Failed when processing document',
      status: 500,
      detail: 'No Document Lines found',
    });
    expect(await countOrders('PO-NOLINES')).toBe(0);
  });

  it('CO completes; a processed order refuses changes; RE reactivates; VO voids; CL closes', async () => {
    const r = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-DOCACTION'), 'doc-action': 'CO' },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body.DocStatus.id).toBe('CO');
    expect(r.body.Processed).toBe(true);
    expect(r.body.DocAction.id).toBe('CL');
    expect(r.body.C_DocType_ID.id).toBe(132);
    expect(r.body['doc-processmsg']).toBeDefined();
    const id = r.body.id;
    const refused = await rest('PUT', `/models/c_order/${id}`, { token, body: { Description: 'too late' } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/Cannot update/);
    const newLine = await rest('PUT', `/models/c_order/${id}`, {
      token,
      body: { C_OrderLine: [{ M_Product_ID: 128, QtyEntered: 1, QtyOrdered: 1, PriceActual: 1, PriceEntered: 1 }] },
    });
    expect(newLine.status).toBe(500);
    expect(newLine.body.detail).toContain('ParentComplete');

    const re = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': { id: 'RE' } } });
    expect(re.status, re.text).toBe(200);
    expect(re.body.DocStatus.id).toBe('IP');
    expect(re.body.Processed).toBe(false);
    const edit = await rest('PUT', `/models/c_order/${id}`, {
      token,
      body: { Description: 'edited after RE', 'doc-action': 'CO' },
    });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.body.DocStatus.id).toBe('CO');
    expect(edit.body.Description).toBe('edited after RE');

    const vo = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': 'VO' } });
    expect(vo.status, vo.text).toBe(200);
    expect(vo.body.DocStatus.id).toBe('VO');
    expect(vo.body.GrandTotal).toBe(0);
    const again = await rest('PUT', `/models/c_order/${id}`, { token, body: { 'doc-action': 'CO' } });
    expect(again.status).toBe(500);

    const other = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-CLOSE'), 'doc-action': 'CO' },
    });
    const cl = await rest('PUT', `/models/c_order/${other.body.id}`, { token, body: { 'doc-action': 'CL' } });
    expect(cl.status, cl.text).toBe(200);
    expect(cl.body.DocStatus.id).toBe('CL');
  });
});

describe('batch', () => {
  it('transaction=true: the first failure rolls back everything and answers 400', async () => {
    const r = await rest('POST', '/batch?transaction=true', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-T1') },
        { method: 'POST', path: 'v1/models/C_Order', body: { ...orderBody('PO-BATCH-T2'), Bogus: 1 } },
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-T3') },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body).toHaveLength(2);
    expect(r.body[0]).toMatchObject({ status: 'Created', statusCode: 201 });
    expect(r.body[1].statusCode).toBe(400);
    expect(await countOrders('PO-BATCH-T1')).toBe(0);
    expect(await countOrders('PO-BATCH-T3')).toBe(0);
    const ok = await rest('POST', '/batch', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-OK') },
        { method: 'GET', path: 'v1/models/C_Order' },
      ],
    });
    expect(ok.status).toBe(400); // GET is not a batch method
    expect(ok.body[1].body).toBe('Unsupported Method: GET');
    expect(await countOrders('PO-BATCH-OK')).toBe(0);
  });

  it('transaction=false: each item stands alone', async () => {
    const r = await rest('POST', '/batch?transaction=false', {
      token,
      body: [
        { method: 'POST', path: 'v1/models/C_Order', body: orderBody('PO-BATCH-F1') },
        { method: 'POST', path: 'v1/models/C_Order', body: { ...orderBody('PO-BATCH-F2'), Bogus: 1 } },
        { method: 'POST', path: '/v1/models/c_order', body: orderBody('PO-BATCH-F3') },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.map((x: any) => x.statusCode)).toEqual([201, 400, 201]);
    expect(await countOrders('PO-BATCH-F1')).toBe(1);
    expect(await countOrders('PO-BATCH-F2')).toBe(0);
    expect(await countOrders('PO-BATCH-F3')).toBe(1);
  });
});
