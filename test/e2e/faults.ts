// pnpm test:faults [--short]: the end-to-end scenario while everything fails. A random OMS service is killed
// with SIGKILL every few seconds (and restarted), Redis is flushed once, the iDempiere sandbox goes down for
// 30 s, and the platforms answer rate-limit bursts and 5% server errors. Then the sandbox's iDempiere orders
// are compared with its platform orders: every importable order exactly once with the right lines and totals,
// every blocked order blocked for its real reason. Prints the figures; exits non-zero on any loss or duplicate.
import path from 'node:path';
import { Redis } from 'ioredis';
import { isErpEligible, sameCents, type CanonicalOrder } from '@oms/core';
import { startPrivateRedis } from '@oms/testing';
import { ROOT, waitUntil } from './processes';
import { progress, settled, startStack, type Stack } from './stack';

/** FAULTS_INSTANCE=1..9 runs a second suite beside the first (own ports, database and log folder). */
const INSTANCE = Number(process.env.FAULTS_INSTANCE ?? 0);

export interface FaultSuiteOptions {
  storesPerPlatform: number;
  ordersPerStore: number;
  chaosMs: number;
  killEveryMs: number;
  idempiereDownMs: number;
  settleTimeoutMs: number;
  log?: (line: string) => void;
}

export const SHORT: FaultSuiteOptions = {
  storesPerPlatform: 2,
  ordersPerStore: 40,
  chaosMs: 45_000,
  killEveryMs: 4_000,
  idempiereDownMs: 12_000,
  settleTimeoutMs: 240_000,
};
export const LONG: FaultSuiteOptions = {
  storesPerPlatform: 3,
  ordersPerStore: 417,
  chaosMs: 180_000,
  killEveryMs: 3_000,
  idempiereDownMs: 30_000,
  settleTimeoutMs: 900_000,
};

export interface FaultSuiteResult {
  importable: number;
  written: number;
  lost: string[];
  duplicated: string[];
  wrongLines: string[];
  wrongTotals: string[];
  wrongBlocks: string[];
  notFetched: string[];
  kills: number;
  overlappingWrites: number;
}

interface Truth {
  platform: string;
  store: string;
  externalId: string;
  status: string;
  total: number | string;
  lines: { sku: string | null; qty: number; knownSku: boolean }[];
  corrupt?: boolean;
}

