// pnpm bench: end to end, 5,000 orders over 12 stores of all four platforms, platform latency 20 ms,
// iDempiere L = 5 ms per request and P = 2 ms per order. Prints time to the last order written, orders per
// second, ERP requests per order, the ratio to the physical limit (the larger of N x P and the slowest store's
// fetch time) and each service's peak memory.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSecondsOf, ROOT, waitUntil } from './processes';
import { startStack } from './stack';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 5_000);
const STORES_PER_PLATFORM = 3;
const PLATFORM_LATENCY_MS = 20;
const L = 5;
const P = 2;
/** BENCH_INSTANCE=1..9 runs a second benchmark beside the first (own ports, database and queue prefix). */
const INSTANCE = Number(process.env.BENCH_INSTANCE ?? 0);

async function main() {
  const perStore = Math.ceil(ORDERS / (STORES_PER_PLATFORM * 4));
  const now = Date.now();
  const stack = await startStack({
    databaseName: `oms_bench${INSTANCE || ''}`,
    queuePrefix: `oms-bench${INSTANCE || ''}`,
    sandboxPort: 24010 + INSTANCE * 100,
    apiPort: 23000 + INSTANCE * 100,
    portOffset: 20000 + INSTANCE * 100,
    logDir: path.join(ROOT, `.bench/bench-logs${INSTANCE || ''}`),
    scenario: {
      seed: 7,
      stores: {
        shopee: STORES_PER_PLATFORM,
        cyberbiz: STORES_PER_PLATFORM,
        shopline: STORES_PER_PLATFORM,
        momo: STORES_PER_PLATFORM,
      },
      ordersPerStore: perStore,
      from: new Date(now - 30 * 86_400_000).toISOString(),
      to: new Date(now - 3_600_000).toISOString(),
      unknownSkuShare: 0,
      archivedShare: 0,
      // Every order paid and not yet shipped: every one is importable on every platform (momo lists prices only
      // for orders not yet shipped), so N is the number written.
      statusMix: { paid: 1 },
    },
    env: { LOG_LEVEL: 'warn' },
  });
  try {
    for (const system of ['shopee', 'cyberbiz', 'shopline', 'momo'])
      await stack.control('/_sandbox/faults', { system, latencyMs: PLATFORM_LATENCY_MS });
    await stack.control('/_sandbox/faults', { system: 'idempiere', latencyMs: L, processingMsPerOrder: P });
    const state = await stack.control('/_sandbox/state');
    const n = ['shopee', 'cyberbiz', 'shopline', 'momo'].reduce((a, k) => a + Number(state[k].orders), 0);

    const bootStart = Date.now();
    await stack.startServices();
    console.log(`services ready in ${Date.now() - bootStart} ms; importing ${n} orders…`);
    // Done when every order is fetched and none is left for the writer (a handful may be too young to be paid).
    let written = 0;
    await waitUntil(
      `${n} orders settled`,
      async () => {
        const states = await stack.db.order.groupBy({ by: ['erpState'], _count: true });
        const count = (s: string) => states.find((x) => x.erpState === s)?._count ?? 0;
        written = count('written');
        const total = states.reduce((a, x) => a + x._count, 0);
        return total >= n && count('pending') + count('writing') === 0;
      },
      20 * 60_000,
      200,
    );
    const [row] = await stack.db.$queryRaw<
      { last: Date }[]
    >`select max(erp_updated_at) as last from oms_order where erp_state = 'written'`;
    const last = row!.last;

    // The clock starts when the first store's first fetch starts: services that became ready earlier were already
    // importing while the slowest one booted, so "all ready" would start it too late.
    const [first] = await stack.db.$queryRaw<
      { first: Date }[]
    >`select min(started_at) as first from oms_sync_run where kind = 'get_orders'`;
    const t0 = first!.first.getTime();
    const elapsedMs = last.getTime() - t0;
    const idem = (await stack.control('/_sandbox/state')).idempiere;
    // How busy the writer kept iDempiere: the sandbox's write log (time inside each write, orders per write).
    const writeLog = (await stack.control('/_sandbox/idempiere/writes')) as {
      writes: { start: number; locked: number; end: number; orders: number }[];
    };
    const ours = writeLog.writes.filter((w) => w.end >= t0 && w.start <= last.getTime());
    const busyMs = ours.reduce((a, w) => a + (w.end - w.locked), 0);
    const orderWrites = ours.filter((w) => w.orders > 0);
    if (process.env.BENCH_WRITES_FILE)
      writeFileSync(
        process.env.BENCH_WRITES_FILE,
        JSON.stringify(ours.map((w) => ({ ...w, start: w.start - t0, locked: w.locked - t0, end: w.end - t0 }))),
      );
    const fetchRuns = await stack.db.$queryRaw<{ channel_id: string; ms: bigint }[]>`
      select channel_id, sum(duration_ms)::bigint as ms from oms_sync_run
      where kind = 'get_orders' and started_at <= ${last} group by channel_id`;
    const slowestFetchMs = Math.max(...fetchRuns.map((r) => Number(r.ms)));
    const limitMs = Math.max(written * P, slowestFetchMs);
    stack.stopMemorySampling();
    const cpu = new Map([stack.sandbox, ...stack.services].map((s) => [s.name, cpuSecondsOf(s.child?.pid)]));

    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log('\nEnd-to-end benchmark');
    console.log(`  machine:                  ${os.cpus().length} cores, ${mb(os.totalmem())}, Node ${process.version}`);
    console.log(
      `  orders:                   ${written} written of ${n} over ${STORES_PER_PLATFORM * 4} stores (platform latency ${PLATFORM_LATENCY_MS} ms, iDempiere L=${L} ms P=${P} ms)`,
    );
    console.log(
      `  time to last order written: ${(elapsedMs / 1000).toFixed(2)} s (from the first store's first fetch, ${((t0 - bootStart) / 1000).toFixed(1)} s after the services were started)`,
    );
    console.log(`  orders per second:        ${(written / (elapsedMs / 1000)).toFixed(1)}`);
    console.log(
      `  ERP requests per order:   ${(idem.requests / written).toFixed(3)} (${idem.requests} HTTP requests to iDempiere, ${idem.writes} of them writes)`,
    );
    console.log(
      `  physical limit:           ${(limitMs / 1000).toFixed(2)} s (N x P = ${((written * P) / 1000).toFixed(2)} s, slowest store's fetch (its first get-orders run) ${(slowestFetchMs / 1000).toFixed(2)} s)`,
    );
    console.log(`  ratio to the limit:       ${(elapsedMs / limitMs).toFixed(2)} x (target <= 1.5)`);
    console.log(
      `  iDempiere busy:           ${((busyMs / elapsedMs) * 100).toFixed(0)}% of the time (${orderWrites.length} order writes, ${(orderWrites.reduce((a, w) => a + w.orders, 0) / Math.max(1, orderWrites.length)).toFixed(0)} orders each on average)`,
    );
    console.log(`  overlapping ERP writes:   ${idem.overlappingWrites}`);
    console.log('  peak memory per service:');
    for (const s of [stack.sandbox, ...stack.services])
      console.log(
        `    ${s.name.padEnd(16)} ${mb(s.peakRss).padStart(7)}${s.name !== 'sandbox' && s.peakRss > 250 * 1024 * 1024 ? '  (over 250 MB)' : '               '}  cpu ${cpu.get(s.name)!.toFixed(1)} s`,
      );
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
