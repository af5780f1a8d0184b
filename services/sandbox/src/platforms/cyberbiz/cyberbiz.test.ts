// Cyberbiz conformance (docs/platforms.md, "Cyberbiz") with plain HTTP: v2 Bearer API, shop-domain token endpoint,
// bare-array pages with X-* headers, Taipei local times, 5 req/s, fulfillments, v1 HMAC.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../index.ts';
import { control, json, sandbox, truthOrders } from '../../test/helpers.ts';

let s: Sandbox;
let app: { client_id: string; client_secret: string };
let stores: {
  shop_domain: string;
  access_token: string;
  refresh_token: string;
  v1: { api_key: string; api_secret: string };
}[];
const get = (path: string, token: string) =>
  json(`${s.urls.cyberbiz}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
const taipei = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

beforeAll(async () => {
  // Per-token rate limits off here (pages in a loop); a separate sandbox below proves the limit.
  s = await sandbox(
    { seed: 7, stores: { shopee: 0, cyberbiz: 2, shopline: 0, momo: 0 }, ordersPerStore: 260 },
    { rateLimits: false },
  );
  const c = (await control(s, '/_sandbox/credentials')).body.cyberbiz;
  app = { client_id: c.client_id, client_secret: c.client_secret };
  stores = c.stores;
});
afterAll(() => s?.close());

describe('cyberbiz v2 orders', () => {
  it('pages a bare array with X-* headers, per_page capped at 50, exactly the truth', async () => {
    const token = stores[0]!.access_token;
    const first = await get('/v1/orders?per_page=100', token);
    expect(Array.isArray(first.body)).toBe(true);
    expect(first.headers.get('x-per-page')).toBe('50');
    expect(first.body).toHaveLength(50);
    expect(first.headers.get('x-total')).toBe('260');
    expect(first.headers.get('x-total-pages')).toBe('6');
    expect(first.headers.get('x-next-page')).toBe('2');
    const ids: number[] = [];
    for (let page = 1; page <= Number(first.headers.get('x-total-pages')); page++) {
      const r = await get(`/v1/orders?page=${page}&per_page=50`, token);
      ids.push(...r.body.map((o: { id: number }) => o.id));
    }
    const truth = await truthOrders(s, 'cyberbiz', stores[0]!.shop_domain);
    expect(ids.map(String).sort()).toEqual(truth.map((o) => o.externalId).sort());
    // offset shifts the slice: offset + (page-1)*per_page + 1
    const off = await get('/v1/orders?page=2&per_page=10&offset=5', token);
    expect(off.body[0].id).toBe(ids[15]);
  });

  it('speaks Taipei local time without zone, both ways, and refuses malformed times', async () => {
    const token = stores[0]!.access_token;
    const [t] = await truthOrders(s, 'cyberbiz', stores[0]!.shop_domain);
    const local = taipei(t!.createdAt!);
    const detail = await get(`/v1/orders/${t!.externalId}`, token);
    expect(detail.body.created_at).toBe(local);
    expect(detail.body).not.toHaveProperty('token');
    const window = await get(
      `/v1/orders?start_time=${encodeURIComponent(local)}&end_time=${encodeURIComponent(local)}`,
      token,
    );
    expect(window.body.map((o: { id: number }) => String(o.id))).toContain(t!.externalId);
    // The same instant written in UTC is eight hours off and misses it.
    const utc = t!.createdAt!.slice(0, 19).replace('T', ' ');
    const miss = await get(
      `/v1/orders?start_time=${encodeURIComponent(utc)}&end_time=${encodeURIComponent(utc)}`,
      token,
    );
    expect(miss.body.map((o: { id: number }) => String(o.id))).not.toContain(t!.externalId);
    const bad = await get('/v1/orders?updated_at_start_time=2024-13-01T00:00:00Z', token);
    expect(bad.status).toBe(422);
    expect(bad.body.error[0]).toMatch(/updated_at_start_time/);
  });

  it('totals are consistent in floats: total = line items + shipping - discounts', async () => {
    const r = await get('/v1/orders?per_page=50', stores[1]!.access_token);
    const truth = await truthOrders(s, 'cyberbiz', stores[1]!.shop_domain);
    for (const o of r.body) {
      const items = o.line_items.reduce((sum: number, l: any) => sum + l.total_price_after_discounts, 0);
      expect(o.prices.total_line_items_price).toBe(items);
      const d = o.prices.discounts;
      expect(o.prices.total_price).toBe(
        items + o.prices.shipping_rate_price - d.shop_discount - d.vip_discount - d.bonus_consumed - d.price_discount,
      );
      expect(o.prices.total_price).toBe(truth.find((t) => t.externalId === String(o.id))!.total);
      for (const l of o.line_items) expect(l.total_price_after_discounts).toBe(l.price * l.quantity - l.total_discount);
    }
  });

  it('unknown order: 404 {"error":["無此資源"]}; bad token: 401', async () => {
    expect((await get('/v1/orders/1', stores[0]!.access_token)).body).toEqual({ error: ['無此資源'] });
    expect((await get('/v1/orders', 'not-a-jwt')).status).toBe(401);
    // store 1's token cannot read store 2's orders
    const other = (await truthOrders(s, 'cyberbiz', stores[1]!.shop_domain))[0]!;
    expect((await get(`/v1/orders/${other.externalId}`, stores[0]!.access_token)).status).toBe(404);
  });
});

describe('cyberbiz tokens', () => {
  it('JWT with a 2 h expiry; refresh at /admin/oauth/token with the shop domain rotates the refresh token', async () => {
    const st = stores[1]!;
    const claims = JSON.parse(Buffer.from(st.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(7200);
    expect(claims.shop_domain).toBe(st.shop_domain);
    await control(s, '/_sandbox/tokens/expire', { platform: 'cyberbiz', store: st.shop_domain });
    expect((await get('/v1/orders', st.access_token)).status).toBe(401);

    const refresh = (token: string, domain?: string) =>
      json(`${s.urls.cyberbiz}/admin/oauth/token`, {
        json: { grant_type: 'refresh_token', refresh_token: token, ...app },
        headers: domain ? { 'x-shop-domain': domain } : {},
      });
    expect((await refresh(st.refresh_token)).status).toBe(404); // no shop domain
    expect((await refresh(st.refresh_token, stores[0]!.shop_domain)).body.error).toBe('invalid_grant'); // another shop's domain
    const r = await refresh(st.refresh_token, st.shop_domain);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 7200 });
    expect(r.body.refresh_token).not.toBe(st.refresh_token);
    expect((await refresh(st.refresh_token, st.shop_domain)).body.error).toBe('invalid_grant'); // single use
    expect((await get('/v1/orders?per_page=1', r.body.access_token)).status).toBe(200);
    // shop_domain in the body works too
    const body = await json(`${s.urls.cyberbiz}/admin/oauth/token`, {
      json: { grant_type: 'refresh_token', refresh_token: r.body.refresh_token, shop_domain: st.shop_domain, ...app },
    });
    expect(body.status).toBe(200);
    const wrongSecret = await json(`${s.urls.cyberbiz}/admin/oauth/token`, {
      json: {
        grant_type: 'refresh_token',
        refresh_token: body.body.refresh_token,
        shop_domain: st.shop_domain,
        client_id: app.client_id,
        client_secret: 'x',
      },
    });
    expect(wrongSecret.status).toBe(401);
  });

  it('authorize page and authorization_code grant (redirect_uri must match, code single use)', async () => {
    const redirect = 'http://127.0.0.1:9/oauth/cyberbiz';
    const page = await fetch(
      `${s.urls.cyberbiz}/oauth/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent(redirect)}&state=abc&shop_domain=${stores[0]!.shop_domain}`,
    );
    const href = /id="authorize" href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');
    const go = await fetch(`${s.urls.cyberbiz}${href}`, { redirect: 'manual' });
    const loc = new URL(go.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(redirect);
    expect(loc.searchParams.get('state')).toBe('abc');
    const code = loc.searchParams.get('code')!;
    const exchange = (uri: string) =>
      json(`${s.urls.cyberbiz}/admin/oauth/token`, {
        json: { grant_type: 'authorization_code', code, redirect_uri: uri, ...app },
        headers: { 'x-shop-domain': stores[0]!.shop_domain },
      });
    expect((await exchange('http://evil/')).body.error).toBe('invalid_grant');
    const ok = await exchange(redirect);
    expect(ok.status).toBe(200);
    expect((await get('/v1/orders?per_page=1', ok.body.access_token)).status).toBe(200);
    expect((await exchange(redirect)).body.error).toBe('invalid_grant'); // single use
  });
});

describe('cyberbiz fulfillments', () => {
  it('custom_shipping once; again, bad company, cancelled: 422; GET fulfillments shows it', async () => {
    const st = stores[0]!;
    const truth = await truthOrders(s, 'cyberbiz', st.shop_domain);
    const paid = truth.find((o) => o.status === 'paid')!;
    const post = (id: string, body: unknown) =>
      json(`${s.urls.cyberbiz}/v1/orders/${id}/fulfillments/custom_shipping`, {
        json: body,
        headers: { authorization: `Bearer ${st.access_token}` },
      });
    expect((await post(paid.externalId, { tracking_number: '123', tracking_company: 'black-cat' })).status).toBe(422);
    const ok = await post(paid.externalId, {
      line_item_ids: paid.lines.map((l) => Number(l.id)),
      tracking_number: '900100200',
      tracking_company: 'ezcat',
      notify_customer: false,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tracking_company: 'ezcat', tracking_number: '900100200' });
    const again = await post(paid.externalId, {
      line_item_ids: paid.lines.map((l) => Number(l.id)),
      tracking_number: '900100200',
      tracking_company: 'ezcat',
    });
    expect(again.status).toBe(422);
    const list = await get(`/v1/orders/${paid.externalId}/fulfillments`, st.access_token);
    expect(list.body).toHaveLength(1);
    const detail = await get(`/v1/orders/${paid.externalId}`, st.access_token);
    expect(detail.body.statuses.fulfillment_status).toBe('fulfilled');
    const cancelled = truth.find((o) => o.status === 'cancelled')!;
    expect((await post(cancelled.externalId, { tracking_number: '1', tracking_company: 'hct' })).status).toBe(422);
    const ships = (await control(s, '/_sandbox/shipments?platform=cyberbiz')).body.shipments;
    expect(ships.find((x: any) => x.orderExternalId === paid.externalId)).toMatchObject({
      confirmations: 1,
      attempts: 3,
      carrier: 'ezcat',
      trackingNumber: '900100200',
    });
  });
});

describe('cyberbiz part fulfillments', () => {
  it('an order takes one fulfillment per part shipment, each with its line items; a line fulfilled once', async () => {
    const st = stores[0]!;
    const truth = await truthOrders(s, 'cyberbiz', st.shop_domain);
    const paid = truth.find((o) => o.status === 'paid' && o.lines.length >= 2 && o.lines.every((l) => l.knownSku))!;
    const post = (body: unknown) =>
      json(`${s.urls.cyberbiz}/v1/orders/${paid.externalId}/fulfillments/custom_shipping`, {
        json: body,
        headers: { authorization: `Bearer ${st.access_token}` },
      });
    const [first, ...rest] = paid.lines.map((l) => Number(l.id));
    expect((await post({ line_item_ids: [first], tracking_number: 'PART-1', tracking_company: 'ezcat' })).status).toBe(
      200,
    );
    const between = await get(`/v1/orders/${paid.externalId}`, st.access_token);
    expect(between.body.statuses.fulfillment_status).not.toBe('fulfilled');
    expect(
      (await post({ line_item_ids: [first], tracking_number: 'PART-X', tracking_company: 'hct' })).body.error,
    ).toContain('商品已出貨');
    expect((await post({ line_item_ids: rest, tracking_number: 'PART-2', tracking_company: 'hct' })).status).toBe(200);
    expect(
      (await get(`/v1/orders/${paid.externalId}/fulfillments`, st.access_token)).body.map(
        (f: any) => f.tracking_number,
      ),
    ).toEqual(['PART-1', 'PART-2']);
    expect((await get(`/v1/orders/${paid.externalId}`, st.access_token)).body.statuses.fulfillment_status).toBe(
      'fulfilled',
    );
    const ships = (await control(s, '/_sandbox/shipments?platform=cyberbiz')).body.shipments.filter(
      (x: any) => x.orderExternalId === paid.externalId && x.confirmations > 0,
    );
    expect(ships.map((x: any) => [x.trackingNumber, x.carrier, x.confirmations, x.lineIds])).toEqual([
      ['PART-1', 'ezcat', 1, [String(first)]],
      ['PART-2', 'hct', 1, rest.map(String)],
    ]);
  });
});

describe('cyberbiz support_shipping', () => {
  it('answers 202 with the number pending; GET fulfillments shows it assigned', async () => {
    const st = stores[0]!; // store 2's token was expired by the token tests
    const paid = (await truthOrders(s, 'cyberbiz', st.shop_domain)).filter((o) => o.status === 'paid').at(-1)!;
    const post = (body: unknown) =>
      json(`${s.urls.cyberbiz}/v1/orders/${paid.externalId}/fulfillments/support_shipping`, {
        json: body,
        headers: { authorization: `Bearer ${st.access_token}` },
      });
    expect((await post({ source: 'pigeon', size: 60, temperature: 'normal' })).status).toBe(422);
    const booked = await post({
      email: 'ops@example.com',
      source: 'ezcat',
      size: 60,
      temperature: 'normal',
      fridge_or_frozen: false,
      is_fragile: false,
    });
    expect(booked.status).toBe(202);
    expect(booked.body.tracking_number).toBeNull();
    const later = await get(`/v1/orders/${paid.externalId}/fulfillments`, st.access_token);
    expect(later.body[0].tracking_number).toMatch(/^\d+$/);
    const ship = (await control(s, '/_sandbox/shipments?platform=cyberbiz')).body.shipments.find(
      (x: any) => x.orderExternalId === paid.externalId,
    );
    expect(ship).toMatchObject({ confirmations: 1, carrier: 'ezcat', trackingNumber: later.body[0].tracking_number });
  });
});

describe('cyberbiz v1 HMAC', () => {
  const sign = (secret: string, xDate: string, line: string) =>
    createHmac('sha256', secret).update(`x-date: ${xDate}\n${line}`).digest('base64');
  const v1 = (path: string, opts: { secret?: string; date?: Date } = {}) => {
    const { api_key, api_secret } = stores[0]!.v1;
    const xDate = (opts.date ?? new Date()).toUTCString();
    const signature = sign(opts.secret ?? api_secret, xDate, `GET ${path} HTTP/1.1`);
    return json(`${s.urls.cyberbiz}${path}`, {
      headers: {
        'x-date': xDate,
        authorization: `hmac username="${api_key}", algorithm="hmac-sha256", headers="x-date request-line", signature="${signature}"`,
      },
    });
  };
  it('accepts a signed request line and refuses a bad signature or a stale date', async () => {
    const r = await v1('/v1/orders?page=1&per_page=20&offset=0');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(20);
    expect((await v1('/v1/orders?page=1&per_page=20&offset=0', { secret: 'wrong' })).body).toEqual({
      message: 'HMAC signature cannot be verified',
    });
    expect((await v1('/v1/orders?page=1', { date: new Date(Date.now() - 600_000) })).status).toBe(401);
  });
});

describe('cyberbiz limits and faults', () => {
  it('5 requests per second per token, then 429; a rate-limit burst fault answers 429 too', async () => {
    const limited = await sandbox({
      seed: 1,
      stores: { shopee: 0, cyberbiz: 1, shopline: 0, momo: 0 },
      ordersPerStore: 5,
    });
    try {
      const token = (await control(limited, '/_sandbox/credentials')).body.cyberbiz.stores[0].access_token;
      const t0 = Date.now();
      const codes = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${limited.urls.cyberbiz}/v1/orders?per_page=1`, {
            headers: { authorization: `Bearer ${token}` },
          }).then((r) => r.status),
        ),
      );
      const elapsed = (Date.now() - t0) / 1000;
      const ok = codes.filter((c) => c === 200).length;
      // A burst of 5, then 5 more per second of the burst's own duration (slow CI machines).
      expect(ok).toBeGreaterThanOrEqual(5);
      expect(ok).toBeLessThanOrEqual(5 + Math.ceil(elapsed * 5));
      expect(codes.filter((c) => c === 429).length).toBe(20 - ok);
      await new Promise((r) => setTimeout(r, 1100));
      expect(
        (
          await fetch(`${limited.urls.cyberbiz}/v1/orders?per_page=1`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(200);
      await control(limited, '/_sandbox/faults', { system: 'cyberbiz', rateLimitBurst: { count: 1 } });
      expect(
        (
          await fetch(`${limited.urls.cyberbiz}/v1/orders?per_page=1`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(429);
      await control(limited, '/_sandbox/faults', { system: 'cyberbiz', downForMs: 60_000 });
      await expect(
        fetch(`${limited.urls.cyberbiz}/v1/orders?per_page=1`, { headers: { authorization: `Bearer ${token}` } }),
      ).rejects.toThrow();
      await control(limited, '/_sandbox/faults?system=cyberbiz', undefined, 'DELETE');
      expect(
        (
          await fetch(`${limited.urls.cyberbiz}/v1/orders?per_page=1`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
