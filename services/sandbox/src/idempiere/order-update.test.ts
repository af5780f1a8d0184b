// Updating a completed order as the real plugin and core allow it: reads inside a transactional batch see committed
// state (POParser / RestUtils.getPO), reservations (MOrder.reserveStock, MOrderLine.beforeDelete), "(delete)" of
// an unknown child (ModelResourceImpl.update), the partner's values when no location is sent (MOrder.setBPartner),
// and VO/RE after shipment (MOrder.voidIt → createReversals, MOrder.reActivateIt) (docs/idempiere.md).
import { describe, expect, it } from 'vitest';
import { ctrl, orderBody, rest, token, useIdempiereSandbox } from '../test/idempiere';

useIdempiereSandbox();

const completed = async (ref: string, extra: Record<string, unknown> = {}) => {
  const o = await rest('POST', '/models/c_order', {
    token,
    body: { ...orderBody(ref, extra), 'doc-action': 'CO' },
  });
  expect(o.status, o.text).toBe(201);
  return o.body as { id: number; C_OrderLine: { id: number; M_Product_ID?: { id: number } }[] };
};
const lines = async (orderId: number) =>
  (await rest('GET', `/models/c_orderline?$filter=C_Order_ID eq ${orderId}&$orderby=Line`, { token })).body.records as {
    id: number;
    QtyReserved: number;
    QtyOrdered: number;
    QtyDelivered: number;
  }[];
const order = async (id: number) => (await rest('GET', `/models/c_order/${id}`, { token })).body;

