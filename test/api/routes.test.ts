// Every route of the API, doing its job against real PostgreSQL and Redis. The last test checks that
// every route in the app's route table is exercised here, so a new route cannot go untested.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedis, Worker } from '@oms/queue';
import { waitFor } from '@oms/testing';
import { channelEventsName } from '../../packages/scheduling/src/events.ts';
import { createApiKey, hashKey } from '../../services/api/src/auth.ts';
import { assertNoSecret, seed, startApi, SECRETS, type Harness, type Seed } from './helpers';

let h: Harness;
let s: Seed;
let sub: Redis;
const changed: string[] = [];
const covered = new Set<string>();

beforeAll(async () => {
  h = await startApi('apiroutes');
  s = await seed(h);
  sub = new Redis(h.config.REDIS_URL);
  sub.on('message', (_c, m) => changed.push(m));
  await sub.subscribe(channelEventsName(h.config.QUEUE_PREFIX));
});
afterAll(async () => {
  sub?.disconnect();
  await h?.close();
});

async function api(
  method: string,
  route: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = h.admin,
) {
  covered.add(`${method} ${route}`);
  const res = await h.built.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  assertNoSecret(res.body, [h.adminKey, h.viewerKey]);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
  return { status: res.statusCode, json: () => JSON.parse(res.body), body: res.body, headers: res.headers };
}

describe('health, metrics, docs, console', () => {
  it('answers health, readiness, metrics and OpenAPI', async () => {
    expect((await api('GET', '/health/live', '/health/live', undefined, {})).json()).toEqual({ status: 'ok' });
    expect((await api('GET', '/health/ready', '/health/ready', undefined, {})).json()).toEqual({
      status: 'ready',
      problems: [],
    });
    await h.queues.add('getOrders', { channelId: s.channelId }, { platform: 'shopee' });
    const m = await api('GET', '/metrics', '/metrics', undefined, {});
    expect(m.body).toMatch(/oms_queue_jobs\{queue="platform-shopee",state="waiting"\} [1-9]/);
    expect(m.body).toMatch(new RegExp(`oms_channel_sync_lag_seconds\\{channel="${s.channelId}"[^}]*\\} 1[0-9]{2}`));
    expect(m.body).toMatch(/oms_channel_token_expiry_seconds\{[^}]*\} 3[0-9]{3}/);
    expect(m.body).toMatch(/oms_orders\{erp_state="blocked"\} 1/);
    expect(m.body).toMatch(/oms_orders_imported 2/);
    expect(m.body).toMatch(/oms_erp_call_duration_seconds_bucket\{le="0.25",action="create-order"\} 1/);
    expect(m.body).toMatch(/oms_channel_last_success_timestamp_seconds/);
    const doc = (await api('GET', '/docs/json', '/docs/json')).json();
    expect(Object.keys(doc.paths)).toContain('/channels/{id}/backfill');
    expect(doc.paths['/orders'].get.parameters.some((p: { name: string }) => p.name === 'erpState')).toBe(true);
    expect((await api('GET', '/docs', '/docs')).status).toBeLessThan(400);
    for (const [route, type] of [
      ['/', 'text/html'],
      ['/console/app.js', 'javascript'],
      ['/console/api.js', 'javascript'],
      ['/console/channels.js', 'javascript'],
      ['/console/i18n.js', 'javascript'],
      ['/console/orders.js', 'javascript'],
      ['/console/ui.js', 'javascript'],
      ['/console/style.css', 'text/css'],
    ] as const) {
      const r = await api('GET', route, route, undefined, {});
      expect(r.status).toBe(200);
      expect(String(r.headers['content-type'])).toContain(type);
    }
  });

  it('sessions: who am I, login cookie, logout', async () => {
    expect((await api('GET', '/session', '/session', undefined, h.viewer)).json()).toEqual({
      name: 'test-viewer',
      role: 'viewer',
    });
    const login = await api('POST', '/session', '/session', undefined, h.viewer);
    expect(login.status).toBe(200);
    expect(String(login.headers['set-cookie'])).toContain('HttpOnly');
    expect((await api('DELETE', '/session', '/session', undefined, {})).status).toBe(204);
  });
});

