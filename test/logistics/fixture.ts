// The logistics fixture: shipments end to end, per platform. Orders imported from a platform sandbox (get-orders)
// are written into the iDempiere sandbox (write-order), shipped there (`/_sandbox/idempiere/ship`), found by
// poll-shipments and pushed back by push-shipment. Real handlers on real BullMQ and PostgreSQL: the platform worker
// from test/platforms/harness.ts, the erp-writer from test/erp/fixtures.ts, the API's retry route, the scheduler's
// reconciler. The suite that uses it is ./suite.ts; each platform's test file calls logisticsSuite().
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { parseConfig } from '@oms/config';
import { QUEUE_NAMES, runService, type Job } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import { startSandbox, type Sandbox, type Shipment as SandboxShipment } from '@oms/sandbox';
import { reconcileShipments } from '@oms/scheduling';
import { REDIS_URL, serviceEnv, waitFor } from '@oms/testing';
import { buildApp, createApiKey, type BuiltApp } from '@oms/api';
import { CARRIERS, ERP_MAPPING } from '../e2e/world';
import { startWriter, type ErpEnv, type IdempiereControl, type InProcessWriter } from '../erp/fixtures';
import { control, createHarness, DAY, silent, sorted, type Harness, type Truth } from '../platforms/harness';
import { platformConsumer } from '@oms/platforms';

const root = path.resolve(import.meta.dirname, '../..');

/** What the sandbox's truth says about an order, beyond the fields the platform harness types. */
export type TruthOrder = Omit<Truth, 'lines'> & {
  delivery: string;
  carrier: string;
  cod: boolean;
  archived: boolean;
  trackingNumber: string | null;
  lines: { id: string; sku: string; qty: number }[];
  /** Shopee split orders: the packages with their lines. */
  packages: { packageNumber: string; lineIds: string[]; arranged: boolean; trackingNumber: string | null }[] | null;
};

/** One shipment as a platform sandbox received it (GET /_sandbox/shipments: `at` as an ISO string). */
export type PlatformShipment = Omit<SandboxShipment, 'at'> & { at: string };

export interface LogisticsCase {
  /** Orders this platform takes a shipment for through the OMS (besides being written to iDempiere). */
  shippable: (o: TruthOrder) => boolean;
  /** The platform assigns the tracking number (Shopee pickup/dropoff): the warehouse ships without one. */
  platformAssigns?: (o: TruthOrder) => boolean;
  /** The order's logistics channel decides the carrier the platform records, not the OMS (Shopee; SHOPLINE integrated). */
  carrierFromPlatform?: boolean | ((o: TruthOrder) => boolean);
  /** Successful platform calls the sandbox counts as confirmations for one shipment (Shopline custom: 2). */
  confirmationsPerShipment?: number;
  /** A carrier code the platform refuses (a mis-typed mapping): a permanent refusal. */
  badCarrier?: string;
}

export interface Logistics {
  kind: PlatformKind;
  sandbox: Sandbox;
  h: Harness;
  writer: InProcessWriter;
  api: BuiltApp;
  adminKey: string;
  channelId: string;
  idempiere: IdempiereControl;
  close(): Promise<void>;
}

export const SHIPPERS = ['黑貓宅急便', '新竹物流'] as const;