export async function runFaultSuite(o: FaultSuiteOptions): Promise<FaultSuiteResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const redis = await startPrivateRedis();
  const now = Date.now();
  const stack = await startStack({
    databaseName: `oms_faults${INSTANCE || ''}`,
    redisUrl: redis.url,
    queuePrefix: 'oms-faults',
    sandboxPort: 25010 + INSTANCE * 100,
    apiPort: 25000 + INSTANCE * 100,
    portOffset: 22000 + INSTANCE * 100,
    logDir: path.join(ROOT, `.bench/fault-logs${INSTANCE || ''}`),
    scenario: {
      seed: 1234,
      storesPerPlatform: o.storesPerPlatform,
      ordersPerStore: o.ordersPerStore,
      from: new Date(now - 20 * 86_400_000).toISOString(),
      to: new Date(now - 120_000).toISOString(),
      unknownSkuShare: 0.05,
      archivedShare: 0,
    },
    env: { LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '3000', SCHEDULER_SWEEP_MS: '3000', SYNC_MIN_INTERVAL_SECONDS: '5' },
    syncIntervalSeconds: 5,
  });
  let kills = 0;
  try {
    await stack.startServices();
    log(`fault suite: ${o.storesPerPlatform * 4} stores x ${o.ordersPerStore} orders; chaos for ${o.chaosMs / 1000} s`);
    for (const system of ['shopee', 'cyberbiz', 'shopline', 'momo'])
      await stack.control('/_sandbox/faults', { system, errorRate: 0.05 });

    const chaosEnd = Date.now() + o.chaosMs;
    let flushed = false;
    let idempiereDown = false;
    let lastBurst = 0;
    while (Date.now() < chaosEnd) {
      const victim = stack.services[Math.floor(Math.random() * stack.services.length)]!;
      await victim.kill('SIGKILL');
      kills++;
      setTimeout(() => victim.start(), 500);
      const elapsed = o.chaosMs - (chaosEnd - Date.now());
      if (!idempiereDown && elapsed > o.chaosMs * 0.2) {
        await stack.control('/_sandbox/faults', { system: 'idempiere', downForMs: o.idempiereDownMs });
        idempiereDown = true;
        log(`  iDempiere down for ${o.idempiereDownMs / 1000} s`);
      }
      if (!flushed && elapsed > o.chaosMs * 0.5) {
        const r = new Redis(redis.url);
        await r.flushall();
        r.disconnect();
        flushed = true;
        log('  Redis flushed');
      }
      if (Date.now() - lastBurst > 10_000) {
        const system = ['shopee', 'cyberbiz', 'shopline', 'momo'][Math.floor(Math.random() * 4)]!;
        await stack.control('/_sandbox/faults', { system, rateLimitBurst: { count: 15 } });
        lastBurst = Date.now();
      }
      log(`  killed ${victim.name} (${kills} kills)`);
      await new Promise((r) => setTimeout(r, o.killEveryMs));
    }
    log('chaos over: faults cleared, waiting for the OMS to settle…');
    await stack.control('/_sandbox/faults', undefined, 'DELETE');
    for (const s of stack.services) if (!s.child || s.child.exitCode !== null || s.child.signalCode !== null) s.start();
    await waitUntil(
      'every service back',
      async () => (await Promise.all(stack.services.map((s) => s.ready()))).every(Boolean),
      60_000,
    );
    let calm = 0;
    let previous: Awaited<ReturnType<typeof progress>> | undefined;
    await waitUntil(
      'the OMS to settle',
      async () => {
        const p = await progress(stack);
        calm = settled(p, previous) ? calm + 1 : 0;
        previous = p;
        return calm >= 3;
      },
      o.settleTimeoutMs,
      2_000,
    );
    return await verify(stack, kills);
  } finally {
    await stack.stop();
    await redis.stop();
  }
}

