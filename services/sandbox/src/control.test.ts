// The control plane: reproducible scenarios, truth, transitions, corruption, validation, faults, main.ts.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from './index.ts';
import { control, json, sandbox, truthOrders } from './test/helpers.ts';
import { CATALOG } from './world/catalog.ts';

let s: Sandbox;
const from = '2026-01-01T00:00:00Z';
const to = '2026-02-15T00:00:00Z';

beforeAll(async () => {
  s = await sandbox({ seed: 1, storesPerPlatform: 1, ordersPerStore: 10 });
});
afterAll(() => s?.close());

describe('scenario', () => {
  it('same seed, same world; another seed, another world', async () => {
    const body = {
      seed: 99,
      stores: { shopee: 2, cyberbiz: 1, shopline: 1, momo: 1 },
      ordersPerStore: 120,
      from,
      to,
      unknownSkuShare: 0.3,
      codShare: 0.25,
    };
    const a = await control(s, '/_sandbox/scenario', body);
    expect(a.status).toBe(200);
    const ordersA = await truthOrders(s, 'shopee');
    const credsA = (await control(s, '/_sandbox/credentials')).body;
    await control(s, '/_sandbox/scenario', body);
    const ordersB = await truthOrders(s, 'shopee');
    const credsB = (await control(s, '/_sandbox/credentials')).body;
    expect(ordersB).toEqual(ordersA);
    // Opaque tokens come from the seed too; their expiry follows the clock.
    const tokens = (c: any) => c.shopee.stores.map((x: any) => [x.shop_id, x.access_token, x.refresh_token]);
    expect(tokens(credsB)).toEqual(tokens(credsA));
    expect(credsB.shopee.partner_key).toBe(credsA.shopee.partner_key);
    expect(credsB.momo).toEqual(credsA.momo);
    expect(ordersA).toHaveLength(240);
    await control(s, '/_sandbox/scenario', { ...body, seed: 100 });
    expect((await truthOrders(s, 'shopee')).map((o) => o.externalId)).not.toEqual(ordersA.map((o) => o.externalId));
  });

  it('orders are realistic and internally consistent', async () => {
    await control(s, '/_sandbox/scenario', {
      seed: 3,
      storesPerPlatform: 2,
      ordersPerStore: 200,
      from,
      to,
      unknownSkuShare: 0.1,
      codShare: 0.3,
    });
    const state = (await control(s, '/_sandbox/state')).body;
    for (const p of ['shopee', 'cyberbiz', 'shopline', 'momo']) {
      expect(state[p]).toMatchObject({ stores: 2, orders: 400, shipmentsReceived: 0 });
      const orders = await truthOrders(s, p);
      const known = new Set(CATALOG.map((c) => c.value));
      let unknown = 0;
      let cod = 0;
      for (const o of orders) {
        expect(o.lines.length).toBeGreaterThanOrEqual(1);
        expect(o.lines.length).toBeLessThanOrEqual(8);
        expect(o.total).toBe(
          o.lines.reduce((n, l) => n + l.qty * l.unitPrice - l.discount, 0) + o.shippingFee - o.discount,
        );
        expect(Date.parse(o.createdAt!)).toBeGreaterThanOrEqual(Date.parse(from));
        expect(Date.parse(o.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(o.createdAt!));
        expect(Date.parse(o.updatedAt!)).toBeLessThanOrEqual(Date.parse(to));
        if (o.paidAt) expect(Date.parse(o.paidAt)).toBeGreaterThanOrEqual(Date.parse(o.createdAt!));
        if (o.lines.some((l) => !known.has(l.sku))) unknown++;
        if (o.cod) cod++;
        expect(o.customer.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
        expect(o.address.full).toMatch(/[市縣]/);
      }
      expect(unknown / orders.length).toBeGreaterThan(0.04);
      expect(unknown / orders.length).toBeLessThan(0.2);
      if (p !== 'momo') expect(cod / orders.length).toBeGreaterThan(0.15);
      const statuses = state[p].ordersByStatus;
      for (const st of ['paid', 'shipped', 'completed', 'cancelled']) expect(statuses[st]).toBeGreaterThan(0);
    }
  });

  it('400 names the bad field', async () => {
    const r = await control(s, '/_sandbox/scenario', { seed: 'x', unknownSkuShare: 2 });
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['seed', 'unknownSkuShare']);
    const t = await control(s, '/_sandbox/orders/transition', { platform: 'shopee', to: 'flying', count: 1 });
    expect(t.status).toBe(400);
    expect(t.body.error).toMatch(/to/);
    expect((await control(s, '/_sandbox/orders?platform=ebay')).status).toBe(400);
    expect((await control(s, '/_sandbox/faults', { system: 'shopee', errorRate: 3 })).body.issues[0].field).toBe(
      'errorRate',
    );
    expect((await control(s, '/_sandbox/scenario', { statusMix: { paid: 0 } })).body.issues[0].field).toBe('statusMix');
    await control(s, '/_sandbox/scenario', {
      seed: 8,
      storesPerPlatform: 1,
      ordersPerStore: 30,
      statusMix: { shipped: 1 },
    });
    const state = (await control(s, '/_sandbox/state')).body;
    // Only shipped orders, except the ones whose story had not reached shipping by `to` (now).
    expect(state.cyberbiz.ordersByStatus.shipped).toBeGreaterThan(20);
    expect(state.cyberbiz.ordersByStatus.cancelled).toBe(0);
  });
});

describe('moving orders', () => {
  it('transition bumps the update time and shows on the platform; create adds orders now', async () => {
    await control(s, '/_sandbox/scenario', { seed: 4, storesPerPlatform: 1, ordersPerStore: 60 });
    const before = await truthOrders(s, 'shopee');
    const moved = await control(s, '/_sandbox/orders/transition', { platform: 'shopee', count: 3, to: 'cancelled' });
    expect(moved.body.moved).toHaveLength(3);
    const after = await truthOrders(s, 'shopee');
    for (const m of moved.body.moved) {
      const o = after.find((x) => x.externalId === m.externalId)!;
      expect(o.platformStatus).toBe('CANCELLED');
      expect(Date.now() - Date.parse(o.updatedAt!)).toBeLessThan(5000);
      expect(Date.parse(o.updatedAt!)).toBeGreaterThan(
        Date.parse(before.find((x) => x.externalId === m.externalId)!.updatedAt!),
      );
    }
    const explicit = await control(s, '/_sandbox/orders/transition', {
      platform: 'cyberbiz',
      externalIds: ['nope'],
      to: 'paid',
    });
    expect(explicit.status).toBe(400);
    const created = await control(s, '/_sandbox/orders/create', { platform: 'momo', count: 4 });
    expect(created.body.created).toHaveLength(4);
    expect(created.body.created.every((o: { status: string }) => o.status === 'paid')).toBe(true);
    expect((await control(s, '/_sandbox/state')).body.momo.orders).toBe(64);
  });

  it('corrupt makes the platform payload malformed', async () => {
    await control(s, '/_sandbox/scenario', { seed: 4, storesPerPlatform: 1, ordersPerStore: 60 });
    const creds = (await control(s, '/_sandbox/credentials')).body;
    const cb = creds.cyberbiz.stores[0];
    const [o1, o2] = (await truthOrders(s, 'cyberbiz')).slice(0, 2);
    const r = await control(s, '/_sandbox/orders/corrupt', {
      platform: 'cyberbiz',
      externalIds: [o1!.externalId, o2!.externalId],
    });
    expect(r.body.corrupted.map((c: { kind: string }) => c.kind)).toEqual(['missing_items', 'bad_price']);
    const d1 = await json(`${s.urls.cyberbiz}/v1/orders/${o1!.externalId}`, {
      headers: { authorization: `Bearer ${cb.access_token}` },
    });
    expect(d1.body, JSON.stringify(d1.body)).toHaveProperty('line_items', null);
    const d2 = await json(`${s.urls.cyberbiz}/v1/orders/${o2!.externalId}`, {
      headers: { authorization: `Bearer ${cb.access_token}` },
    });
    expect(typeof d2.body.line_items[0].price).toBe('string');

    const shop = creds.shopee.stores[0];
    const [so] = await truthOrders(s, 'shopee');
    await control(s, '/_sandbox/orders/corrupt', {
      platform: 'shopee',
      externalIds: [so!.externalId],
      kind: 'missing_items',
    });
    const ts = Math.floor(Date.now() / 1000);
    const p = '/api/v2/order/get_order_detail';
    const sign = createHmac('sha256', creds.shopee.partner_key)
      .update(`${creds.shopee.partner_id}${p}${ts}${shop.access_token}${shop.shop_id}`)
      .digest('hex');
    const d = await json(
      `${s.urls.shopee}${p}?partner_id=${creds.shopee.partner_id}&timestamp=${ts}&sign=${sign}&access_token=${shop.access_token}&shop_id=${shop.shop_id}&order_sn_list=${so!.externalId}&response_optional_fields=item_list`,
    );
    expect(d.body.response.order_list[0]).not.toHaveProperty('item_list');
  });
});

describe('faults', () => {
  it('error rate, latency, 503 outage per system; DELETE clears; other systems unaffected', async () => {
    const token = (await control(s, '/_sandbox/credentials')).body.cyberbiz.stores[0].access_token;
    const get = () =>
      fetch(`${s.urls.cyberbiz}/v1/orders?per_page=1`, { headers: { authorization: `Bearer ${token}` } });
    await control(s, '/_sandbox/faults', { system: 'cyberbiz', errorRate: 1 });
    expect((await get()).status).toBe(500);
    await control(s, '/_sandbox/faults', { system: 'cyberbiz', errorRate: 0, latencyMs: 300 });
    const t0 = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await control(s, '/_sandbox/faults', { system: 'cyberbiz', latencyMs: 0, downForMs: 10_000, downMode: '503' });
    expect((await get()).status).toBe(503);
    expect(
      (
        await fetch(`${s.urls.momo}/OrderServlet.do`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    expect((await control(s, '/_sandbox/faults', undefined, 'DELETE')).status).toBe(200);
    expect((await get()).status).toBe(200);
  });

  it('routes iDempiere faults to the iDempiere stand-in and shows its state', async () => {
    expect((await control(s, '/_sandbox/faults', { system: 'idempiere', processingMsPerOrder: 5 })).status).toBe(200);
    expect((await control(s, '/_sandbox/faults', { system: 'shopee', processingMsPerOrder: 5 })).status).toBe(400);
    const state = (await control(s, '/_sandbox/state')).body.idempiere;
    expect(state).toMatchObject({
      orders: expect.any(Number),
      writes: expect.any(Number),
      overlappingWrites: expect.any(Number),
    });
    const creds = (await control(s, '/_sandbox/credentials')).body.idempiere;
    expect(creds).toMatchObject({ user: expect.any(String), password: expect.any(String) });
    expect((await control(s, '/_sandbox/faults', { system: 'idempiere', rateLimitBurst: { count: 1 } })).status).toBe(
      400,
    );
    // Its own control routes are mounted on the control port, and its API answers on its port.
    expect((await control(s, '/_sandbox/idempiere/summary')).body).toMatchObject({ orders: state.orders });
    await control(s, '/_sandbox/faults', { system: 'idempiere', downForMs: 10_000 });
    expect((await fetch(`${s.urls.idempiere}/api/v1/models/c_order`)).status).toBe(503);
    await control(s, '/_sandbox/faults?system=idempiere', undefined, 'DELETE');
    expect((await fetch(`${s.urls.idempiere}/api/v1/models/c_order`)).status).toBe(401);
  });
});

describe('pnpm sandbox (main.ts)', () => {
  it('listens on SANDBOX_PORT..+5, serves health, and exits 0 on SIGTERM', async () => {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')], {
      env: { ...process.env, SANDBOX_PORT: String(base), LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        ready = await fetch(`http://127.0.0.1:${base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready, out).toBe(true);
      const creds = await json(`http://127.0.0.1:${base}/_sandbox/credentials`);
      expect(creds.body.urls.shopee).toBe(`http://127.0.0.1:${base + 1}`);
      expect(creds.body.urls.idempiere).toBe(`http://127.0.0.1:${base + 5}`);
      expect(out).not.toContain(creds.body.shopee.partner_key);
    } finally {
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
  });
});