describe('platforms', () => {
  it('create, read, update, delete; the secret is write-only', async () => {
    const created = await api('POST', '/platforms', '/platforms', {
      kind: 'cyberbiz',
      name: 'Cyberbiz app',
      appId: 'cid',
      appSecret: 'brand-new-app-secret-xyz',
    });
    expect(created.status).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({ kind: 'cyberbiz', hasAppSecret: true, apiHost: h.config.CYBERBIZ_API_URL });
    expect(created.body).not.toContain('brand-new-app-secret-xyz');
    const row = await h.db.platform.findUniqueOrThrow({ where: { id: p.id } });
    expect(row.appSecretEnc).not.toContain('brand-new');
    expect(h.box.decrypt(row.appSecretEnc!)).toBe('brand-new-app-secret-xyz');

    expect((await api('GET', '/platforms', '/platforms')).json().map((x: { id: string }) => x.id)).toContain(p.id);
    expect((await api('GET', '/platforms/:id', `/platforms/${p.id}`)).json().name).toBe('Cyberbiz app');
    const patched = await api('PATCH', '/platforms/:id', `/platforms/${p.id}`, { name: 'Renamed', appSecret: null });
    expect(patched.json()).toMatchObject({ name: 'Renamed', hasAppSecret: false });
    expect((await api('DELETE', '/platforms/:id', `/platforms/${p.id}`)).status).toBe(204);
    expect((await api('GET', '/platforms/:id', `/platforms/${p.id}`)).status).toBe(404);
    // A platform with channels cannot go.
    expect((await api('DELETE', '/platforms/:id', `/platforms/${s.platformId}`)).status).toBe(409);
  });
});