/** A sandbox with one store of `kind` (paid orders only), a mapped channel, a platform worker and an erp-writer. */
export async function startLogistics(
  kind: PlatformKind,
  opts: { seed?: number; orders?: number } = {},
): Promise<Logistics> {
  const now = Date.now();
  const sandbox = await startSandbox({
    basePort: 0,
    scenario: {
      seed: opts.seed ?? 31,
      stores: { shopee: 0, cyberbiz: 0, shopline: 0, momo: 0, [kind]: 1 },
      ordersPerStore: opts.orders ?? 30,
      from: new Date(now - 5 * DAY).toISOString(),
      to: new Date(now - 60_000).toISOString(),
      unknownSkuShare: 0,
      archivedShare: 0,
      codShare: 0,
      statusMix: { paid: 1 },
    },
  });
  const h = await createHarness(kind, { sandbox, stores: 1, days: 6 });
  const channelId = h.channels[0]!.id;
  // What an operator sets up for a store: the GardenWorld mapping and the shipper -> carrier table.
  await h.db.channel.update({ where: { id: channelId }, data: { ...ERP_MAPPING, customerMode: 'per_buyer' } });
  await h.db.carrierMapping.createMany({
    data: Object.entries(CARRIERS[kind]!).map(([erpShipperName, platformCarrier]) => ({
      channelId,
      erpShipperName,
      platformCarrier,
    })),
  });

  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    DATABASE_URL: h.database.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: h.prefix,
    IDEMPIERE_URL: `${sandbox.urls.idempiere}/api/v1`,
    SHUTDOWN_TIMEOUT_MS: '5000',
  };
  const config = parseConfig(env);
  const erpEnv: ErpEnv = {
    sandbox,
    idempiere: sandbox.idempiere as unknown as IdempiereControl,
    database: h.database,
    redis: { url: config.REDIS_URL, prefix: h.prefix, drop: async () => undefined },
    config,
    env,
    close: async () => undefined,
  };
  const writer = await startWriter(erpEnv);
  const api = await buildApp({ config, db: h.db, redis: h.queues.connection, queues: h.queues });
  const adminKey = (await createApiKey(h.db, 'logistics-test', 'admin')).key;
  await h.startWorker();
  return {
    kind,
    sandbox,
    h,
    writer,
    api,
    adminKey,
    channelId,
    idempiere: erpEnv.idempiere,
    async close() {
      await api.close().catch(() => undefined);
      await writer.stop().catch(() => undefined);
      await h.close();
      await sandbox.close();
    },
  };
}

/** Imports the store's orders and waits until every ERP-eligible one is written into iDempiere. */
export async function importAndWrite(l: Logistics, tag: string): Promise<void> {
  const job = await l.h.getOrders(l.channelId, tag);
  const state = await l.h.waitDone(job);
  expect(state, (await l.h.jobResult(job)).failedReason).toBe('completed');
  await waitFor(
    async () =>
      (await l.h.db.order.count({ where: { channelId: l.channelId, erpState: { in: ['pending', 'writing'] } } })) === 0,
    { timeoutMs: 30_000, what: 'orders written to iDempiere' },
  );
  const stuck = await l.h.db.order.findMany({
    where: { channelId: l.channelId, erpState: { in: ['blocked', 'failed'] } },
    select: { externalId: true, erpReason: true },
  });
  expect(stuck).toEqual([]);
}

export async function truth(l: Logistics): Promise<TruthOrder[]> {
  return (await l.h.truth()) as TruthOrder[];
}

export async function platformShipments(l: Logistics): Promise<PlatformShipment[]> {
  return (await control<{ shipments: PlatformShipment[] }>(l.sandbox, `/_sandbox/shipments?platform=${l.kind}`))
    .shipments;
}

/** Written orders the platform will take a shipment for, that nobody shipped yet. */
export async function unshipped(
  l: Logistics,
  sc: LogisticsCase,
  filter: (o: TruthOrder) => boolean = () => true,
): Promise<TruthOrder[]> {
  const written = new Set(
    (
      await l.h.db.order.findMany({
        where: { channelId: l.channelId, erpState: 'written' },
        select: { externalId: true },
      })
    ).map((o) => o.externalId),
  );
  const taken = new Set((await l.h.db.shipment.findMany({ include: { order: true } })).map((s) => s.order.externalId));
  for (const s of await platformShipments(l)) taken.add(s.orderExternalId);
  return (await truth(l)).filter(
    (o) => written.has(o.externalId) && !taken.has(o.externalId) && sc.shippable(o) && filter(o),
  );
}

/**
 * The warehouse ships an order in iDempiere: a completed M_InOut through the sandbox's control route; with
 * `lines` (products by Value = SKU) only those, a part shipment. Returns the M_InOut id.
 */
export async function shipInErp(
  l: Logistics,
  externalId: string,
  shipper: string,
  trackingNo: string | null,
  lines?: { product: string; qty?: number }[],
): Promise<number> {
  const order = await l.h.db.order.findFirstOrThrow({ where: { channelId: l.channelId, externalId } });
  expect(order.erpOrderId, `order ${externalId} is in iDempiere`).not.toBeNull();
  const made = await control<{ id: number }>(l.sandbox, '/_sandbox/idempiere/ship', {
    orderId: order.erpOrderId,
    shipper,
    trackingNo,
    ...(lines ? { lines } : {}),
  });
  return made.id;
}

