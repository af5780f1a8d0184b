// Shopee v2 conformance, written from platforms.md §1 with plain HTTP.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../index.ts';
import { control, json, sandbox, truthOrders } from '../test/helpers.ts';

let s: Sandbox;
let partnerId: number;
let partnerKey: string;
let shops: { shop_id: number; access_token: string; refresh_token: string }[];
const now = () => Math.floor(Date.now() / 1000);
const hmac = (base: string) => createHmac('sha256', partnerKey).update(base).digest('hex');

/** A signed call, built as the docs say: sign = hex HMAC-SHA256(partner_key, partner_id + path + timestamp [+ access_token + shop_id]). */
async function call(
  path: string,
  params: Record<string, string | number> = {},
  opts: { shop?: (typeof shops)[number]; body?: unknown; timestamp?: number; sign?: string; token?: string } = {},
) {
  const ts = opts.timestamp ?? now();
  const common: Record<string, string> = { partner_id: String(partnerId), timestamp: String(ts) };
  let base = `${partnerId}${path}${ts}`;
  if (opts.shop) {
    const token = opts.token ?? opts.shop.access_token;
    base += `${token}${opts.shop.shop_id}`;
    Object.assign(common, { access_token: token, shop_id: String(opts.shop.shop_id) });
  }
  common.sign = opts.sign ?? hmac(base);
  const qs = new URLSearchParams({
    ...common,
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  });
  return json(`${s.urls.shopee}${path}?${qs}`, opts.body === undefined ? {} : { json: opts.body });
}

beforeAll(async () => {
  s = await sandbox({
    seed: 42,
    stores: { shopee: 2, cyberbiz: 0, shopline: 0, momo: 0 },
    ordersPerStore: 300,
    codShare: 0.2,
  });
  const c = (await control(s, '/_sandbox/credentials')).body;
  ({ partner_id: partnerId, partner_key: partnerKey, stores: shops } = c.shopee);
});
afterAll(() => s?.close());

describe('shopee signing and common errors', () => {
  it('accepts a correctly signed shop call and answers in the envelope', async () => {
    const r = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    expect(r.status).toBe(200);
    expect(r.body.error).toBe('');
    expect(r.body.shop_name).toContain('蝦皮');
  });

  it('refuses a wrong sign, an expired timestamp, another shop, an unknown partner', async () => {
    const bad = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0], sign: 'f'.repeat(64) });
    expect(bad.body).toMatchObject({ error: 'error_sign', message: 'Wrong sign.' });
    const old = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0], timestamp: now() - 301 });
    expect(old.body).toMatchObject({ error: 'error_param', message: 'Timestamp is expired.' });
    // shop 1's token with shop 2's id, correctly signed: the token does not belong to that shop.
    const other = await call(
      '/api/v2/shop/get_shop_info',
      {},
      { shop: { ...shops[1]!, access_token: shops[0]!.access_token } },
    );
    expect(other.body.error).toBe('error_auth');
    const ts = now();
    const unknown = await json(
      `${s.urls.shopee}/api/v2/shop/get_shop_info?partner_id=1&timestamp=${ts}&sign=${hmac(`1/api/v2/shop/get_shop_info${ts}`)}&access_token=x&shop_id=1`,
    );
    expect(unknown.body.error).toBe('error_auth');
    expect(typeof unknown.body.request_id).toBe('string');
  });
});

