// SKU and carrier mappings, shipments and their retry.
import { expect, it } from 'vitest';
import { api, h, s } from './context';

export function mappingAndShipmentRoutes(): void {
  it('SKU mapping CRUD', async () => {
    const c = await api('POST', '/sku-mappings', '/sku-mappings', {
      channelId: s.channelId,
      platformSku: 'UNKNOWN-SKU',
      erpProductId: 145,
    });
    expect(c.status).toBe(201);
    const m = c.json();
    expect(
      (
        await api('POST', '/sku-mappings', '/sku-mappings', {
          channelId: s.channelId,
          platformSku: 'UNKNOWN-SKU',
          erpProductId: 1,
        })
      ).status,
    ).toBe(409);
    expect((await api('GET', '/sku-mappings', `/sku-mappings?channelId=${s.channelId}`)).json().length).toBe(2);
    expect((await api('GET', '/sku-mappings/:id', `/sku-mappings/${m.id}`)).json().erpProductId).toBe(145);
    expect(
      (await api('PATCH', '/sku-mappings/:id', `/sku-mappings/${m.id}`, { erpProductId: 146 })).json().erpProductId,
    ).toBe(146);
    expect((await api('DELETE', '/sku-mappings/:id', `/sku-mappings/${m.id}`)).status).toBe(204);
    expect((await api('GET', '/sku-mappings/:id', `/sku-mappings/${m.id}`)).status).toBe(404);
    expect(
      (
        await api('POST', '/sku-mappings', '/sku-mappings', {
          channelId: '00000000-0000-4000-8000-000000000002',
          platformSku: 'X',
          erpProductId: 1,
        })
      ).status,
    ).toBe(404);
  });

  it('carrier mapping CRUD', async () => {
    const m = (
      await api('POST', '/carrier-mappings', '/carrier-mappings', {
        channelId: s.channelId,
        erpShipperName: 'UPS',
        platformCarrier: 'ups-tw',
      })
    ).json();
    expect((await api('GET', '/carrier-mappings', '/carrier-mappings')).json().length).toBe(2);
    expect((await api('GET', '/carrier-mappings/:id', `/carrier-mappings/${m.id}`)).json().platformCarrier).toBe(
      'ups-tw',
    );
    expect(
      (await api('PATCH', '/carrier-mappings/:id', `/carrier-mappings/${m.id}`, { platformCarrier: 'UPS' })).json()
        .platformCarrier,
    ).toBe('UPS');
    expect(
      (await api('PATCH', '/carrier-mappings/:id', `/carrier-mappings/${m.id}`, { erpShipperName: 'Shipper 1' }))
        .status,
    ).toBe(409);
    expect((await api('DELETE', '/carrier-mappings/:id', `/carrier-mappings/${m.id}`)).status).toBe(204);
  });

  it('lists shipments and retries a failed push', async () => {
    const list = (await api('GET', '/shipments', `/shipments?state=failed&channelId=${s.channelId}`)).json();
    expect(list.map((x: { id: string }) => x.id)).toEqual([s.shipmentId]);
    const r = await api('POST', '/shipments/:id/retry', `/shipments/${s.shipmentId}/retry`);
    expect(r.json()).toMatchObject({ queued: true, jobId: `push-shipment-${s.shipmentId}` });
    expect((await h.db.shipment.findUniqueOrThrow({ where: { id: s.shipmentId } })).state).toBe('pending');
    expect(
      (await api('POST', '/shipments/:id/retry', '/shipments/00000000-0000-4000-8000-000000000003/retry')).status,
    ).toBe(404);
    // Every state of the database is a filter the operator can use, a later part shipment included.
    expect((await api('GET', '/shipments', `/shipments?state=not_pushed&channelId=${s.channelId}`)).json()).toEqual([]);
    const bad = await api('GET', '/shipments', '/shipments?state=lost');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('state');
  });
}
