// Issue 7 end to end, per platform: orders imported from a platform sandbox (get-orders) are written into the
// iDempiere sandbox (write-order), shipped there (`/_sandbox/idempiere/ship`), found by poll-shipments and
// pushed back by push-shipment. Real handlers on real BullMQ and PostgreSQL: the platform worker from
// test/platforms/harness.ts, the erp-writer from test/erp/fixtures.ts, the API's retry route, the scheduler's
// reconciler. Each platform file calls logisticsSuite().
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@oms/config';
import { QUEUE_NAMES, runService, type Job } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import { startSandbox, type Sandbox } from '@oms/sandbox';
import type { Shipment as SandboxShipment } from '../../services/sandbox/src/world/model.ts';
import { reconcileShipments } from '@oms/scheduling';
import { REDIS_URL, serviceEnv, waitFor } from '@oms/testing';
import { buildApp, type BuiltApp } from '../../services/api/src/app.ts';
import { createApiKey } from '../../services/api/src/auth.ts';
import { CARRIERS, ERP_MAPPING } from '../e2e/world';
import { startWriter, type ErpEnv, type IdempiereControl, type InProcessWriter } from '../erp/fixtures';
import { control, createHarness, DAY, silent, sorted, type Harness, type Truth } from '../platforms/harness';
import { platformConsumer } from '../../packages/platforms/src/index.ts';

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
interface Shipped {
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

function carrierFromPlatform(sc: LogisticsCase, o: TruthOrder): boolean {
  return typeof sc.carrierFromPlatform === 'function' ? sc.carrierFromPlatform(o) : (sc.carrierFromPlatform ?? false);
}

let trackingSeq = 0;
export const trackingNo = (kind: string) =>
  `${kind.slice(0, 2).toUpperCase()}${Date.now().toString().slice(-7)}${String(++trackingSeq).padStart(3, '0')}`;

export function logisticsSuite(kind: PlatformKind, sc: LogisticsCase) {
  describe(`${kind}: shipments in iDempiere go back to the platform`, () => {
    let l: Logistics;
    /** Every order shipped so far with what the platform must hold for it. */
    const delivered: Shipped[] = [];
    const children: ChildProcess[] = [];
    /** The orders of the first test and their platform status before they shipped. */
    let firstShipped: { picks: string[]; before: { externalId: string; platformStatus: string | null }[] } | null =
      null;

    beforeAll(async () => {
      l = await startLogistics(kind);
      await importAndWrite(l, 'import');
    });
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await l?.close();
    });

    /** Ships orders in iDempiere; a platform that assigns numbers gets none from the warehouse. */
    const ship = async (orders: TruthOrder[], shipper?: string): Promise<Shipped[]> => {
      const out: Shipped[] = [];
      for (const [i, order] of orders.entries()) {
        const s = {
          order,
          shipper: shipper ?? SHIPPERS[i % SHIPPERS.length]!,
          trackingNo: sc.platformAssigns?.(order) ? null : trackingNo(kind),
        };
        await shipInErp(l, order.externalId, s.shipper, s.trackingNo);
        out.push(s);
      }
      return out;
    };
    const idsOf = async (shipped: Shipped[]) => {
      const rows = await l.h.db.shipment.findMany({
        where: { order: { externalId: { in: shipped.map((s) => s.order.externalId) } } },
        select: { id: true },
      });
      expect(rows).toHaveLength(shipped.length);
      return rows.map((r) => r.id);
    };

    it('pushes carrier and tracking number for exactly the orders shipped in iDempiere, once each, and writes assigned numbers back', async () => {
      let picks = await unshipped(l, sc);
      // Both kinds of delivery where the platform assigns numbers for some orders and not for others.
      if (sc.platformAssigns)
        picks = [
          ...picks.filter((o) => !sc.platformAssigns!(o)).slice(0, 2),
          ...picks.filter((o) => sc.platformAssigns!(o)).slice(0, 2),
        ];
      else picks = picks.slice(0, 3);
      expect(picks.length).toBeGreaterThanOrEqual(3);
      const before = await l.h.db.order.findMany({
        where: { channelId: l.channelId, externalId: { in: picks.map((p) => p.externalId) } },
        select: { externalId: true, platformStatus: true },
      });
      const shipped = await ship(picks);

      const r1 = await pollShipments(l);
      expect(r1).toMatchObject({ recorded: picks.length, blocked: 0 });
      const ids = await idsOf(shipped);
      await settle(l, ids);
      await readBackTracking(l, ids);
      const assigned = shipped.filter((s) => s.trackingNo === null).length;
      // The next poll writes the numbers the platform assigned into iDempiere's M_InOut.
      const r2 = await pollShipments(l);
      expect(r2).toMatchObject({ recorded: 0, blocked: 0, trackingWritten: assigned });
      delivered.push(...shipped);
      await expectDelivered(l, sc, delivered);

      // Polling, reconciling and a retried job again change nothing on the platform.
      expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 0, released: 0, trackingWritten: 0 });
      expect(
        await reconcileShipments(l.h.db, l.h.queues, new Date(), {
          failedRetrySeconds: 3600,
          trackingRecheckSeconds: 0,
          stuckStageSeconds: 3600,
        }),
      ).toEqual([]);
      const again = await l.h.queues.add(
        'pushShipment',
        { shipmentId: ids[0]! },
        { platform: kind, options: { jobId: `push-shipment-${ids[0]}-again` } },
      );
      expect((await finished(l, again, 'platform')).returnvalue).toMatchObject({ already: true });
      await expectDelivered(l, sc, delivered);

      firstShipped = { picks: picks.map((p) => p.externalId), before };
    });

    it('shows the platform status of the shipped orders after the next sync', async () => {
      expect(firstShipped, 'the first test shipped orders').not.toBeNull();
      const { picks, before } = firstShipped!;
      await importAndWrite(l, 'after-shipping');
      const now = new Map((await truth(l)).map((o) => [o.externalId, o.platformStatus]));
      const after = await l.h.db.order.findMany({
        where: { channelId: l.channelId, externalId: { in: picks } },
        select: { externalId: true, platformStatus: true },
      });
      expect(after).toHaveLength(picks.length);
      for (const o of after) {
        expect(now.get(o.externalId), `platform status of ${o.externalId} moved`).not.toBe(
          before.find((b) => b.externalId === o.externalId)!.platformStatus,
        );
        expect(o.platformStatus, `platform status of ${o.externalId} in oms_order`).toBe(now.get(o.externalId));
      }
    });

    it('pushes each shipment exactly once when the worker is killed mid-push and restarted', async () => {
      const picks = (await unshipped(l, sc)).slice(0, 4);
      expect(picks.length).toBeGreaterThanOrEqual(3);
      await l.h.stopWorker();
      const shipped = await ship(picks);
      expect(await pollShipments(l)).toMatchObject({ recorded: picks.length });
      const ids = await idsOf(shipped);

      // A worker process whose platform calls are slow, killed while pushes are in flight, then restarted.
      await killWorkerMidPushAndRestart(l, ids, children);
      await settle(l, ids);
      await readBackTracking(l, ids);
      expect((await pollShipments(l)).trackingWritten).toBe(shipped.filter((s) => s.trackingNo === null).length);
      delivered.push(...shipped);
      await expectDelivered(l, sc, delivered);
    });

    it('pushes a shipment once after the platform refused it and the fault is gone', async () => {
      const [order] = await unshipped(l, sc);
      expect(order).toBeDefined();
      // The platform answers every call with a server error.
      await control(l.sandbox, '/_sandbox/faults', { system: kind, errorRate: 1 });
      const shipped = await ship([order!]);
      expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
      const [id] = await idsOf(shipped);
      const job = await waitFor(
        async () => {
          const j = await l.h.queue().getJob(`push-shipment-${id}`);
          return j && (await j.getState()) === 'delayed' ? j : null;
        },
        { timeoutMs: 20_000, what: 'push-shipment waiting for its retry' },
      );
      const refused = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
      expect(refused.state).toBe('pending');
      expect(refused.reason).toMatch(/\S/);
      expect(
        (await platformShipments(l)).filter((g) => g.orderExternalId === order!.externalId && g.confirmations > 0),
      ).toEqual([]);

      // Fixed: the retry (promoted rather than waiting out its backoff) pushes it, once.
      await control(l.sandbox, '/_sandbox/faults', undefined, 'DELETE');
      await job.promote();
      await settle(l, [id!]);
      await readBackTracking(l, [id!]);
      // A rate-limit burst on the way changes nothing either: the job waits and goes on.
      await control(l.sandbox, '/_sandbox/faults', { system: kind, rateLimitBurst: { count: 2 } });
      const [next] = await unshipped(l, sc);
      const shipped2 = await ship([next!]);
      expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
      const ids2 = await idsOf(shipped2);
      await settle(l, ids2);
      await readBackTracking(l, ids2);
      await control(l.sandbox, '/_sandbox/faults', undefined, 'DELETE');
      await pollShipments(l);
      delivered.push(...shipped, ...shipped2);
      await expectDelivered(l, sc, delivered);
    });

    if (sc.badCarrier) {
      it('blocks a shipment the platform refuses for its carrier, with the platform message, and pushes it once the mapping is fixed and it is retried', async () => {
        const [order] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
        expect(order).toBeDefined();
        // The operator mis-typed the carrier code of 宅配通 for this store.
        await l.h.db.carrierMapping.update({
          where: { channelId_erpShipperName: { channelId: l.channelId, erpShipperName: '宅配通' } },
          data: { platformCarrier: sc.badCarrier! },
        });
        const shipped = await ship([order!], '宅配通');
        expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
        const [id] = await idsOf(shipped);
        await settle(l, [id!]);
        const blocked = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(blocked.state).toBe('blocked');
        expect(blocked.reason).toContain(sc.badCarrier!);
        expect(blocked.reason).toMatch(new RegExp(`^${kind} `));

        // Fixed in the mapping, then the operator retries the shipment.
        await l.h.db.carrierMapping.update({
          where: { channelId_erpShipperName: { channelId: l.channelId, erpShipperName: '宅配通' } },
          data: { platformCarrier: CARRIERS[kind]!['宅配通']! },
        });
        expect((await retryShipment(l, id!)).status).toBe(202);
        await settle(l, [id!]);
        delivered.push(...shipped);
        await expectDelivered(l, sc, delivered);
        const g = (await platformShipments(l)).find((x) => x.orderExternalId === order!.externalId)!;
        expect(g.attempts).toBeGreaterThanOrEqual(2);
      });
    }

    it('blocks a shipment whose shipper has no carrier mapping, naming the shipper, and pushes it once mapped and retried', async () => {
      const [viaRetry, viaPoll] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
      expect(viaPoll).toBeDefined();
      // UPS (M_Shipper 100) has no mapping on this store.
      const shipped = await ship([viaRetry!, viaPoll!], 'UPS');
      expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 2 });
      const ids = await idsOf(shipped);
      for (const id of ids) {
        const row = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(row).toMatchObject({ state: 'blocked', carrier: null, erpShipperName: 'UPS' });
        expect(row.reason).toContain('"UPS"');
      }
      const idOf = async (s: Shipped) =>
        (await l.h.db.shipment.findFirstOrThrow({ where: { order: { externalId: s.order.externalId } } })).id;
      const a = await idOf(shipped[0]!);
      const b = await idOf(shipped[1]!);
      // A retry before the mapping exists blocks it again, naming the shipper; nothing reaches the platform.
      expect((await retryShipment(l, a)).status).toBe(202);
      await settle(l, [a]);
      const again = await l.h.db.shipment.findUniqueOrThrow({ where: { id: a } });
      expect(again.state).toBe('blocked');
      expect(again.reason).toContain('"UPS"');
      expect(
        (await platformShipments(l)).filter((g) => shipped.some((s) => s.order.externalId === g.orderExternalId)),
      ).toEqual([]);

      // The mapping is added. The operator retries one shipment (the API's retry route); the next poll releases the other.
      const carrier = Object.values(CARRIERS[kind]!)[0]!;
      await l.h.db.carrierMapping.create({
        data: { channelId: l.channelId, erpShipperName: 'UPS', platformCarrier: carrier },
      });
      expect((await retryShipment(l, a)).status).toBe(202);
      await settle(l, [a]);
      expect((await pollShipments(l)).released).toBe(1);
      await settle(l, [a, b]);
      for (const id of [a, b]) {
        const row = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(row.state, `shipment ${id}: ${row.reason ?? ''}`).toBe('pushed');
        expect(row.carrier).toBe(carrier);
      }
      const got = await platformShipments(l);
      for (const s of shipped) {
        const g = got.find((x) => x.orderExternalId === s.order.externalId);
        expect(g, `platform shipment of ${s.order.externalId}`).toMatchObject({
          confirmations: sc.confirmationsPerShipment ?? 1,
          trackingNumber: s.trackingNo,
        });
        if (!carrierFromPlatform(sc, s.order)) expect(g!.carrier).toBe(carrier);
      }
    });

    it('releases a shipment the worker blocked for a missing mapping on the poll after the mapping is added', async () => {
      const [order] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
      expect(order).toBeDefined();
      // 全家店到店 (M_Shipper 200005) has no mapping on this store.
      const shipped = await ship([order!], '全家店到店');
      expect(await pollShipments(l)).toMatchObject({ blocked: 1 });
      const [id] = await idsOf(shipped);
      // Retried before the mapping exists: push-shipment runs and blocks it again (its job completes).
      expect((await retryShipment(l, id!)).status).toBe(202);
      await settle(l, [id!]);
      expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id } })).reason).toContain('"全家店到店"');
      await l.h.db.carrierMapping.create({
        data: {
          channelId: l.channelId,
          erpShipperName: '全家店到店',
          platformCarrier: Object.values(CARRIERS[kind]!)[1]!,
        },
      });
      expect((await pollShipments(l)).released).toBe(1);
      // The release enqueues push-shipment; it must actually run, not wait for the reconciler's next sweep.
      await settle(l, [id!], 3_000);
      expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id } })).state).toBe('pushed');
    });
  });
}

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
