// Shared by the Shopee conformance tests: a sandbox per test file (seed 42, two shops of 300 orders) and a call
// signed as the docs say (docs/platforms.md, "Shopee: auth and signing"), with plain HTTP.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Sandbox } from '../index.ts';
import { control, json, sandbox } from './helpers.ts';

/** Set by useShopeeSandbox's beforeAll: the sandbox, the partner's credentials and the shops with their tokens. */
export let s: Sandbox;
export let partnerId: number;
export let partnerKey: string;
export let shops: { shop_id: number; access_token: string; refresh_token: string }[];

export const now = () => Math.floor(Date.now() / 1000);
export const hmac = (base: string) => createHmac('sha256', partnerKey).update(base).digest('hex');

export function useShopeeSandbox(): void {
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
}

/** A signed call, built as the docs say: sign = hex HMAC-SHA256(partner_key, partner_id + path + timestamp [+ access_token + shop_id]). */
export async function call(
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
