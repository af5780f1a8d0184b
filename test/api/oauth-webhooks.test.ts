// Connect a store end to end against the sandbox (Shopee, Cyberbiz, Shopline), and the three webhook
// shapes: signed pushes become fetch-order jobs, unverified ones are refused and counted.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@oms/testing';
import { startSandbox, type Sandbox } from '@oms/sandbox';
import { signState } from '@oms/api';
import { startApi, type Harness } from './helpers';

let h: Harness;
let sandbox: Sandbox;
let base: string;
type Creds = {
  shopee: { partner_id: number; partner_key: string; stores: { shop_id: number; access_token: string }[] };
  cyberbiz: { client_id: string; client_secret: string; stores: { shop_domain: string; access_token: string }[] };
  shopline: { client_id: string; client_secret: string; stores: { merchant_id: string; access_token: string }[] };
};
let creds: Creds;
const channels: Record<string, string> = {};
const platforms: Record<string, string> = {};

beforeAll(async () => {
  sandbox = await startSandbox({ basePort: 0, scenario: { seed: 3, ordersPerStore: 3 } });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  h = await startApi('oauthwh', { PUBLIC_URL: base });
  await h.built.app.listen({ port, host: '127.0.0.1' });
  creds = (await (await fetch(`${sandbox.urls.control}/_sandbox/credentials`)).json()) as Creds;
});
afterAll(async () => {
  await h?.close();
  await sandbox?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...h.admin, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res;
}

/** What a seller does: open the connect link, click "authorize" on the platform's page, come back. */
async function connect(channelId: string): Promise<Response> {
  const start = await api('GET', `/channels/${channelId}/connect`);
  expect(start.status).toBe(302);
  const authorizePage = start.headers.get('location')!;
  const page = await (await fetch(authorizePage)).text();
  const href = /id="authorize"\s+href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  expect(href, page).toBeTruthy();
  const confirm = await fetch(new URL(href!, authorizePage), { redirect: 'manual' });
  expect(confirm.status).toBeGreaterThanOrEqual(300);
  const callback = confirm.headers.get('location')!;
  expect(callback.startsWith(`${base}/oauth/callback/`)).toBe(true);
  return fetch(callback, { redirect: 'manual' });
}

describe('connect a store through the sandbox', () => {
  for (const kind of ['shopee', 'cyberbiz', 'shopline'] as const) {
    it(`${kind}: state signed, code exchanged, tokens stored encrypted, channel active, first sync queued`, async () => {
      const app =
        kind === 'shopee'
          ? { appId: String(creds.shopee.partner_id), appSecret: creds.shopee.partner_key }
          : { appId: creds[kind].client_id, appSecret: creds[kind].client_secret };
      const p = (await (
        await api('POST', '/platforms', {
          kind,
          name: `${kind} sandbox`,
          apiHost: sandbox.urls[kind],
          authHost: sandbox.urls[kind],
          ...app,
        })
      ).json()) as { id: string };
      platforms[kind] = p.id;
      const c = (await (await api('POST', '/channels', { platformId: p.id, name: `${kind} store` })).json()) as {
        id: string;
        state: string;
      };
      channels[kind] = c.id;
      expect(c.state).toBe('needs_reauth');

      const back = await connect(c.id);
      expect(back.status, await back.clone().text()).toBe(302);
      expect(back.headers.get('location')).toBe(`/?connected=${c.id}`);

      const row = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
      expect(row.state).toBe('active');
      expect(row.tokenVersion).toBe(1);
      const now = (await (await fetch(`${sandbox.urls.control}/_sandbox/credentials`)).json()) as Creds;
      const stores = now[kind].stores as { access_token: string }[];
      expect(stores.map((s) => s.access_token)).toContain(h.box.decrypt(row.accessTokenEnc!));
      expect(row.accessTokenEnc).not.toContain(h.box.decrypt(row.accessTokenEnc!));
      expect(row.externalShopId.startsWith('unconnected-')).toBe(false);

      const view: unknown = await (await api('GET', `/channels/${c.id}`)).json();
      expect(view).toMatchObject({ state: 'active', hasAccessToken: true, connected: true });
      expect(JSON.stringify(view)).not.toContain(h.box.decrypt(row.accessTokenEnc!));
      const job = await h.queues.get(`platform-${kind}`).getJob(`get-orders-${c.id}`);
      expect(job?.data).toEqual({ channelId: c.id });
    });
  }

  it('refuses a forged, expired or mismatched state, and a callback without a code', async () => {
    const id = channels.shopee!;
    const cb = (q: string) => fetch(`${base}/oauth/callback/shopee?${q}`, { redirect: 'manual' });
    const good = signState(h.config.APP_SECRET, id);
    const forged = signState('another-secret-that-is-long', id);
    const expired = signState(h.config.APP_SECRET, id, -1000);
    for (const [q, field] of [
      [`code=abc&state=${forged}`, 'state'],
      [`code=abc&state=${expired}`, 'state'],
      [`code=abc&state=${good.slice(0, -2)}xx`, 'state'],
      [`state=${good}`, 'code'],
    ] as const) {
      const r = await cb(q);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { field: string }).field).toBe(field);
    }
    const wrongPlatform = await fetch(`${base}/oauth/callback/cyberbiz?code=abc&state=${good}`, { redirect: 'manual' });
    expect(wrongPlatform.status).toBe(400);
    // A code the platform refuses: a 400 saying so, not a 500.
    const refused = await cb(`code=not-a-code&shop_id=${creds.shopee.stores[0]!.shop_id}&state=${good}`);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('platform_refused');
  });
});

