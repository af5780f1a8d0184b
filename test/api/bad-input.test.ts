// Property-based: every route of the route table, driven with generated bad input (odd path parameters,
// query strings, bodies, content types and keys), never answers 5xx and never shows a stored secret.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoSecret, seed, startApi, type Harness, type Seed } from './helpers';

let h: Harness;
let s: Seed;
beforeAll(async () => {
  h = await startApi('badinput');
  s = await seed(h);
});
afterAll(async () => h?.close());

const FIELDS = [
  'id',
  'kind',
  'name',
  'description',
  'platformId',
  'channelId',
  'externalShopId',
  'accessToken',
  'refreshToken',
  'accessTokenExpiresAt',
  'credentials',
  'webhookSecret',
  'syncIntervalSeconds',
  'syncStartAt',
  'appSecret',
  'apiHost',
  'settings',
  'from',
  'to',
  'ids',
  'erpState',
  'blocked',
  'limit',
  'offset',
  'cursor',
  'state',
  'code',
  'platformSku',
  'erpProductId',
  'erpShipperName',
  'platformCarrier',
  'erpCreateOn',
  'createdFrom',
  'updatedTo',
  'status',
  'platformStatus',
  'orderId',
  '__proto__',
  'constructor',
];

const weird = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '-1',
    '0',
    '1e309',
    'NaN',
    '9999999999999999999999',
    '../../etc/passwd',
    '%00',
    '${x}',
    "'; drop table oms_order; --",
    '2026-02-30T25:61:00Z',
    'shopee',
    'blocked',
    'erp-orders',
  ),
  fc.uuid(),
  fc.string({ minLength: 300, maxLength: 600 }),
);
const jsonish = fc.oneof(
  weird,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(weird, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...FIELDS), weird, { maxKeys: 3 }),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom(...FIELDS), jsonish, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 50 }),
  fc.constantFrom('{', '{"a":', '[]', '""', 'null', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  undefined,
);
const query = fc
  .dictionary(fc.constantFrom(...FIELDS), weird, { maxKeys: 4 })
  .map((q) => new URLSearchParams(q).toString());

describe('bad input on every route', () => {
  it('never 5xx, never a secret', async () => {
    const keys = { admin: h.admin, viewer: h.viewer, none: {}, garbage: { authorization: 'Bearer \u0000\u00ff' } };
    const real = [
      s.platformId,
      s.channelId,
      s.blockedOrderId,
      s.writtenOrderId,
      s.shipmentId,
      s.skuMappingId,
      s.carrierMappingId,
      s.syncRunId,
    ];
    const param = fc.oneof(
      weird,
      fc.constantFrom(...real),
      fc.constantFrom('shopee', 'cyberbiz', 'shopline', 'momo', 'erp-orders', 'failed'),
    );
    const routes = h.built.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    const failures: string[] = [];
    for (const route of routes) {
      const names = [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
      await fc.assert(
        fc.asyncProperty(
          fc.array(param, { minLength: names.length, maxLength: names.length }),
          query,
          body,
          contentType,
          fc.constantFrom<keyof typeof keys>('admin', 'admin', 'admin', 'viewer', 'none', 'garbage'),
          async (values, qs, payload, type, who) => {
            let i = 0;
            const path = route.url.replace(/:(\w+)|\*/g, () => encodeURIComponent(values[i++] ?? 'x') || 'x');
            const headers: Record<string, string> = { ...keys[who] };
            if (type && payload !== undefined) headers['content-type'] = type;
            const res = await h.built.app.inject({
              method: route.method as 'GET',
              url: `${path}${qs ? `?${qs}` : ''}`,
              headers,
              ...(payload !== undefined && route.method !== 'GET' ? { payload } : {}),
            });
            if (res.statusCode >= 500)
              failures.push(
                `${route.method} ${path}?${qs} [${who}] body=${String(payload).slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
              );
            assertNoSecret(res.body, [h.adminKey, h.viewerKey]);
            if (
              res.statusCode === 400 &&
              !route.url.startsWith('/admin/queues') &&
              res.headers['content-type']?.toString().includes('json')
            ) {
              const b = JSON.parse(res.body);
              if (!b.message) failures.push(`${route.method} ${route.url}: 400 without a message`);
            }
            return true;
          },
        ),
        {
          numRuns: Number(process.env.BAD_INPUT_RUNS ?? 12),
          seed: Number(process.env.BAD_INPUT_SEED ?? Date.now() % 100000),
        },
      );
    }
    expect([...new Set(failures)].slice(0, 20)).toEqual([]);
  });

  it('names the wrong field', async () => {
    const res = await h.built.app.inject({
      method: 'POST',
      url: '/channels',
      headers: h.admin,
      payload: { platformId: s.platformId, name: 'x', syncIntervalSeconds: 'often' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'syncIntervalSeconds' });
    const unknown = await h.built.app.inject({
      method: 'PATCH',
      url: `/channels/${s.channelId}`,
      headers: h.admin,
      payload: { nmae: 'typo' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('nmae');
    const badJson = await h.built.app.inject({
      method: 'POST',
      url: '/platforms',
      headers: { ...h.admin, 'content-type': 'application/json' },
      payload: '{"kind":',
    });
    expect(badJson.statusCode).toBe(400);
  });
});
