// Shopee conformance: orders the seller split into packages, shipped one package at a time
// (docs/platforms.md, "Shopee: shipping and logistics").
import { describe, expect, it } from 'vitest';
import { control, sandbox, truthOrders } from '../../test/helpers.ts';
import { call, s, shops, useShopeeSandbox } from '../../test/shopee.ts';

useShopeeSandbox();

describe('shopee split packages (seller split in Seller Centre)', () => {
  it('a split order lists each package with its items; every logistics call needs its package_number', async () => {
    // Shop 0, as the logistics tests use.
    const shop = shops[0]!;
    const truth = await truthOrders(s, 'shopee', String(shop.shop_id));
    const order = truth.find(
      (o) =>
        o.platformStatus === 'READY_TO_SHIP' &&
        o.delivery === 'non_integrated' &&
        o.lines.length >= 3 &&
        o.packages === null,
    )!;
    const [a, ...rest] = order.lines.map((l) => l.id);
    const split = await control(s, '/_sandbox/shopee/split', { externalIds: [order.externalId], groups: [[a], rest] });
    expect(split.status).toBe(200);
    const packages = split.body.split[0].packages as { packageNumber: string; lineIds: string[] }[];
    expect(packages.map((p) => p.lineIds)).toEqual([[a], rest]);
    // Refused: an order split already, a grouping that leaves out a line.
    expect((await control(s, '/_sandbox/shopee/split', { externalIds: [order.externalId], packages: 2 })).status).toBe(
      400,
    );

    const detail = await call(
      '/api/v2/order/get_order_detail',
      { order_sn_list: order.externalId, response_optional_fields: 'package_list,split_up,item_list' },
      { shop },
    );
    const o = detail.body.response.order_list[0];
    expect(o.split_up).toBe(true);
    expect(o.package_list.map((p: any) => p.package_number)).toEqual(packages.map((p) => p.packageNumber));
    expect(o.package_list.map((p: any) => p.item_list.map((i: any) => String(i.order_item_id)))).toEqual([[a], rest]);
    expect(o.package_list.every((p: any) => p.logistics_status === 'LOGISTICS_READY')).toBe(true);
    const listed = (
      await call('/api/v2/order/get_shipment_list', { page_size: 100 }, { shop })
    ).body.response.order_list.filter((r: any) => r.order_sn === order.externalId);
    expect(listed.map((r: any) => r.package_number)).toEqual(packages.map((p) => p.packageNumber));

    expect(
      (await call('/api/v2/logistics/get_shipping_parameter', { order_sn: order.externalId }, { shop })).body.error,
    ).toBe('logistics.package_number_not_exist');
    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          { shop, body: { order_sn: order.externalId, non_integrated: { tracking_number: 'X1' } } },
        )
      ).body.error,
    ).toBe('logistics.ship_order_need_pacakge_number');
    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          {
            shop,
            body: { order_sn: order.externalId, package_number: 'OFG0', non_integrated: { tracking_number: 'X1' } },
          },
        )
      ).body.error,
    ).toBe('logistics.package_number_not_exist');

    // The first package: arranged with its own number; the order stays READY_TO_SHIP until every package is.
    const [p1, p2] = packages;
    expect(
      (
        await call(
          '/api/v2/logistics/get_shipping_parameter',
          { order_sn: order.externalId, package_number: p1!.packageNumber },
          { shop },
        )
      ).body.response.info_needed,
    ).toEqual({ non_integrated: ['tracking_no'] });
    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          {
            shop,
            body: {
              order_sn: order.externalId,
              package_number: p1!.packageNumber,
              non_integrated: { tracking_number: 'PKG-ONE' },
            },
          },
        )
      ).body.error,
    ).toBe('');
    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          {
            shop,
            body: {
              order_sn: order.externalId,
              package_number: p1!.packageNumber,
              non_integrated: { tracking_number: 'PKG-ONE' },
            },
          },
        )
      ).body.error,
    ).toBe('logistics.package_already_shipped');
    expect(
      (
        await call(
          '/api/v2/logistics/get_shipping_parameter',
          { order_sn: order.externalId, package_number: p1!.packageNumber },
          { shop },
        )
      ).body.error,
    ).toBe('error_param');
    let now = (await truthOrders(s, 'shopee', String(shop.shop_id))).find((x) => x.externalId === order.externalId)!;
    expect(now.platformStatus).toBe('READY_TO_SHIP');
    expect(now.packages!.map((p) => p.arranged)).toEqual([true, false]);
    const again = (
      await call(
        '/api/v2/order/get_order_detail',
        { order_sn_list: order.externalId, response_optional_fields: 'package_list' },
        { shop },
      )
    ).body.response.order_list[0];
    expect(again.package_list.map((p: any) => p.logistics_status)).toEqual([
      'LOGISTICS_REQUEST_CREATED',
      'LOGISTICS_READY',
    ]);

    expect(
      (
        await call(
          '/api/v2/logistics/ship_order',
          {},
          {
            shop,
            body: {
              order_sn: order.externalId,
              package_number: p2!.packageNumber,
              non_integrated: { tracking_number: 'PKG-TWO' },
            },
          },
        )
      ).body.error,
    ).toBe('');
    expect(
      (
        await call(
          '/api/v2/logistics/get_tracking_number',
          { order_sn: order.externalId, package_number: p1!.packageNumber },
          { shop },
        )
      ).body.response.tracking_number,
    ).toBe('PKG-ONE');
    expect(
      (
        await call(
          '/api/v2/logistics/get_tracking_number',
          { order_sn: order.externalId, package_number: p2!.packageNumber },
          { shop },
        )
      ).body.response.tracking_number,
    ).toBe('PKG-TWO');
    now = (await truthOrders(s, 'shopee', String(shop.shop_id))).find((x) => x.externalId === order.externalId)!;
    expect(now.platformStatus).toBe('PROCESSED');

    // One shipment record per package, each confirmed once (the refused second ship_order counts as an attempt).
    const ships = (await control(s, '/_sandbox/shipments?platform=shopee')).body.shipments.filter(
      (x: any) => x.orderExternalId === order.externalId && x.confirmations > 0,
    );
    expect(ships.map((x: any) => [x.packageNumber, x.trackingNumber, x.confirmations, x.attempts])).toEqual([
      [p1!.packageNumber, 'PKG-ONE', 1, 2],
      [p2!.packageNumber, 'PKG-TWO', 1, 1],
    ]);
  });

  it('a scenario can have the seller split a share of the unshipped orders', async () => {
    const split = await sandbox({
      seed: 7,
      stores: { shopee: 1, cyberbiz: 0, shopline: 0, momo: 0 },
      ordersPerStore: 200,
      statusMix: { paid: 1 },
      shopeeSplitShare: 0.5,
    });
    try {
      const orders = await truthOrders(split, 'shopee');
      const splitOnes = orders.filter((o) => o.packages !== null);
      expect(splitOnes.length).toBeGreaterThan(30);
      for (const o of splitOnes)
        expect(o.packages!.flatMap((p) => p.lineIds).sort()).toEqual(o.lines.map((l) => l.id).sort());
      expect(orders.filter((o) => o.lines.length === 1).every((o) => o.packages === null)).toBe(true);
    } finally {
      await split.close();
    }
    // Without the option the same seed makes the same world as before: no order is split.
    const plain = await sandbox({
      seed: 7,
      stores: { shopee: 1, cyberbiz: 0, shopline: 0, momo: 0 },
      ordersPerStore: 20,
    });
    try {
      expect((await truthOrders(plain, 'shopee')).every((o) => o.packages === null)).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