async function verify(stack: Stack, kills: number): Promise<FaultSuiteResult> {
  const truth: Truth[] = [];
  for (const platform of ['shopee', 'cyberbiz', 'shopline', 'momo'])
    truth.push(...(await stack.control(`/_sandbox/orders?platform=${platform}`)).orders);
  const erpOrders: {
    id: number;
    poReference: string | null;
    docStatus: string;
    grandTotal: number;
    lines: { productValue: string | null; qtyOrdered: number }[];
  }[] = await stack.control('/_sandbox/idempiere/orders');
  const omsOrders = await stack.db.order.findMany({
    select: {
      externalId: true,
      normalized: true,
      erpState: true,
      erpReason: true,
      erpOrderId: true,
      channel: { select: { externalShopId: true, platform: { select: { kind: true } } } },
    },
  });
  const key = (platform: string, store: string, id: string) => `${platform}/${store}/${id}`;
  const oms = new Map(omsOrders.map((o) => [key(o.channel.platform.kind, o.channel.externalShopId, o.externalId), o]));
  const erpById = new Map<number, (typeof erpOrders)[number][]>();
  for (const e of erpOrders) erpById.set(e.id, [...(erpById.get(e.id) ?? []), e]);

  const result: FaultSuiteResult = {
    importable: 0,
    written: 0,
    lost: [],
    duplicated: [],
    wrongLines: [],
    wrongTotals: [],
    wrongBlocks: [],
    notFetched: [],
    kills,
    overlappingWrites: 0,
  };
  // POReference is unique per store, not across stores (two stores both have order #1001): a duplicate is a
  // C_Order no OMS order points at (a second create of the same order), or one that two OMS orders point at.
  const pointedAt = new Map<number, number>();
  for (const o of omsOrders) if (o.erpOrderId) pointedAt.set(o.erpOrderId, (pointedAt.get(o.erpOrderId) ?? 0) + 1);
  result.duplicated = [
    ...erpOrders
      .filter((e) => !pointedAt.has(e.id))
      .map((e) => `C_Order ${e.id} (${e.poReference}) belongs to no OMS order`),
    ...[...pointedAt].filter(([, n]) => n > 1).map(([id, n]) => `C_Order ${id} claimed by ${n} OMS orders`),
  ];
  for (const t of truth) {
    const k = key(t.platform, t.store, t.externalId);
    const o = oms.get(k);
    if (!o) {
      // momo hands the seller paid orders only (platforms.md): one still unpaid at the end is not listed yet.
      if (!(t.platform === 'momo' && t.status === 'unpaid')) result.notFetched.push(k);
      continue;
    }
    const normalized = o.normalized as CanonicalOrder | null;
    const unknown = t.lines.filter((l) => !l.knownSku).map((l) => l.sku ?? '(no sku)');
    const eligible = normalized ? isErpEligible(normalized) : false;
    if (!eligible) continue;
    if (unknown.length || t.corrupt) {
      // Blocked, and for its real reason: the unknown SKU is named.
      if (o.erpState !== 'blocked' || (unknown.length && !unknown.some((sku) => o.erpReason?.includes(sku))))
        result.wrongBlocks.push(`${k}: ${o.erpState} ${o.erpReason ?? ''} (unknown ${unknown.join(', ')})`);
      continue;
    }
    result.importable++;
    const erp = o.erpOrderId ? erpById.get(o.erpOrderId)?.[0] : undefined;
    if (o.erpState !== 'written' || !erp) {
      result.lost.push(`${k}: ${o.erpState} ${o.erpReason ?? ''}`);
      continue;
    }
    result.written++;
    const want = t.lines
      .map((l) => `${l.sku}x${l.qty}`)
      .sort()
      .join(',');
    const got = erp.lines
      .filter((l) => l.productValue)
      .map((l) => `${l.productValue}x${l.qtyOrdered}`)
      .sort()
      .join(',');
    if (want !== got) result.wrongLines.push(`${k}: platform ${want} / iDempiere ${got}`);
    if (!sameCents(String(erp.grandTotal), String(t.total)))
      result.wrongTotals.push(`${k}: platform ${t.total} / iDempiere ${erp.grandTotal}`);
  }
  result.overlappingWrites = Number((await stack.control('/_sandbox/state')).idempiere.overlappingWrites);
  return result;
}

export function report(r: FaultSuiteResult): string[] {
  const list = (xs: string[]) =>
    xs.length
      ? `\n      ${xs.slice(0, 10).join('\n      ')}${xs.length > 10 ? `\n      … ${xs.length - 10} more` : ''}`
      : '';
  return [
    `kills survived:          ${r.kills}`,
    `importable orders:       ${r.importable}`,
    `written exactly once:    ${r.written - r.duplicated.length}`,
    `orders lost:             ${r.lost.length}${list(r.lost)}`,
    `orders duplicated:       ${r.duplicated.length}${list(r.duplicated)}`,
    `orders not fetched:      ${r.notFetched.length}${list(r.notFetched)}`,
    `wrong lines:             ${r.wrongLines.length}${list(r.wrongLines)}`,
    `wrong totals:            ${r.wrongTotals.length}${list(r.wrongTotals)}`,
    `blocked for a wrong reason: ${r.wrongBlocks.length}${list(r.wrongBlocks)}`,
    `overlapping ERP writes:  ${r.overlappingWrites}`,
  ];
}

export function passed(r: FaultSuiteResult): boolean {
  return (
    !r.lost.length &&
    !r.duplicated.length &&
    !r.notFetched.length &&
    !r.wrongLines.length &&
    !r.wrongTotals.length &&
    !r.wrongBlocks.length &&
    r.overlappingWrites === 0 &&
    r.importable > 0
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const short = process.argv.includes('--short');
  runFaultSuite(short ? SHORT : LONG).then(
    (r) => {
      console.log(`\nFault suite (${short ? 'short' : 'long'} form)\n  ${report(r).join('\n  ')}`);
      process.exit(passed(r) ? 0 : 1);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