export async function finished(l: Logistics, job: Job, queue: 'erp' | 'platform'): Promise<Job> {
  const q = l.h.queues.get(queue === 'erp' ? QUEUE_NAMES.erp : QUEUE_NAMES[l.kind]);
  return waitFor(
    async () => {
      // The state first, then the job's hash: read the other way round, the hash may predate the result.
      const state = await q.getJobState(job.id!);
      return state === 'completed' || state === 'failed' ? ((await q.getJob(job.id!)) ?? null) : null;
    },
    { timeoutMs: 30_000, intervalMs: 25, what: `job ${job.name} ${job.id}` },
  );
}

/** Runs poll-shipments on the erp-orders queue (the erp-writer's handler) and returns its result. */
export async function pollShipments(
  l: Logistics,
): Promise<{ seen: number; recorded: number; blocked: number; released: number; trackingWritten: number }> {
  const job = await l.h.queues.add('pollShipments', {});
  const done = await finished(l, job, 'erp');
  expect(done.failedReason ?? null).toBeNull();
  return done.returnvalue;
}

const SETTLED = ['pushed', 'awaiting_tracking', 'blocked', 'failed', 'not_pushed'];

/** Waits until none of the shipments is pending or pushing any more; on a timeout, says where each one is. */
export async function settle(l: Logistics, shipmentIds: string[], timeoutMs = 15_000): Promise<void> {
  try {
    await waitFor(
      async () => {
        const rows = await l.h.db.shipment.findMany({ where: { id: { in: shipmentIds } }, select: { state: true } });
        return rows.length === shipmentIds.length && rows.every((r) => SETTLED.includes(r.state));
      },
      { timeoutMs, intervalMs: 50, what: 'shipments settled' },
    );
  } catch (err) {
    const rows = await l.h.db.shipment.findMany({
      where: { id: { in: shipmentIds } },
      select: { id: true, state: true, reason: true },
    });
    const where = await Promise.all(
      rows.map(
        async (r) =>
          `${r.id} ${r.state} (${r.reason ?? ''}), job push-shipment-${r.id}: ${await l.h.queue().getJobState(`push-shipment-${r.id}`)}`,
      ),
    );
    throw new Error(`${(err as Error).message}:\n${where.join('\n')}`, { cause: err });
  }
}

/**
 * Shipments waiting for a platform-assigned number: the scheduler's reconciler re-enqueues push-shipment
 * (as it does every SCHEDULER_TRACKING_RECHECK_SECONDS) until the number is read back.
 */