describe('webhooks', () => {
  const fetchJobs = async (kind: 'shopee' | 'cyberbiz' | 'shopline') =>
    (await h.queues.get(`platform-${kind}`).getJobs(['waiting']))
      .filter((j) => j.name === 'fetch-order')
      .map((j) => j.data);

  it('shopee: a push signed over the callback URL and raw body enqueues fetch-order, answered with an empty 200', async () => {
    const row = await h.db.channel.findUniqueOrThrow({ where: { id: channels.shopee! } });
    const res = await (
      await fetch(`${sandbox.urls.control}/_sandbox/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          platform: 'shopee',
          callbackUrl: `${base}/webhooks/shopee`,
          code: 3,
          shopId: row.externalShopId,
          data: { ordersn: 'SHP-WEBHOOK-1', status: 'READY_TO_SHIP' },
        }),
      })
    ).json();
    expect(res).toEqual({ delivered: true, status: 200, body: '' });
    expect(await fetchJobs('shopee')).toContainEqual({ channelId: row.id, externalId: 'SHP-WEBHOOK-1' });

    const forged = await fetch(`${base}/webhooks/shopee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'a'.repeat(64) },
      body: '{"shop_id":1,"code":3,"data":{"ordersn":"X"}}',
    });
    expect(forged.status).toBe(401);
  });

  it('cyberbiz: HMAC of the raw body, hex or base64; shop by X-Cyberbiz-Domain', async () => {
    const row = await h.db.channel.findUniqueOrThrow({ where: { id: channels.cyberbiz! } });
    const body = JSON.stringify({ id: 'CB-WEBHOOK-1', financial_status: 'paid' });
    for (const encoding of ['hex', 'base64'] as const) {
      const sig = createHmac('sha256', creds.cyberbiz.client_secret).update(body).digest(encoding);
      const r = await fetch(`${base}/webhooks/cyberbiz`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cyberbiz-hmac-sha256': sig,
          'x-cyberbiz-domain': row.externalShopId,
          'x-cyberbiz-event': 'orders/paid',
        },
        body,
      });
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('');
    }
    expect((await fetchJobs('cyberbiz')).filter((d) => d.externalId === 'CB-WEBHOOK-1').length).toBeGreaterThanOrEqual(
      1,
    );
    const bad = await fetch(`${base}/webhooks/cyberbiz`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-cyberbiz-hmac-sha256': 'deadbeef',
        'x-cyberbiz-domain': row.externalShopId,
        'x-cyberbiz-event': 'orders/paid',
      },
      body,
    });
    expect(bad.status).toBe(401);
  });

  it('shopline: the per-channel secret in the URL, compared in constant time', async () => {
    const id = channels.shopline!;
    const secret = 'shopline-hook-secret-0123456789';
    expect((await api('PATCH', `/channels/${id}`, { webhookSecret: secret })).status).toBe(200);
    const body = JSON.stringify({ topic: 'order/update', resource: { id: 'SL-WEBHOOK-1' } });
    const ok = await fetch(`${base}/webhooks/shopline/${id}/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(ok.status).toBe(200);
    expect(await fetchJobs('shopline')).toContainEqual({ channelId: id, externalId: 'SL-WEBHOOK-1' });
    for (const url of [
      `/webhooks/shopline/${id}/wrong-secret-0123456789`,
      `/webhooks/shopline/not-a-uuid/${secret}`,
      `/webhooks/shopee/${id}/${secret}`,
    ]) {
      const r = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r.status, url).toBe(401);
    }
  });

  it('counts refused deliveries in oms_webhook_receipt and /metrics', async () => {
    const refused = await h.db.webhookReceipt.groupBy({ by: ['platform', 'verified'], _count: { _all: true } });
    const count = (p: string, v: boolean) =>
      refused.find((r) => r.platform === p && r.verified === v)?._count._all ?? 0;
    expect(count('shopee', false)).toBeGreaterThanOrEqual(1);
    expect(count('shopee', true)).toBe(1);
    expect(count('cyberbiz', false)).toBe(1);
    expect(count('shopline', false)).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/oms_webhooks_total\{platform="shopee",verified="false"\} [1-9]/);
    expect(metrics).toMatch(/oms_webhooks_total\{platform="cyberbiz",verified="true"\} 2/);
  });
});