describe('channels', () => {
  it('create (tokens write-only), read, list, update, pause, resume, delete; the scheduler hears each change', async () => {
    const created = await api('POST', '/channels', '/channels', {
      platformId: s.platformId,
      name: 'New shop',
      externalShopId: 'shop-new',
      accessToken: 'tok-abc-123456789',
      accessTokenExpiresAt: '2030-01-01T00:00:00Z',
      webhookSecret: 'a-webhook-secret-long-enough',
      syncIntervalSeconds: 120,
    });
    expect(created.status).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      name: 'New shop',
      state: 'active',
      hasAccessToken: true,
      hasRefreshToken: false,
      hasWebhookSecret: true,
      accessTokenExpiresAt: '2030-01-01T00:00:00.000Z',
      platformKind: 'shopee',
    });
    expect(created.body).not.toContain('tok-abc-123456789');
    expect(created.body).not.toContain('a-webhook-secret-long-enough');
    expect(
      (
        await api('POST', '/channels', '/channels', {
          platformId: s.platformId,
          name: 'Dup',
          externalShopId: 'shop-new',
        })
      ).status,
    ).toBe(409);

    expect((await api('GET', '/channels', '/channels')).json().length).toBe(2);
    expect((await api('GET', '/channels', `/channels?state=active&platformId=${s.platformId}`)).json().length).toBe(2);
    expect((await api('GET', '/channels/:id', `/channels/${c.id}`)).json().syncIntervalSeconds).toBe(120);
    const patched = await api('PATCH', '/channels/:id', `/channels/${c.id}`, {
      refreshToken: 'rt-new-1234567',
      erpWarehouseId: 103,
    });
    expect(patched.json()).toMatchObject({ hasRefreshToken: true, erpWarehouseId: 103, tokenVersion: 1 });
    expect((await api('POST', '/channels/:id/pause', `/channels/${c.id}/pause`)).json().state).toBe('paused');
    expect((await api('POST', '/channels/:id/sync', `/channels/${c.id}/sync`)).status).toBe(409);
    expect((await api('POST', '/channels/:id/resume', `/channels/${c.id}/resume`)).json().state).toBe('active');
    expect((await api('DELETE', '/channels/:id', `/channels/${c.id}`)).status).toBe(204);
    expect((await api('GET', '/channels/:id', `/channels/${c.id}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 100));
    expect(changed.filter((x) => x === c.id).length).toBeGreaterThanOrEqual(5);

    // Without credentials a channel waits to be connected.
    const bare = (
      await api('POST', '/channels', '/channels', { platformId: s.platformId, name: 'Unconnected' })
    ).json();
    expect(bare).toMatchObject({ state: 'needs_reauth', connected: false, externalShopId: null });
    expect((await api('POST', '/channels/:id/sync', `/channels/${bare.id}/sync`)).status).toBe(409);
  });

  it('sync now and refresh now enqueue their jobs, once while one is waiting', async () => {
    const r1 = await api('POST', '/channels/:id/sync', `/channels/${s.channelId}/sync`);
    expect(r1.status).toBe(202);
    const job = await h.queues.get('platform-shopee').getJob(`get-orders-${s.channelId}`);
    expect(job?.data).toEqual({ channelId: s.channelId });
    const r2 = (await api('POST', '/channels/:id/sync', `/channels/${s.channelId}/sync`)).json();
    expect(r2).toMatchObject({ queued: false });
    const rt = await api('POST', '/channels/:id/refresh-token', `/channels/${s.channelId}/refresh-token`);
    expect(rt.json()).toMatchObject({ queued: true, jobId: `refresh-token-${s.channelId}` });
  });

  it('replays a window: a backfill sync run and its job; its progress is readable', async () => {
    const from = new Date(Date.now() - 3 * 86400_000).toISOString();
    const to = new Date(Date.now() - 86400_000).toISOString();
    const res = await api('POST', '/channels/:id/backfill', `/channels/${s.channelId}/backfill`, { from, to });
    expect(res.status).toBe(202);
    const run = res.json();
    expect(run).toMatchObject({ kind: 'backfill', status: 'queued', windowFrom: from, windowTo: to, progress: 0 });
    const job = await h.queues.get('platform-shopee').getJob(`backfill-${run.id}`);
    expect(job?.data).toEqual({ channelId: s.channelId, syncRunId: run.id });
    await h.db.syncRun.update({ where: { id: run.id }, data: { status: 'running', progress: 0.5, pages: 3 } });
    expect((await api('GET', '/sync-runs/:id', `/sync-runs/${run.id}`)).json()).toMatchObject({
      status: 'running',
      progress: 0.5,
      pages: 3,
    });
    const runs = (
      await api('GET', '/channels/:id/sync-runs', `/channels/${s.channelId}/sync-runs?kind=backfill`)
    ).json();
    expect(runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const bad = await api('POST', '/channels/:id/backfill', `/channels/${s.channelId}/backfill`, {
      from: to,
      to: from,
    });
    expect(bad.status).toBe(400);
    expect(bad.json().field).toBe('from');
  });
});

describe('orders', () => {
  it('lists with filters and pages with a cursor or an offset', async () => {
    const all = (await api('GET', '/orders', '/orders')).json();
    expect(all.items.length).toBe(2);
    const blocked = (await api('GET', '/orders', `/orders?blocked=true&channelId=${s.channelId}`)).json();
    expect(blocked.items.map((o: { id: string }) => o.id)).toEqual([s.blockedOrderId]);
    expect(blocked.items[0]).toMatchObject({
      erpReason: 'SKU UNKNOWN-SKU maps to no product',
      total: '199.00',
      channelName: 'Shop 1',
    });
    expect((await api('GET', '/orders', '/orders?erpState=written&platformStatus=COMPLETED')).json().items.length).toBe(
      1,
    );
    const since = new Date(Date.now() - 5400_000).toISOString();
    expect((await api('GET', '/orders', `/orders?createdFrom=${encodeURIComponent(since)}`)).json().items.length).toBe(
      1,
    );
    const p1 = (await api('GET', '/orders', '/orders?limit=1')).json();
    expect(p1.items.length).toBe(1);
    const p2 = (await api('GET', '/orders', `/orders?limit=1&cursor=${p1.nextCursor}`)).json();
    expect(p2.items[0].id).not.toBe(p1.items[0].id);
    expect(p2.nextCursor).toBeNull();
    expect((await api('GET', '/orders', '/orders?limit=1&offset=1')).json().items[0].id).toBe(p2.items[0].id);
    const bad = await api('GET', '/orders', '/orders?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.json().field).toBe('cursor');
  });

  it('shows the detail: raw, normalized, ERP calls, shipments', async () => {
    const d = (await api('GET', '/orders/:id', `/orders/${s.writtenOrderId}`)).json();
    expect(d.raw).toEqual({ order_sn: 'o-1-w' });
    expect(d.erpCalls[0]).toMatchObject({ action: 'create-order', status: 201, durationMs: 230 });
    expect(d.shipments[0]).toMatchObject({ state: 'failed', trackingNumber: 'T123' });
    expect((await api('GET', '/orders/:id', '/orders/00000000-0000-4000-8000-000000000001')).status).toBe(404);
  });

  it('retries a blocked order (a failed job with the same id is replaced), refuses a written one, retries many', async () => {
    const order = await h.db.order.findUniqueOrThrow({ where: { id: s.blockedOrderId } });
    const jobId = `write-order-${order.id}-${order.contentHash.slice(0, 16)}`;
    const erp = h.queues.get('erp-orders');
    // A write that failed earlier: its job still holds the id.
    await h.queues.add(
      'writeOrder',
      { orderId: order.id, contentHash: order.contentHash },
      { options: { attempts: 1 } },
    );
    const connection = createRedis(h.config.REDIS_URL, 'worker');
    const worker = new Worker(
      'erp-orders',
      async () => {
        throw new Error('earlier failure');
      },
      { connection, prefix: h.config.QUEUE_PREFIX },
    );
    await waitFor(async () => (await (await erp.getJob(jobId))?.getState()) === 'failed', { what: 'the job to fail' });
    await worker.close();
    connection.disconnect();
    expect(await (await erp.getJob(jobId))!.getState()).toBe('failed');

    const r = await api('POST', '/orders/:id/retry', `/orders/${order.id}/retry`);
    expect(r.status).toBe(202);
    expect(await (await erp.getJob(jobId))!.getState()).toBe('waiting');
    const after = await h.db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(after).toMatchObject({ erpState: 'pending', erpReason: null });

    const written = await api('POST', '/orders/:id/retry', `/orders/${s.writtenOrderId}/retry`);
    expect(written.status).toBe(409);
    expect(written.json().message).toMatch(/already written/);

    await h.db.order.update({ where: { id: order.id }, data: { erpState: 'blocked', erpReason: 'again' } });
    const many = (
      await api('POST', '/orders/retry', '/orders/retry', { erpState: 'blocked', channelId: s.channelId })
    ).json();
    expect(many.results).toEqual([{ orderId: order.id, queued: true, reason: 'a write job is already waiting' }]);
    const byIds = (
      await api('POST', '/orders/retry', '/orders/retry', {
        ids: [s.writtenOrderId, '00000000-0000-4000-8000-000000000009'],
      })
    ).json();
    expect(byIds.results.map((x: { queued: boolean }) => x.queued)).toEqual([false, false]);
    expect((await api('POST', '/orders/retry', '/orders/retry', {})).status).toBe(400);
  });
});

describe('mappings and shipments', () => {
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
});

describe('API keys', () => {
  it('lists keys without the key itself, revokes one at once, and keeps the last admin key', async () => {
    const extra = await createApiKey(h.db, 'warehouse-script', 'viewer');
    const asExtra = { authorization: `Bearer ${extra.key}` };
    expect((await h.built.app.inject({ method: 'GET', url: '/orders', headers: asExtra })).statusCode).toBe(200);

    const list = await api('GET', '/api-keys', '/api-keys');
    expect(list.status).toBe(200);
    assertNoSecret(list.body, [extra.key]);
    expect(list.body).not.toContain(hashKey(extra.key));
    const listed = list.json().find((k: { id: string }) => k.id === extra.id);
    expect(listed).toMatchObject({ name: 'warehouse-script', role: 'viewer', prefix: extra.prefix, revokedAt: null });
    // Its use is on record (written after the request, best effort).
    await waitFor(
      async () =>
        (await api('GET', '/api-keys', '/api-keys')).json().find((k: { id: string }) => k.id === extra.id).lastUsedAt,
      { what: 'lastUsedAt of the key' },
    );

    expect((await api('DELETE', '/api-keys/:id', `/api-keys/${extra.id}`)).status).toBe(204);
    // Refused from the next request on, not after the key cache expires.
    expect((await h.built.app.inject({ method: 'GET', url: '/orders', headers: asExtra })).statusCode).toBe(401);
    expect(
      (await api('GET', '/api-keys', '/api-keys')).json().find((k: { id: string }) => k.id === extra.id).revokedAt,
    ).not.toBeNull();
    // Revoking again changes nothing; an unknown key is a 404.
    expect((await api('DELETE', '/api-keys/:id', `/api-keys/${extra.id}`)).status).toBe(204);
    expect((await api('DELETE', '/api-keys/:id', '/api-keys/00000000-0000-4000-8000-000000000009')).status).toBe(404);

    // The harness's admin key is the only admin key left: revoking it would lock everyone out.
    const admin = await h.db.apiKey.findUniqueOrThrow({ where: { keyHash: hashKey(h.adminKey) } });
    const last = await api('DELETE', '/api-keys/:id', `/api-keys/${admin.id}`);
    expect(last.status).toBe(409);
    expect(last.body).toContain('last admin key');
    expect((await api('GET', '/api-keys', '/api-keys')).status).toBe(200);
  });
});

describe('coverage', () => {
  it('every route of the API is exercised by this file or by oauth-webhooks.test.ts', () => {
    const elsewhere = new Set([
      'GET /channels/:id/connect',
      'GET /oauth/callback/:platform',
      'POST /webhooks/:platform',
      'POST /webhooks/:platform/:channelId/:secret',
    ]);
    const mine = h.built.routes.filter(
      (r) => r.method !== 'HEAD' && !r.url.startsWith('/admin/queues') && !r.url.startsWith('/docs/'),
    );
    const missing = mine.map((r) => `${r.method} ${r.url}`).filter((k) => !covered.has(k) && !elsewhere.has(k));
    expect(missing).toEqual([]);
    expect(SECRETS.accessToken).toBeTruthy();
  });
});
