// Shopee conformance: get_shipping_parameter, ship_order per channel, get_tracking_number
// (docs/platforms.md, "Shopee: shipping and logistics").
import { describe, expect, it } from 'vitest';
import { control, truthOrders } from '../../test/helpers.ts';
import { call, s, shops, useShopeeSandbox } from '../../test/shopee.ts';

useShopeeSandbox();

describe('shopee logistics', () => {
  it('get_shipping_parameter, ship_order once, tracking number empty at first then assigned', async () => {
    const shop = shops[0]!;
    const truth = await truthOrders(s, 'shopee', String(shop.shop_id));
    const ready = truth.filter((o) => o.platformStatus === 'READY_TO_SHIP');
    const pickup = ready.find((o) => o.delivery === 'pickup')!;
    const params = await call('/api/v2/logistics/get_shipping_parameter', { order_sn: pickup.externalId }, { shop });
    expect(params.body.response.info_needed).toEqual({ pickup: ['address_id', 'pickup_time_id'] });
    const address = params.body.response.pickup.address_list[0];
    const slot = address.time_slot_list[0];

    const two = await call(
      '/api/v2/logistics/ship_order',
      {},
      { shop, body: { order_sn: pickup.externalId, pickup: {}, dropoff: {} } },
    );
    expect(two.body.error).toBe('logistics.ship_order_only_support_one_type');
    const noSlot = await call(
      '/api/v2/logistics/ship_order',
      {},
      { shop, body: { order_sn: pickup.externalId, pickup: { address_id: address.address_id } } },
    );
    expect(noSlot.body.error).toBe('logistics.ship_order_need_address_pickup_time');
    const shipped = await call(
      '/api/v2/logistics/ship_order',
      {},
      {
        shop,
        body: {
          order_sn: pickup.externalId,
          pickup: { address_id: address.address_id, pickup_time_id: slot.pickup_time_id },
        },
      },
    );
    expect(shipped.status).toBe(200);
    expect(shipped.body.error).toBe('');
    const again = await call(
      '/api/v2/logistics/ship_order',
      {},
      {
        shop,
        body: {
          order_sn: pickup.externalId,
          pickup: { address_id: address.address_id, pickup_time_id: slot.pickup_time_id },
        },
      },
    );
    expect(again.body.error).toBe('logistics.package_already_shipped');

    const t1 = await call('/api/v2/logistics/get_tracking_number', { order_sn: pickup.externalId }, { shop });
    expect(t1.body.response.tracking_number).toBe('');
    const t2 = await call('/api/v2/logistics/get_tracking_number', { order_sn: pickup.externalId }, { shop });
    expect(t2.body.response.tracking_number).toMatch(/^TW\d+/);

    const unpaid = truth.find((o) => o.status === 'unpaid')!;
    const notReady = await call(
      '/api/v2/logistics/ship_order',
      {},
      { shop, body: { order_sn: unpaid.externalId, pickup: {} } },
    );
    expect(notReady.body.error).toBe('logistics.ship_order_not_ready_to_ship');

    const ships = (await control(s, '/_sandbox/shipments?platform=shopee')).body.shipments;
    const mine = ships.find((x: any) => x.orderExternalId === pickup.externalId);
    expect(mine).toMatchObject({
      confirmations: 1,
      trackingNumber: t2.body.response.tracking_number,
      carrier: '黑貓宅急便',
    });
    const after = (await truthOrders(s, 'shopee', String(shop.shop_id))).find(
      (o) => o.externalId === pickup.externalId,
    )!;
    expect(after.platformStatus).toBe('PROCESSED');
    expect(Date.parse(after.updatedAt!)).toBeGreaterThan(Date.parse(pickup.updatedAt!));
  });

  it('non-integrated channels need the seller tracking number; dropoff needs the (empty) dropoff key', async () => {
    const shop = shops[0]!;
    const truth = (await truthOrders(s, 'shopee', String(shop.shop_id))).filter(
      (o) => o.platformStatus === 'READY_TO_SHIP',
    );
    const own = truth.find((o) => o.delivery === 'non_integrated')!;
    expect(
      (await call('/api/v2/logistics/get_shipping_parameter', { order_sn: own.externalId }, { shop })).body.response
        .info_needed,
    ).toEqual({ non_integrated: ['tracking_no'] });
    expect(
      (await call('/api/v2/logistics/ship_order', {}, { shop, body: { order_sn: own.externalId, non_integrated: {} } }))
        .body.error,
    ).toBe('error_param');
    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          { shop, body: { order_sn: own.externalId, non_integrated: { tracking_number: 'HCT123456' } } },
        )
      ).body.error,
    ).toBe('');
    expect(
      (await call('/api/v2/logistics/get_tracking_number', { order_sn: own.externalId }, { shop })).body.response
        .tracking_number,
    ).toBe('HCT123456');

    const drop = truth.find((o) => o.delivery === 'dropoff')!;
    expect(
      (await call('/api/v2/logistics/ship_order', {}, { shop, body: { order_sn: drop.externalId } })).body.error,
    ).toBe('error_param');
    expect(
      (await call('/api/v2/logistics/ship_order', {}, { shop, body: { order_sn: drop.externalId, dropoff: {} } })).body
        .error,
    ).toBe('');
  });
});