describe('shopee orders', () => {
  it('lists a 15-day create_time window page by page with the opaque cursor, exactly the truth', async () => {
    const to = now();
    const from = to - 15 * 86400;
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const r = await call(
        '/api/v2/order/get_order_list',
        { time_range_field: 'create_time', time_from: from, time_to: to, page_size: 37, cursor },
        { shop: shops[0] },
      );
      expect(r.body.error).toBe('');
      const res = r.body.response;
      seen.push(
        ...res.order_list.map((o: { order_sn: string; order_status?: string }) => {
          expect(o.order_status).toBeUndefined(); // optional field not asked for
          return o.order_sn;
        }),
      );
      pages++;
      if (!res.more) {
        expect(res.next_cursor).toBe('');
        break;
      }
      cursor = res.next_cursor;
    }
    const truth = (await truthOrders(s, 'shopee', String(shops[0]!.shop_id))).filter((o) => {
      const t = Math.floor(Date.parse(o.createdAt!) / 1000);
      return t >= from && t <= to;
    });
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(truth.map((o) => o.externalId).sort());
  });

  it('refuses a window over 15 days, reversed times, page_size outside 1..100, a forged cursor', async () => {
    const to = now();
    const wide = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'update_time', time_from: to - 15 * 86400 - 1, time_to: to, page_size: 10 },
      { shop: shops[0] },
    );
    expect(wide.body).toMatchObject({
      error: 'order.order_list_invalid_time',
      message: 'Start time must be earlier than end time and diff in 15days.',
    });
    const reversed = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'update_time', time_from: to, time_to: to - 10, page_size: 10 },
      { shop: shops[0] },
    );
    expect(reversed.body.error).toBe('order.order_list_invalid_time');
    for (const size of [0, 101]) {
      const r = await call(
        '/api/v2/order/get_order_list',
        { time_range_field: 'create_time', time_from: to - 86400, time_to: to, page_size: size },
        { shop: shops[0] },
      );
      expect(r.body.error).toBe('error_param');
    }
    const forged = await call(
      '/api/v2/order/get_order_list',
      { time_range_field: 'create_time', time_from: to - 86400, time_to: to, page_size: 10, cursor: '20' },
      { shop: shops[0] },
    );
    expect(forged.body.error).toBe('error_param');
  });

  it('get_order_detail: 1..50 order_sn, optional fields absent unless asked, totals consistent', async () => {
    const truth = await truthOrders(s, 'shopee', String(shops[0]!.shop_id));
    const sns = truth.slice(0, 50).map((o) => o.externalId);
    const plain = await call('/api/v2/order/get_order_detail', { order_sn_list: sns.join(',') }, { shop: shops[0] });
    expect(plain.body.response.order_list).toHaveLength(50);
    const first = plain.body.response.order_list[0];
    expect(first).toHaveProperty('order_status');
    for (const f of ['item_list', 'total_amount', 'recipient_address', 'pay_time', 'buyer_username'])
      expect(first).not.toHaveProperty(f);

    const tooMany = await call(
      '/api/v2/order/get_order_detail',
      {
        order_sn_list: truth
          .slice(0, 51)
          .map((o) => o.externalId)
          .join(','),
      },
      { shop: shops[0] },
    );
    expect(tooMany.body.error).toBe('error_param');

    const full = await call(
      '/api/v2/order/get_order_detail',
      {
        order_sn_list: sns.join(','),
        response_optional_fields: 'item_list,total_amount,estimated_shipping_fee,recipient_address,pay_time',
      },
      { shop: shops[0] },
    );
    let checked = 0;
    for (const d of full.body.response.order_list) {
      const t = truth.find((o) => o.externalId === d.order_sn)!;
      expect(d.item_list.map((i: any) => i.model_sku || i.item_sku)).toEqual(t.lines.map((l) => l.sku));
      if (!t.paidAt && !t.cod) expect(d).not.toHaveProperty('total_amount');
      else {
        const items = d.item_list.reduce(
          (sum: number, i: any) => sum + i.model_discounted_price * i.model_quantity_purchased,
          0,
        );
        expect(d.total_amount).toBe(items + d.estimated_shipping_fee);
        expect(d.total_amount).toBe(t.total);
        checked++;
      }
      expect(d.recipient_address.region).toBe('TW');
      if (t.delivery !== 'non_integrated') expect(d.recipient_address.name).toBe('****');
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('shopee tokens', () => {
  it('refresh tokens work once and rotate; an expired access token is refused', async () => {
    const shop = shops[1]!;
    const refresh = (token: string) =>
      call(
        '/api/v2/auth/access_token/get',
        {},
        { body: { refresh_token: token, partner_id: partnerId, shop_id: shop.shop_id } },
      );
    const r1 = await refresh(shop.refresh_token);
    expect(r1.body).toMatchObject({ error: '', expire_in: 14400, shop_id: shop.shop_id, partner_id: partnerId });
    expect(r1.body.refresh_token).not.toBe(shop.refresh_token);
    const reuse = await refresh(shop.refresh_token);
    expect(reuse.body).toMatchObject({ error: 'error_auth', message: 'Invalid refresh_token.' });
    const fresh = {
      ...shop,
      access_token: r1.body.access_token as string,
      refresh_token: r1.body.refresh_token as string,
    };
    expect((await call('/api/v2/shop/get_shop_info', {}, { shop: fresh })).body.error).toBe('');

    await control(s, '/_sandbox/tokens/expire', { platform: 'shopee', store: String(shop.shop_id) });
    const expired = await call('/api/v2/shop/get_shop_info', {}, { shop: fresh });
    expect(expired.body.error).toBe('invalid_acceess_token');
    const r2 = await refresh(fresh.refresh_token);
    expect(r2.body.error).toBe('');
    await control(s, '/_sandbox/tokens/revoke', { platform: 'shopee', store: String(shop.shop_id) });
    expect((await refresh(r2.body.refresh_token)).body.error).toBe('error_auth');
  });

  it('authorization: signed auth_partner page, single-use code, token/get', async () => {
    const ts = now();
    const path = '/api/v2/shop/auth_partner';
    const unsigned = await fetch(
      `${s.urls.shopee}${path}?partner_id=${partnerId}&timestamp=${ts}&sign=00&redirect=http://127.0.0.1:9/cb`,
    );
    expect(((await unsigned.json()) as { error: string }).error).toBe('error_sign');
    const page = await fetch(
      `${s.urls.shopee}${path}?partner_id=${partnerId}&timestamp=${ts}&sign=${hmac(`${partnerId}${path}${ts}`)}&redirect=${encodeURIComponent('http://127.0.0.1:9/cb?x=1')}`,
    );
    const htmlText = await page.text();
    const href = /id="authorize" href="([^"]+)"/.exec(htmlText)![1]!.replace(/&amp;/g, '&');
    const go = await fetch(`${s.urls.shopee}${href}`, { redirect: 'manual' });
    expect(go.status).toBe(302);
    const loc = new URL(go.headers.get('location')!);
    expect(loc.searchParams.get('x')).toBe('1');
    const code = loc.searchParams.get('code')!;
    const shopId = Number(loc.searchParams.get('shop_id'));
    expect(shopId).toBe(shops[0]!.shop_id);
    const t = await call('/api/v2/auth/token/get', {}, { body: { code, partner_id: partnerId, shop_id: shopId } });
    expect(t.body).toMatchObject({ error: '', expire_in: 14400 });
    const again = await call('/api/v2/auth/token/get', {}, { body: { code, partner_id: partnerId, shop_id: shopId } });
    expect(again.body.error).toBe('error_auth');
  });
});

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

describe('shopee split packages (seller split in Seller Centre)', () => {
  it('a split order lists each package with its items; every logistics call needs its package_number', async () => {
    // Shop 0: an earlier test revoked shop 1's tokens.
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

describe('shopee faults and push', () => {
  it('answers a rate-limit burst with error_rate_limit, then recovers', async () => {
    await control(s, '/_sandbox/faults', { system: 'shopee', rateLimitBurst: { count: 2 } });
    const a = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    const b = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    const c = await call('/api/v2/shop/get_shop_info', {}, { shop: shops[0] });
    expect([a.status, a.body.error, b.body.error]).toEqual([429, 'error_rate_limit', 'error_rate_limit']);
    expect(c.body.error).toBe('');
    expect((await control(s, '/_sandbox/faults', { system: 'shopee', rateLimitBurst: { count: 0 } })).status).toBe(400);
  });

  it('signs a push as Shopee does: hex HMAC(partner_key, url|body)', async () => {
    let got: { auth: string; body: string; url: string } | null = null;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got = { auth: String(req.headers.authorization), body, url: req.url! };
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopee?ch=1`;
    const r = await control(s, '/_sandbox/push', {
      platform: 'shopee',
      callbackUrl: url,
      code: 3,
      shopId: shops[0]!.shop_id,
      data: { ordersn: 'X1', status: 'READY_TO_SHIP', update_time: now() },
    });
    server.close();
    expect(r.body.delivered).toBe(true);
    expect(got!.auth).toBe(hmac(`${url}|${got!.body}`));
    expect(JSON.parse(got!.body)).toMatchObject({ code: 3, shop_id: shops[0]!.shop_id, data: { ordersn: 'X1' } });
  });
});
