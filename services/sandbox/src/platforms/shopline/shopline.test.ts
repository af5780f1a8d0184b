// SHOPLINE Open API conformance (docs/platforms.md, "SHOPLINE") with plain HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../index.ts';
import { control, json, sandbox, truthOrders } from '../../test/helpers.ts';

let s: Sandbox;
let app: { client_id: string; client_secret: string };
let stores: { merchant_id: string; access_token: string; refresh_token: string }[];
const UA = 'oms-sandbox-test/1.0 (handle: sandbox)';
const req = (path: string, token: string, init: RequestInit & { json?: unknown } = {}) =>
  json(`${s.urls.shopline}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'user-agent': UA,
      accept: 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });
const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ');

beforeAll(async () => {
  s = await sandbox(
    { seed: 11, stores: { shopee: 0, cyberbiz: 0, shopline: 2, momo: 0 }, ordersPerStore: 200, archivedShare: 0.05 },
    { rateLimits: false },
  );
  const c = (await control(s, '/_sandbox/credentials')).body.shopline;
  app = { client_id: c.client_id, client_secret: c.client_secret };
  stores = c.stores;
});
afterAll(() => s?.close());

describe('shopline orders', () => {
  it('requires a User-Agent that names the caller and a valid bearer token', async () => {
    const token = stores[0]!.access_token;
    const noUa = await fetch(`${s.urls.shopline}/v1/orders`, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': '' },
    });
    expect(noUa.status).toBe(401);
    const nodeDefault = await fetch(`${s.urls.shopline}/v1/orders`, { headers: { authorization: `Bearer ${token}` } }); // fetch sends "node"
    expect(nodeDefault.status).toBe(401);
    expect((await req('/v1/orders', 'nope')).status).toBe(401);
    expect((await req('/v1/orders?per_page=1', token)).status).toBe(200);
  });

  it('pages {items, pagination} over a UTC created window, exactly the truth, archived items flagged', async () => {
    const token = stores[0]!.access_token;
    const truth = await truthOrders(s, 'shopline', stores[0]!.merchant_id);
    const from = truth[20]!.createdAt!;
    const to = truth[150]!.createdAt!;
    const expected = truth.filter(
      (o) =>
        Date.parse(o.createdAt!) >= Date.parse(from.slice(0, 19) + 'Z') &&
        Date.parse(o.createdAt!) < Date.parse(to.slice(0, 19) + 'Z') + 1000,
    );
    const ids: string[] = [];
    let page = 1;
    let totalPages: number;
    do {
      const r = await req(
        `/v1/orders?created_after=${encodeURIComponent(utc(from))}&created_before=${encodeURIComponent(utc(to))}&per_page=50&page=${page}`,
        token,
      );
      expect(r.status).toBe(200);
      expect(r.body.pagination).toMatchObject({ current_page: page, per_page: 50, total_count: expected.length });
      totalPages = r.body.pagination.total_pages;
      ids.push(...r.body.items.map((o: { id: string }) => o.id));
      page++;
    } while (page <= totalPages);
    expect(ids.sort()).toEqual(expected.map((o) => o.externalId).sort());
    const big = await req('/v1/orders?per_page=500', token);
    expect(big.body.pagination.per_page).toBe(50);
    expect(big.body.items).toHaveLength(50);
    const all = (await req('/v1/orders?per_page=50&page=4', token)).body.items;
    expect(all.some((o: { is_archived?: boolean }) => o.is_archived)).toBe(true); // the oldest are archived
    expect((await req('/v1/orders?created_after=2024-01-01T00:00:00', token)).status).toBe(422); // no zone: refused
  });

  it('times are UTC ISO; money objects add up: total = subtotal + delivery - discount', async () => {
    const token = stores[1]!.access_token;
    const truth = await truthOrders(s, 'shopline', stores[1]!.merchant_id);
    const r = await req('/v1/orders?per_page=50', token);
    for (const o of r.body.items) {
      const t = truth.find((x) => x.externalId === o.id)!;
      expect(o.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(Date.parse(o.created_at)).toBe(Date.parse(t.createdAt!));
      const items = o.subtotal_items.reduce((n: number, i: any) => n + i.total.cents, 0);
      expect(o.subtotal.cents).toBe(items);
      expect(o.total.cents).toBe(o.subtotal.cents + o.order_delivery.total.cents - o.order_discount.cents);
      expect(o.total.dollars).toBe(t.total);
    }
  });

  it('Get Order: 200, 404 unknown, 410 archived', async () => {
    const token = stores[0]!.access_token;
    const truth = await truthOrders(s, 'shopline', stores[0]!.merchant_id);
    const live = truth.find((o) => !o.archived)!;
    const archived = truth.find((o) => o.archived)!;
    expect((await req(`/v1/orders/${live.externalId}`, token)).body.id).toBe(live.externalId);
    expect((await req('/v1/orders/000000000000000000000000', token)).status).toBe(404);
    const gone = await req(`/v1/orders/${archived.externalId}`, token);
    expect(gone.status).toBe(410);
    expect(gone.body).toHaveProperty('error');
  });

  it('PATCH tracking for custom delivery only; delivery status PATCH does not bump updated_at nor count again', async () => {
    const token = stores[0]!.access_token;
    const truth = await truthOrders(s, 'shopline', stores[0]!.merchant_id);
    const custom = truth.find((o) => o.status === 'paid' && o.delivery === 'custom' && !o.archived)!;
    const integrated = truth.find((o) => o.status === 'paid' && o.delivery !== 'custom' && !o.archived)!;
    const patch = (id: string, body: unknown, path = '') =>
      req(`/v1/orders/${id}${path}`, token, { method: 'PATCH', json: body });
    expect((await patch(integrated.externalId, { tracking_number: 'X1' })).status).toBe(422);
    const ok = await patch(custom.externalId, {
      tracking_number: 'SL-777',
      tracking_url: 'https://t.example/SL-777',
      delivery_provider_name: { 'zh-hant': '黑貓宅急便', en: 'T-Cat' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.delivery_data.tracking_number).toBe('SL-777');
    const before = (await req(`/v1/orders/${custom.externalId}`, token)).body.updated_at;
    const st = await patch(custom.externalId, { status: 'shipped', mail_notify: false }, '/order_delivery_status');
    expect(st.body).toMatchObject({ order_id: custom.externalId, status: 'shipped' });
    const after = (await req(`/v1/orders/${custom.externalId}`, token)).body;
    expect(after.order_delivery.status).toBe('shipped');
    expect(after.updated_at).toBe(before);
    expect((await patch(integrated.externalId, { status: 'shipped' }, '/order_delivery_status')).status).toBe(422);
    expect((await patch(custom.externalId, { status: 'flying' }, '/order_delivery_status')).status).toBe(422);
    const ships = (await control(s, '/_sandbox/shipments?platform=shopline')).body.shipments;
    // One shipment, one confirmation: the status PATCH is recorded on it, not counted again.
    expect(ships.find((x: any) => x.orderExternalId === custom.externalId)).toMatchObject({
      trackingNumber: 'SL-777',
      carrier: '黑貓宅急便',
      confirmations: 1,
      deliveryStatus: 'shipped',
    });
    // Integrated delivery: execute_shipment, once, while pending; the platform assigns the number.
    expect((await patch(custom.externalId, {}, '/execute_shipment')).status).toBe(422);
    const exec = await patch(integrated.externalId, {}, '/execute_shipment');
    expect(exec.status).toBe(200);
    expect(exec.body.delivery_data.tracking_number).toMatch(/^F\d+/);
    expect((await patch(integrated.externalId, {}, '/execute_shipment')).status).toBe(422);
    const integratedShip = (await control(s, '/_sandbox/shipments?platform=shopline')).body.shipments.find(
      (x: any) => x.orderExternalId === integrated.externalId,
    );
    expect(integratedShip).toMatchObject({ confirmations: 1, trackingNumber: exec.body.delivery_data.tracking_number });
  });
});

describe('shopline OAuth', () => {
  it('authorize, exchange the code, refresh with rotation; the old refresh token is dead', async () => {
    const redirect = 'http://127.0.0.1:9/oauth/shopline';
    const page = await fetch(
      `${s.urls.shopline}/oauth/authorize?client_id=${app.client_id}&response_type=code&redirect_uri=${encodeURIComponent(redirect)}&scope=orders&state=s1`,
    );
    const href = /id="authorize" href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');
    const loc = new URL((await fetch(`${s.urls.shopline}${href}`, { redirect: 'manual' })).headers.get('location')!);
    expect(loc.searchParams.get('state')).toBe('s1');
    const tok = await json(`${s.urls.shopline}/oauth/token`, {
      json: { code: loc.searchParams.get('code'), grant_type: 'authorization_code', redirect_uri: redirect, ...app },
    });
    expect(tok.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 15778476,
      resource_owner_id: stores[0]!.merchant_id,
    });
    const refresh = (rt: string) =>
      json(`${s.urls.shopline}/oauth/token`, {
        json: { grant_type: 'refresh_token', refresh_token: rt, redirect_uri: redirect, ...app },
      });
    const r1 = await refresh(tok.body.refresh_token);
    expect(r1.status).toBe(200);
    expect((await refresh(tok.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await req('/oauth/token/info', r1.body.access_token)).body.resource_owner_id).toBe(stores[0]!.merchant_id);
    await control(s, '/_sandbox/tokens/expire', { platform: 'shopline', store: stores[0]!.merchant_id });
    expect((await req('/v1/orders?per_page=1', r1.body.access_token)).status).toBe(401);
  });
});

describe('shopline rate limit', () => {
  it('20 requests per second per token, then 429 with the documented body', async () => {
    const limited = await sandbox({
      seed: 2,
      stores: { shopee: 0, cyberbiz: 0, shopline: 1, momo: 0 },
      ordersPerStore: 3,
    });
    try {
      const token = (await control(limited, '/_sandbox/credentials')).body.shopline.stores[0].access_token;
      const t0 = Date.now();
      const rs = await Promise.all(
        Array.from({ length: 40 }, () =>
          json(`${limited.urls.shopline}/v1/orders?per_page=1`, {
            headers: { authorization: `Bearer ${token}`, 'user-agent': UA },
          }),
        ),
      );
      const elapsed = (Date.now() - t0) / 1000;
      const ok = rs.filter((r) => r.status === 200).length;
      expect(ok).toBeGreaterThanOrEqual(20);
      expect(ok).toBeLessThanOrEqual(20 + Math.ceil(elapsed * 20));
      expect(ok).toBeLessThan(40);
      expect(rs.find((r) => r.status === 429)!.body).toEqual({
        error: 'Rate limit exceeded for attempts to access Open API. please try again later',
        code: 'RateLimitExceeded',
      });
    } finally {
      await limited.close();
    }
  });
});
