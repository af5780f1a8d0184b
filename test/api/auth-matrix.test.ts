// The auth matrix (no key, wrong key, viewer, admin) on EVERY route the app serves, generated from the
// app's own route table: a new route is covered the moment it exists, and must say how it is protected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillUrl, startApi, type Harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await startApi('authmx', { METRICS_TOKEN: 'metrics-token-for-tests' });
});
afterAll(async () => h?.close());

const routesOf = () => h.built.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

async function call(method: string, url: string, headers: Record<string, string> = {}) {
  const withBody = method !== 'GET' && method !== 'DELETE';
  return h.built.app.inject({
    method: method as 'GET',
    url,
    headers: { ...headers, ...(withBody ? { 'content-type': 'application/json' } : {}) },
    ...(withBody ? { payload: '{}' } : {}),
  });
}

describe('route table', () => {
  it('knows every route, and every route says how it is protected', () => {
    const routes = routesOf();
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes)
      expect(['public', 'metrics', 'webhook', 'oauth', 'read', 'admin', 'key']).toContain(r.access);
    // Only these may be reached without an API key.
    const open = routes
      .filter((r) => r.access !== 'read' && r.access !== 'admin' && r.access !== 'key')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(open).toEqual(
      [
        'DELETE /session',
        'GET /',
        'GET /console/api.js',
        'GET /console/app.js',
        'GET /console/channels.js',
        'GET /console/i18n.js',
        'GET /console/orders.js',
        'GET /console/style.css',
        'GET /console/ui.js',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /oauth/callback/:platform',
        'POST /webhooks/:platform',
        'POST /webhooks/:platform/:channelId/:secret',
      ].sort(),
    );
  });
});

describe('auth matrix on every route', () => {
  it('no key, a wrong key, a viewer and an admin get what their access allows', async () => {
    const failures: string[] = [];
    const expectStatus = (label: string, status: number, ok: (s: number) => boolean, want: string) => {
      if (!ok(status)) failures.push(`${label}: got ${status}, want ${want}`);
    };
    for (const r of routesOf()) {
      const url = fillUrl(r.url);
      const label = `${r.method} ${r.url}`;
      const reading = r.method === 'GET';
      const anon = await call(r.method, url);
      const wrong = await call(r.method, url, { authorization: 'Bearer oms_not-a-real-key-0000000000' });
      const viewer = await call(r.method, url, h.viewer);
      const admin = await call(r.method, url, h.admin);
      for (const [who, res] of [
        ['anon', anon],
        ['wrong', wrong],
        ['viewer', viewer],
        ['admin', admin],
      ] as const) {
        expectStatus(`${label} ${who}`, res.statusCode, (s) => s < 500, 'no 5xx');
      }
      switch (r.access) {
        case 'public':
          for (const res of [anon, viewer, admin])
            expectStatus(`${label} public`, res.statusCode, (s) => s !== 401 && s !== 403, 'not 401/403');
          break;
        case 'metrics':
          expectStatus(`${label} anon`, anon.statusCode, (s) => s === 401, '401');
          expectStatus(`${label} admin key is not the metrics token`, admin.statusCode, (s) => s === 401, '401');
          expectStatus(
            `${label} token`,
            (await call('GET', url, { authorization: 'Bearer metrics-token-for-tests' })).statusCode,
            (s) => s === 200,
            '200',
          );
          break;
        case 'webhook':
          // No signature: refused as unverified, whatever API key is sent.
          for (const res of [anon, admin]) expectStatus(`${label} unsigned`, res.statusCode, (s) => s === 401, '401');
          break;
        case 'oauth':
          // No key needed; without a valid state it is a 400.
          for (const res of [anon, admin]) expectStatus(`${label}`, res.statusCode, (s) => s === 400, '400');
          break;
        case 'read':
        case 'admin':
        case 'key':
          expectStatus(`${label} anon`, anon.statusCode, (s) => s === 401, '401');
          expectStatus(`${label} wrong key`, wrong.statusCode, (s) => s === 401, '401');
          expectStatus(`${label} admin`, admin.statusCode, (s) => s !== 401 && s !== 403, 'not 401/403');
          if (r.access === 'admin' || (r.access === 'read' && !reading))
            expectStatus(`${label} viewer`, viewer.statusCode, (s) => s === 403, '403');
          else expectStatus(`${label} viewer`, viewer.statusCode, (s) => s !== 401 && s !== 403, 'not 401/403');
          break;
      }
    }
    expect(failures).toEqual([]);
  });

  it('a viewer opening the queues dashboard is sent to the read-only board', async () => {
    const res = await call('GET', '/admin/queues', h.viewer);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/admin/queues-readonly');
    const ro = await call('GET', '/admin/queues-readonly/api/queues?activeQueue=erp-orders', h.viewer);
    expect(ro.statusCode).toBe(200);
    expect(
      JSON.parse(ro.body)
        .queues.map((q: { name: string }) => q.name)
        .sort(),
    ).toEqual(['erp-orders', 'platform-cyberbiz', 'platform-momo', 'platform-shopee', 'platform-shopline']);
    expect(JSON.parse(ro.body).queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });

  it('the console cookie works for pages and Bull Board, not for writes elsewhere', async () => {
    const login = await h.built.app.inject({ method: 'POST', url: '/session', headers: h.admin });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    expect((await call('GET', '/admin/queues', { cookie: pair })).statusCode).toBe(200);
    expect((await call('GET', '/platforms', { cookie: pair })).statusCode).toBe(200);
    expect((await call('PUT', '/admin/queues/api/queues/erp-orders/pause', { cookie: pair })).statusCode).toBeLessThan(
      300,
    );
    expect((await call('POST', '/platforms', { cookie: pair })).statusCode).toBe(401);
    const logout = await h.built.app.inject({ method: 'DELETE', url: '/session' });
    expect(String(logout.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });

  it('a revoked key is refused', async () => {
    const { createApiKey } = await import('../../services/api/src/auth.ts');
    const k = await createApiKey(h.db, 'soon-revoked', 'admin');
    await h.db.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
    expect((await call('GET', '/platforms', { authorization: `Bearer ${k.key}` })).statusCode).toBe(401);
  });
});