describe('order update as the real plugin allows it', () => {
  it('POParser / RestUtils.getPO: a PUT in a transactional batch reads the committed record, so RE + header change fails', async () => {
    const o = await completed('PO-UPD-TRX');
    const r = await rest('POST', '/batch?transaction=true', {
      token,
      body: [
        { method: 'PUT', path: `v1/models/C_Order/${o.id}`, body: { 'doc-action': 'RE' } },
        { method: 'PUT', path: `v1/models/C_Order/${o.id}`, body: { Description: 'changed', 'doc-action': 'CO' } },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body[1]).toMatchObject({
      statusCode: 400,
      body: { detail: 'Cannot update Description on processed record' },
    });
    // rolled back: still completed, unchanged
    expect((await order(o.id)).DocStatus.id).toBe('CO');
  });

  it('MOrder.reserveStock / MOrderLine.beforeDelete: completed lines of stocked products are reserved; RE keeps it; a reserved line cannot be deleted', async () => {
    const o = await completed('PO-UPD-RES');
    const before = await lines(o.id);
    expect(before.map((l) => l.QtyReserved)).toEqual([2, 1, 0]); // the charge line reserves nothing
    expect((await rest('PUT', `/models/c_order/${o.id}`, { token, body: { 'doc-action': 'RE' } })).status).toBe(200);
    expect((await lines(o.id)).map((l) => l.QtyReserved)).toEqual([2, 1, 0]); // MOrder.reActivateIt releases nothing
    const del = await rest('PUT', `/models/c_order/${o.id}`, {
      token,
      body: { C_OrderLine: [{ id: before[0]!.id, '(delete)': true }] },
    });
    expect(del.status).toBe(500);
    expect(del.body).toMatchObject({ title: 'Save error', detail: 'Reserved Quantity=2' });
    // in place to 0 instead, then complete: prepareIt re-reserves the difference
    const upd = await rest('PUT', `/models/c_order/${o.id}`, {
      token,
      body: {
        Description: 'one line removed',
        C_OrderLine: [{ id: before[0]!.id, QtyEntered: 0, QtyOrdered: 0 }],
        'doc-action': 'CO',
      },
    });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body.DocStatus.id).toBe('CO');
    expect((await lines(o.id)).map((l) => l.QtyReserved)).toEqual([0, 1, 0]);
    // a charge line (nothing reserved) of a re-activated order can be deleted
    expect((await rest('PUT', `/models/c_order/${o.id}`, { token, body: { 'doc-action': 'RE' } })).status).toBe(200);
    const charge = await rest('PUT', `/models/c_order/${o.id}`, {
      token,
      body: { C_OrderLine: [{ id: before[2]!.id, '(delete)': true }] },
    });
    expect(charge.status, charge.text).toBe(200);
  });

  it('ModelResourceImpl.update: "(delete)" of an unknown child id is 404 "Cannot delete non-existing record", not a new line', async () => {
    const o = await completed('PO-UPD-DEL');
    await rest('PUT', `/models/c_order/${o.id}`, { token, body: { 'doc-action': 'RE' } });
    const r = await rest('PUT', `/models/c_order/${o.id}`, {
      token,
      body: { C_OrderLine: [{ id: 987654321, '(delete)': true }] },
    });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ title: 'Delete Error', detail: 'Cannot delete non-existing record' });
    expect(await lines(o.id)).toHaveLength(3);
  });

  it('MOrder.beforeSave → setBPartner: without C_BPartner_Location_ID the partner overwrites price list, payment rule and term', async () => {
    const bp = await rest('POST', '/models/c_bpartner', {
      token,
      body: {
        Value: 'BP-OWN-PL',
        Name: 'Own price list',
        IsCustomer: true,
        M_PriceList_ID: 102,
        PaymentRule: 'S',
        C_PaymentTerm_ID: 100,
        DeliveryRule: 'R',
        InvoiceRule: 'S',
        C_BPartner_Location: [{ C_Location_ID: { id: 0, Address1: 'Road 1', City: 'Taipei' } }],
      },
    });
    expect(bp.status, bp.text).toBe(201);
    const locationId = bp.body.C_BPartner_Location[0].id as number;
    const header = { C_BPartner_ID: bp.body.id, PaymentRule: 'B', C_PaymentTerm_ID: 105, DeliveryRule: 'F' };
    const without = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-BP-NOLOC', header), C_OrderLine: [] },
    });
    expect(without.status, without.text).toBe(201);
    expect(without.body).toMatchObject({
      M_PriceList_ID: { id: 102 },
      PaymentRule: { id: 'S' },
      C_PaymentTerm_ID: { id: 100 },
      DeliveryRule: { id: 'R' },
      InvoiceRule: { id: 'S' },
      C_BPartner_Location_ID: { id: locationId },
    });
    const withLoc = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-BP-LOC', { ...header, C_BPartner_Location_ID: locationId }), C_OrderLine: [] },
    });
    expect(withLoc.status, withLoc.text).toBe(201);
    expect(withLoc.body).toMatchObject({
      M_PriceList_ID: { id: 101 },
      PaymentRule: { id: 'B' },
      C_PaymentTerm_ID: { id: 105 },
      DeliveryRule: { id: 'F' },
    });
  });

  it('DefaultPOSerializer.fromJson keeps a client-made C_BPartner_Location_UU; LookupTypeConverter resolves {uid} in the same batch', async () => {
    const uu = '5f0c8a52-0d7e-4c39-9d7b-1f1a3c6e9a01';
    const r = await rest('POST', '/batch?transaction=false', {
      token,
      body: [
        {
          method: 'POST',
          path: 'v1/models/C_BPartner',
          body: {
            Value: 'BP-UU-1',
            Name: 'UU buyer',
            IsCustomer: true,
            M_PriceList_ID: 102,
            C_BPartner_Location: [{ C_BPartner_Location_UU: uu, C_Location_ID: { id: 0, City: 'Tainan' } }],
          },
        },
        {
          method: 'POST',
          path: 'v1/models/C_Order',
          body: {
            ...orderBody('PO-UU-1', { C_BPartner_ID: { lookupColumn: 'Value', lookupValue: 'BP-UU-1' } }),
            C_BPartner_Location_ID: { uid: uu },
          },
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body[0].body.C_BPartner_Location[0].uid).toBe(uu);
    expect(r.body[1].statusCode, JSON.stringify(r.body[1].body)).toBe(201);
    expect(r.body[1].body.C_BPartner_Location_ID.id).toBe(r.body[0].body.C_BPartner_Location[0].id);
    expect(r.body[1].body.M_PriceList_ID.id).toBe(101); // the location was given: setBPartner did not run
  });

  it('MOrder.voidIt → createReversals: VO reverse-corrects a completed shipment; MOrder.reActivateIt allows RE after shipment', async () => {
    const o = await completed('PO-UPD-VO');
    const s = await ctrl('POST', '/ship', { orderId: o.id, shipper: '黑貓宅急便', trackingNo: 'VO-1' });
    expect(s.status, s.text).toBe(201);
    expect((await lines(o.id)).map((l) => l.QtyDelivered)).toEqual([2, 1, 0]);
    expect((await lines(o.id)).map((l) => l.QtyReserved)).toEqual([0, 0, 0]);
    const vo = await rest('PUT', `/models/c_order/${o.id}`, { token, body: { 'doc-action': 'VO' } });
    expect(vo.status, vo.text).toBe(200);
    expect(vo.body.DocStatus.id).toBe('VO');
    const shipments = (
      await rest('GET', `/models/m_inout?$filter=C_Order_ID eq ${o.id}&$orderby=M_InOut_ID`, { token })
    ).body.records as { DocStatus: { id: string }; DocumentNo: string }[];
    expect(shipments.map((x) => x.DocStatus.id)).toEqual(['RE', 'RE']);
    expect(shipments[1]!.DocumentNo).toBe(`${shipments[0]!.DocumentNo}^`);
    expect((await lines(o.id)).map((l) => l.QtyDelivered)).toEqual([0, 0, 0]);

    const o2 = await completed('PO-UPD-RE');
    expect((await ctrl('POST', '/ship', { orderId: o2.id, shipper: '黑貓宅急便', trackingNo: 'RE-1' })).status).toBe(
      201,
    );
    const re = await rest('PUT', `/models/c_order/${o2.id}`, { token, body: { 'doc-action': 'RE' } });
    expect(re.status, re.text).toBe(200);
    expect(re.body.DocStatus.id).toBe('IP');
  });
});
