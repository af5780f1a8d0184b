// `pnpm bench:erp`: writes 2,000 new orders (1..8 lines, repeat and new customers, all SKUs known) through the
// erp-writer into the iDempiere sandbox with per-request latency L = 5 ms and per-order processing P = 2 ms,
// and prints orders/s, ERP requests per order and elapsed / (N x P). The physical limit is N x P: iDempiere
// serializes order writes on its document-number sequence.
// Options (env): BENCH_ORDERS (2000), BENCH_LATENCY_MS (5), BENCH_PROCESSING_MS (2), ERP_BATCH_SIZE (100), BENCH_BUYERS (800).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '@oms/config';
import { createTestDatabase, createTestRedisPrefix } from '@oms/testing';
import {
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  producerQueues,
  startErpEnv,
  startWriter,
  type ErpEnv,
  type IdempiereControl,
  type SandboxOrder,
} from '../../../test/erp/fixtures.ts';

const N = Number(process.env.BENCH_ORDERS ?? 2000);
const L = Number(process.env.BENCH_LATENCY_MS ?? 5);
const P = Number(process.env.BENCH_PROCESSING_MS ?? 2);
const BUYERS = Number(process.env.BENCH_BUYERS ?? 800);
const BATCH = process.env.ERP_BATCH_SIZE ?? '100';
/** process (default): the sandbox in its own process, as iDempiere is its own server; inline: in this process. */
const SANDBOX = process.env.BENCH_SANDBOX ?? 'process';
const root = path.resolve(import.meta.dirname, '../../..');

type Writes = {
  total: number;
  overlappingWrites: number;
  writes: { start: number; locked: number; end: number; orders: number }[];
};

/** The sandbox as a child process, controlled over its HTTP control routes. */
async function sandboxProcess(): Promise<{
  idempiereUrl: string;
  control: Pick<IdempiereControl, never> & {
    setFaults(f: object): Promise<void>;
    orders(): Promise<SandboxOrder[]>;
    writes(): Promise<Writes>;
  };
  stop(): void;
}> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'services/sandbox/src/main.ts')],
      {
        cwd: root,
        env: { ...process.env, SANDBOX_PORT: String(base), LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
        stdio: 'ignore',
      },
    );
    const ctl = `http://127.0.0.1:${base}`;
    for (let i = 0; i < 150 && child.exitCode === null; i++) {
      const ok = await fetch(`${ctl}/_sandbox/state`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) {
        const json = async (p: string, init?: RequestInit) => {
          const res = await fetch(`${ctl}${p}`, init);
          if (!res.ok) throw new Error(`sandbox ${p}: ${res.status} ${await res.text()}`);
          return res.json();
        };
        return {
          idempiereUrl: `http://127.0.0.1:${base + 5}/api/v1`,
          control: {
            setFaults: async (f) =>
              void (await json('/_sandbox/faults', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ system: 'idempiere', ...f }),
              })),
            orders: () => json('/_sandbox/idempiere/orders') as Promise<SandboxOrder[]>,
            writes: () => json('/_sandbox/idempiere/writes') as Promise<Writes>,
          },
          stop: () => child.kill('SIGTERM'),
        };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
  }
  throw new Error('could not start the sandbox process');
}

