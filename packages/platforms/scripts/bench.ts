// pnpm bench:platforms — orders fetched and normalized per second per platform against the sandbox with a
// set latency per request, and the share of the time spent waiting on the platform (HTTP + the adapter's
// pacing to the documented rate). Prints its figures; it is not a test.
//   BENCH_LATENCY_MS (default 20), BENCH_ORDERS (per store, default 2000), BENCH_STORES (default 2)
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../../../services/sandbox/src/index.ts';
import type { PlatformKind } from '@oms/core';
import { getAdapter, type ChannelAccess } from '../src/index.ts';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const ordersPerStore = Number(process.env.BENCH_ORDERS ?? 2000);
const storeCount = Number(process.env.BENCH_STORES ?? 2);
const days = 30;
const kinds: PlatformKind[] = ['shopee', 'cyberbiz', 'shopline', 'momo'];

const now = Date.now();
const sandbox = await startSandbox({
  basePort: 0,
  rateLimits: false,
  scenario: {
    seed: 3,
    stores: { shopee: storeCount, cyberbiz: storeCount, shopline: storeCount, momo: storeCount },
    ordersPerStore,
    from: new Date(now - days * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
  },
});
const control = async (path: string, body?: unknown) => {
  const res = await fetch(
    `${sandbox.urls.control}${path}`,
    body === undefined
      ? {}
      : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  return res.json() as Promise<any>;
};
const creds = await control('/_sandbox/credentials');

function stores(kind: PlatformKind): ChannelAccess[] {
  const c = creds[kind];
  return c.stores.map((s: any) => ({
    platform: {
      kind,
      apiVersion: kind === 'cyberbiz' ? 'v2' : null,
      apiHost: sandbox.urls[kind],
      authHost: sandbox.urls[kind],
      appId: kind === 'shopee' ? String(c.partner_id) : (c.client_id ?? null),
      appSecret: kind === 'shopee' ? c.partner_key : (c.client_secret ?? null),
      settings: kind === 'shopline' ? { userAgent: 'oms-bench/1.0' } : {},
    },
    channel: {
      id: String(s.shop_id ?? s.shop_domain ?? s.merchant_id ?? s.entpCode),
      externalShopId: String(kind === 'cyberbiz' ? s.shop_domain : (s.shop_id ?? s.merchant_id ?? s.entpCode)),
      accessToken: s.access_token ?? null,
      refreshToken: s.refresh_token ?? null,
      accessTokenExpiresAt: s.access_token_expires_at ? new Date(s.access_token_expires_at) : null,
      credentials: kind === 'momo' ? s.loginInfo : null,
    },
  }));
}

console.log(
  `platform bench: ${storeCount} stores x ${ordersPerStore} orders over ${days} days per platform, ${latencyMs} ms latency per request, stores fetched in parallel`,
);
console.log('platform   orders  invalid  requests≈pages  seconds  orders/s  waiting-on-platform');
for (const kind of kinds) {
  await control('/_sandbox/faults', { system: kind, latencyMs });
  const adapter = getAdapter(kind, { timeoutMs: 30_000 });
  let orders = 0;
  let invalid = 0;
  let pages = 0;
  let waitMs = 0;
  const started = performance.now();
  await Promise.all(
    stores(kind).map(async (store) => {
      let from = now - (days + 1) * 86_400_000;
      while (from < now) {
        const to = Math.min(now, from + adapter.maxWindowMs);
        const it = adapter
          .listOrders(store, { field: 'created', from: new Date(from), to: new Date(to) })
          [Symbol.asyncIterator]();
        for (;;) {
          const t0 = performance.now();
          const next = await it.next();
          waitMs += performance.now() - t0;
          if (next.done) break;
          pages++;
          for (const o of next.value.orders) {
            orders++;
            try {
              adapter.normalize(o.raw);
            } catch {
              invalid++;
            }
          }
        }
        from = to;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Waiting is summed over parallel stores: the share is of the summed store time.
  const share = waitMs / (seconds * 1000 * storeCount);
  console.log(
    `${kind.padEnd(9)} ${String(orders).padStart(7)} ${String(invalid).padStart(8)} ${String(pages).padStart(15)} ${seconds.toFixed(2).padStart(8)} ${(orders / seconds).toFixed(0).padStart(9)} ${(Math.min(1, share) * 100).toFixed(1).padStart(19)}%`,
  );
  await control('/_sandbox/faults', { system: kind, latencyMs: 0 });
}
await sandbox.close();
