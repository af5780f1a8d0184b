// Shipments made by the control route (M_InOut, part shipments) as the OMS reads them, and the control routes
// the sandbox's state endpoint uses (docs/idempiere.md, "Shipments").
import { describe, expect, it } from 'vitest';
import { ctrl, enc, orderBody, rest, sandbox, token, useIdempiereSandbox } from '../test/idempiere';
import { CATALOG } from '../world/catalog';

useIdempiereSandbox();

describe('shipments (M_InOut) and control routes', () => {
  it('ships a completed order via the control route; M_InOut is readable and its TrackingNo writable', async () => {
    const before = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const o = await rest('POST', '/models/c_order', { token, body: { ...orderBody('PO-SHIP-1'), 'doc-action': 'CO' } });
    expect(o.status).toBe(201);
    const draft = await rest('POST', '/models/c_order', { token, body: orderBody('PO-SHIP-DRAFT') });

    const refused = await ctrl('POST', '/ship', { orderId: draft.body.id, shipper: '黑貓宅急便', trackingNo: 'X1' });
    expect(refused.status).toBe(400);
    const unknownShipper = await ctrl('POST', '/ship', {
      poReference: 'PO-SHIP-1',
      shipper: 'Nobody Express',
      trackingNo: 'X1',
    });
    expect(unknownShipper.status).toBe(400);

    const s = await ctrl('POST', '/ship', {
      poReference: 'PO-SHIP-1',
      shipper: '黑貓宅急便',
      trackingNo: '9001-2345-6789',
    });
    expect(s.status, s.text).toBe(201);
    expect(s.body.DocStatus.id).toBe('CO');
    expect(s.body.C_DocType_ID.id).toBe(120);
    expect(s.body.M_InOutLine).toHaveLength(2); // the product lines

    const f = `C_Order_ID eq ${o.body.id} and DocStatus eq 'CO' and Updated ge '${before}'`;
    const list = await rest('GET', `/models/m_inout?$filter=${enc(f)}&$orderby=Updated`, { token });
    expect(list.status, list.text).toBe(200);
    expect(list.body.records).toHaveLength(1);
    const m = list.body.records[0];
    expect(m.C_Order_ID).toMatchObject({ id: o.body.id, 'model-name': 'c_order' });
    expect(m.M_Shipper_ID).toMatchObject({ id: 200000, identifier: '黑貓宅急便', 'model-name': 'm_shipper' });
    expect(m.TrackingNo).toBe('9001-2345-6789');
    expect(m.MovementDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(m.DocumentNo).toBeTruthy();
    const later = await rest(
      'GET',
      `/models/m_inout?$filter=${enc(`Updated gt '${new Date(Date.now() + 60_000).toISOString()}'`)}`,
      { token },
    );
    expect(later.body['row-count']).toBe(0);

    const put = await rest('PUT', `/models/m_inout/${m.id}`, { token, body: { TrackingNo: 'TW-NEW-123' } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.TrackingNo).toBe('TW-NEW-123');
    const putOther = await rest('PUT', `/models/m_inout/${m.id}`, { token, body: { Description: 'nope' } });
    expect(putOther.status).toBe(400);

    const orders = (await ctrl('GET', '/orders')).body as any[];
    const mine = orders.find((x) => x.poReference === 'PO-SHIP-1');
    expect(mine.docStatus).toBe('CO');
    expect(mine.lines[0]).toMatchObject({ productValue: CATALOG[0]!.value, qtyOrdered: 2, qtyDelivered: 2 });
    expect(mine.lines[2]).toMatchObject({ chargeId: 200000, chargeName: 'Freight' });
    expect(mine.shipments[0]).toMatchObject({ shipper: '黑貓宅急便', trackingNo: 'TW-NEW-123', docStatus: 'CO' });
    // nothing left to ship
    expect((await ctrl('POST', '/ship', { orderId: o.body.id, shipper: 100, trackingNo: 'again' })).status).toBe(400);
    // MOrder.reActivateIt: a shipped Standard Order can still be re-activated (order-update.test.ts)
    expect((await rest('PUT', `/models/c_order/${o.body.id}`, { token, body: { 'doc-action': 'RE' } })).status).toBe(
      200,
    );
  });

  it('ships part of an order (products by Value, quantities), then the rest as a second M_InOut', async () => {
    const o = await rest('POST', '/models/c_order', {
      token,
      body: { ...orderBody('PO-SHIP-PART'), 'doc-action': 'CO' },
    });
    expect(o.status, o.text).toBe(201);
    const products = ((await ctrl('GET', '/orders')).body as any[])
      .find((x) => x.poReference === 'PO-SHIP-PART')
      .lines.filter((l: any) => l.productValue);
    const [first, second] = products;
    // Part of the first product only.
    const part = await ctrl('POST', '/ship', {
      orderId: o.body.id,
      shipper: '新竹物流',
      trackingNo: 'P-1',
      lines: [{ product: first.productValue, qty: 1 }],
    });
    expect(part.status, part.text).toBe(201);
    expect(part.body.M_InOutLine.map((l: any) => [l.M_Product_ID.id, l.MovementQty])).toEqual([[first.productId, 1]]);
    // More than is left, or a product not on the order: refused.
    expect(
      (
        await ctrl('POST', '/ship', {
          orderId: o.body.id,
          shipper: '新竹物流',
          trackingNo: 'P-X',
          lines: [{ product: first.productValue, qty: 99 }],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await ctrl('POST', '/ship', {
          orderId: o.body.id,
          shipper: '新竹物流',
          trackingNo: 'P-X',
          lines: [{ product: 'NO-SUCH-SKU' }],
        })
      ).status,
    ).toBe(400);
    // The rest: everything left of both products.
    const rest2 = await ctrl('POST', '/ship', { orderId: o.body.id, shipper: '黑貓宅急便', trackingNo: 'P-2' });
    expect(rest2.status, rest2.text).toBe(201);
    expect(rest2.body.M_InOutLine.map((l: any) => [l.M_Product_ID.id, l.MovementQty])).toEqual([
      [first.productId, first.qtyOrdered - 1],
      [second.productId, second.qtyOrdered],
    ]);
    const mine = ((await ctrl('GET', '/orders')).body as any[]).find((x) => x.poReference === 'PO-SHIP-PART');
    expect(mine.shipments.map((x: any) => x.trackingNo)).toEqual(['P-1', 'P-2']);
    expect(mine.lines.filter((l: any) => l.productValue).every((l: any) => l.qtyDelivered === l.qtyOrdered)).toBe(true);
    // Its lines are readable for the OMS (M_InOutLine by M_InOut_ID).
    const lines = await rest(
      'GET',
      `/models/m_inoutline?$filter=${enc(`M_InOut_ID in (${part.body.id},${rest2.body.id})`)}&$select=M_InOut_ID,M_Product_ID,MovementQty`,
      { token },
    );
    expect(lines.status, lines.text).toBe(200);
    expect(lines.body.records).toHaveLength(3);
  });

  it('credentials and summary for the state endpoint', async () => {
    expect(sandbox.credentials()).toEqual({
      userName: 'GardenAdmin',
      password: 'GardenAdmin',
      clientId: 11,
      roleId: 102,
      organizationId: 11,
      warehouseId: 103,
      language: 'en_US',
    });
    const s = (await ctrl('GET', '/summary')).body;
    expect(Object.keys(s).sort()).toEqual(['orders', 'ordersByStatus', 'overlappingWrites', 'requests', 'writes']);
    expect(s.requests).toBeGreaterThan(0);
    await ctrl('POST', '/reset');
    expect(sandbox.summary()).toEqual({ orders: 0, ordersByStatus: {}, writes: 0, requests: 0, overlappingWrites: 0 });
  });
});