let env: ErpEnv;
let control: { setFaults(f: object): Promise<void>; orders(): Promise<SandboxOrder[]>; writes(): Promise<Writes> };
let stopSandbox = () => {};
if (SANDBOX === 'inline') {
  env = await startErpEnv(
    'bench',
    { ERP_BATCH_SIZE: BATCH, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    { rateLimits: false },
  );
  const c = env.idempiere;
  control = { setFaults: async (f) => c.setFaults(f), orders: async () => c.orders(), writes: async () => c.writes() };
} else {
  const sb = await sandboxProcess();
  stopSandbox = sb.stop;
  control = sb.control;
  const database = await createTestDatabase('bench');
  const redis = await createTestRedisPrefix('bench');
  const vars = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    IDEMPIERE_URL: sb.idempiereUrl,
    ERP_BATCH_SIZE: BATCH,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  env = {
    database,
    redis,
    config: parseConfig(vars),
    env: vars,
    async close() {
      await redis.drop();
      await database.drop();
    },
  } as unknown as ErpEnv;
}
const w = await startWriter(env);
const producer = producerQueues(env);
try {
  const db = env.database.db;
  const channel = await createChannel(db);
  const orders = Array.from({ length: N }, (_, i) => makeOrder(i + 1, { buyers: BUYERS, prefix: 'BN' }));
  const rows = await insertOrders(db, channel.id, orders);
  const products = await w.writer.ctx.products.warm();
  await w.writer.ctx.client.connect();
  await control.setFaults({ latencyMs: L, processingMsPerOrder: P });

  const requestsBefore = w.writer.ctx.client.stats.requests;
  const writesBefore = (await control.writes()).total;
  // BENCH_PROFILE=file.cpuprofile: a CPU profile of this process (the writer runs in it) over the writing only.
  const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const started = performance.now();
  await enqueueWrites(producer.queues, rows);
  // One cheap query every 25 ms (the poll itself must not load the machine the writer runs on).
  for (;;) {
    const [c] = await db.$queryRaw<{ left: bigint; stuck: bigint }[]>`
      SELECT count(*) FILTER (WHERE erp_state <> 'written') AS left,
             count(*) FILTER (WHERE erp_state IN ('blocked', 'failed', 'needs_attention')) AS stuck
      FROM oms_order WHERE channel_id = ${channel.id}::uuid`;
    if (c!.left === 0n) break;
    if (c!.stuck > 0n) {
      const row = await db.order.findFirst({
        where: { channelId: channel.id, erpState: { in: ['blocked', 'failed', 'needs_attention'] } },
        select: { erpReason: true },
      });
      throw new Error(`${c!.stuck} orders blocked/failed: ${row?.erpReason}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const elapsedMs = performance.now() - started;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
  }
  const requests = w.writer.ctx.client.stats.requests - requestsBefore;
  await control.setFaults({ latencyMs: 0, processingMsPerOrder: 0 });

  // Each order exactly once, totals to the cent.
  const inErp = (await control.orders()).filter((o) => o.poReference?.startsWith('BN'));
  const refs = new Set(inErp.map((o) => o.poReference));
  const wrongTotals = inErp.filter((o) => {
    const src = orders.find((x) => x.externalNumber === o.poReference);
    return !src || Math.round(o.grandTotal * 100) !== Math.round(Number(src.total) * 100);
  }).length;
  const customers = new Set(inErp.map((o) => o.bpartner?.id)).size;
  const lines = orders.reduce((n, o) => n + o.lines.length, 0);
  const writes = await control.writes();

  const limitMs = N * P;
  // Time iDempiere spent on our writes (from request arrival to answer), and how busy that kept it.
  const ours = writes.writes.slice(-(writes.total - writesBefore));
  const serverBusyMs = ours.reduce((t, x) => t + (x.end - x.start), 0);
  const result = {
    orders: N,
    lines,
    customers,
    latencyMs: L,
    processingMsPerOrder: P,
    batchSize: Number(BATCH),
    productsWarmed: products,
    elapsedMs: Math.round(elapsedMs),
    ordersPerSecond: Math.round((N / elapsedMs) * 1000),
    erpRequestsPerOrder: Number((requests / N).toFixed(3)),
    erpWriteRequests: writes.total - writesBefore,
    elapsedOverNxP: Number((elapsedMs / limitMs).toFixed(2)),
    serverBusyMs: Math.round(serverBusyMs),
    serverBusyShare: Number((serverBusyMs / elapsedMs).toFixed(2)),
    serverMsPerOrder: Number((serverBusyMs / N).toFixed(2)),
    inErp: inErp.length,
    duplicates: inErp.length - refs.size,
    wrongTotals,
    overlappingWrites: writes.overlappingWrites,
    sandbox: SANDBOX,
    machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\n${N} orders in ${(elapsedMs / 1000).toFixed(2)} s = ${result.ordersPerSecond} orders/s; ${result.erpRequestsPerOrder} ERP requests/order; ` +
      `elapsed / (N x P) = ${result.elapsedOverNxP} (target <= 1.5)`,
  );
  if (inErp.length !== N || result.duplicates || wrongTotals) process.exitCode = 1;
} finally {
  await producer.close();
  await w.stop();
  await env.close();
  stopSandbox();
}