export async function readBackTracking(l: Logistics, shipmentIds: string[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const waiting = await l.h.db.shipment.count({ where: { id: { in: shipmentIds }, state: 'awaiting_tracking' } });
    if (waiting === 0) return;
    await reconcileShipments(l.h.db, l.h.queues, new Date(Date.now() + 1000), {
      failedRetrySeconds: 3600,
      trackingRecheckSeconds: 0,
      stuckStageSeconds: 3600,
    });
    await waitFor(
      async () => (await l.h.queue().getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0,
      { timeoutMs: 30_000, what: 'tracking rechecks done' },
    );
  }
}

/** The operator's "retry" on a shipment: POST /shipments/:id/retry on the real API. */
export async function retryShipment(l: Logistics, shipmentId: string): Promise<{ status: number; body: unknown }> {
  const res = await l.api.app.inject({
    method: 'POST',
    url: `/shipments/${shipmentId}/retry`,
    headers: { authorization: `Bearer ${l.adminKey}` },
  });
  return { status: res.statusCode, body: res.json() };
}

export async function erpShipmentOf(l: Logistics, externalId: string) {
  const order = await l.h.db.order.findFirstOrThrow({ where: { channelId: l.channelId, externalId } });
  const so = l.idempiere.orders().find((o) => o.id === order.erpOrderId);
  expect(so, `iDempiere order of ${externalId}`).toBeDefined();
  return so!.shipments;
}

/** Expected facts for one shipped order. */
export interface Shipped {
  order: TruthOrder;
  shipper: string;
  trackingNo: string | null;
}

/**
 * The platform holds the right carrier and tracking number for exactly `all` (and nothing else), once each;
 * each oms_shipment row is pushed with the platform's number, and iDempiere's M_InOut carries the same number.
 */
export async function expectDelivered(l: Logistics, sc: LogisticsCase, all: Shipped[]): Promise<void> {
  const got = await platformShipments(l);
  const rows = await l.h.db.shipment.findMany({ where: { channelId: l.channelId }, include: { order: true } });
  const why = rows.map((r) => `${r.order.externalId} ${r.state}: ${r.reason ?? ''}`).join('\n');
  expect(sorted(got.filter((g) => g.confirmations > 0).map((g) => g.orderExternalId)), why).toEqual(
    sorted(all.map((s) => s.order.externalId)),
  );
  for (const s of all) {
    const g = got.find((x) => x.orderExternalId === s.order.externalId)!;
    const row = rows.find((r) => r.order.externalId === s.order.externalId);
    expect(row, `oms_shipment of ${s.order.externalId}`).toBeDefined();
    expect(row!.state, `${s.order.externalId}: ${row!.reason ?? ''}`).toBe('pushed');
    expect(g.confirmations, `confirmations of ${s.order.externalId}`).toBe(sc.confirmationsPerShipment ?? 1);
    expect(g.carrier, `carrier of ${s.order.externalId}`).toBe(
      carrierFromPlatform(sc, s.order) ? s.order.carrier : CARRIERS[l.kind]![s.shipper],
    );
    expect(row!.carrier).toBe(CARRIERS[l.kind]![s.shipper]);
    if (s.trackingNo) expect(row!.trackingNumber).toBe(s.trackingNo);
    else expect(row!.trackingNumber, `platform-assigned number of ${s.order.externalId}`).toMatch(/\S/);
    expect(g.trackingNumber, `tracking number the platform holds for ${s.order.externalId}`).toBe(row!.trackingNumber);
    const inOuts = await erpShipmentOf(l, s.order.externalId);
    expect(inOuts).toHaveLength(1);
    expect(inOuts[0]!.shipper).toBe(s.shipper);
    expect(inOuts[0]!.trackingNo, `M_InOut.TrackingNo of ${s.order.externalId}`).toBe(row!.trackingNumber);
  }
}

export function carrierFromPlatform(sc: LogisticsCase, o: TruthOrder): boolean {
  return typeof sc.carrierFromPlatform === 'function' ? sc.carrierFromPlatform(o) : (sc.carrierFromPlatform ?? false);
}

let trackingSeq = 0;
export const trackingNo = (kind: string) =>
  `${kind.slice(0, 2).toUpperCase()}${Date.now().toString().slice(-7)}${String(++trackingSeq).padStart(3, '0')}`;

/**
 * A worker process whose platform calls are slow is killed while pushes of `ids` are in flight; then an
 * in-process worker takes the killed worker's jobs back once their locks expire (stalled jobs).
 */
export async function killWorkerMidPushAndRestart(
  l: Logistics,
  ids: string[],
  children: ChildProcess[],
): Promise<void> {
  await control(l.sandbox, '/_sandbox/faults', { system: l.kind, latencyMs: 400 });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, `services/worker-${l.kind}/src/main.ts`)], {
    cwd: root,
    env: serviceEnv(
      { databaseUrl: l.h.database.url, redisUrl: REDIS_URL, queuePrefix: l.h.prefix },
      {
        LOG_LEVEL: 'warn',
        HEALTH_PORT: '0',
        WORKER_CONCURRENCY: '4',
        WORKER_LOCK_DURATION_MS: '1500',
        SYNC_SETTLE_SECONDS: '0',
        SYNC_OVERLAP_SECONDS: '60',
        SHIPMENT_NOT_READY_RETRY_SECONDS: '1',
      },
    ),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.env.DEBUG_WORKER && process.stderr.write(d));
  children.push(child);
  await waitFor(async () => (await l.h.db.shipment.count({ where: { id: { in: ids }, state: 'pushing' } })) > 0, {
    timeoutMs: 20_000,
    intervalMs: 10,
    what: 'a push in flight',
  });
  child.kill('SIGKILL');
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  const midway = await l.h.db.shipment.findMany({ where: { id: { in: ids } }, select: { state: true } });
  expect(midway.some((s) => s.state === 'pushing' || s.state === 'pending')).toBe(true);
  await control(l.sandbox, '/_sandbox/faults', undefined, 'DELETE');
  l.h.service = await runService({
    name: `test-worker-${l.kind}`,
    log: silent,
    redisUrl: 'redis://127.0.0.1:6379',
    queuePrefix: l.h.prefix,
    healthPort: 0,
    shutdownTimeoutMs: 5_000,
    exitProcess: false,
    consumers: [platformConsumer(l.h.ctx, { concurrency: 4, lockDurationMs: 1_000 })],
  });
}
