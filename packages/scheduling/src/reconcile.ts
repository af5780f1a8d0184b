// The reconciler: the database is the outbox (invariant 1 in docs/ARCHITECTURE.md: no order is lost). Whatever
// it says is unfinished gets a live job again (Queues.ensureLive); nothing here trusts Redis to still hold anything.
import type { Db } from '@oms/db';
import type { JobKey, Queues, WantedJob } from '@oms/queue';
import { channelState } from '@oms/platforms';

/** Rows read and checked per round trip: bounded memory and query size with tens of thousands of orders. */
export const BATCH_SIZE = 1000;

export interface ReconcileSettings {
  /** SCHEDULER_FAILED_RETRY_SECONDS */
  failedRetrySeconds: number;
  /** SCHEDULER_TRACKING_RECHECK_SECONDS */
  trackingRecheckSeconds: number;
  /** STUCK_STAGE_SECONDS */
  stuckStageSeconds: number;
}

/**
 * Goes through the unfinished rows by keyset paging (BATCH_SIZE at a time, by id) and makes sure each has a live
 * job of `key`. `page(after)` reads the next rows after an id; `stillWanted(rows, ids)` re-reads which of them
 * the database still calls unfinished. Returns the row ids whose job was re-enqueued.
 */
async function keepLive<K extends JobKey, R extends { id: string }>(opts: {
  queues: Queues;
  key: K;
  page: (after: string | undefined) => Promise<R[]>;
  wanted: (row: R) => WantedJob<K>;
  stillWanted: (rows: R[], ids: string[]) => Promise<Set<string>>;
  retryFailedBefore: Date;
}): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await opts.page(after);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const done = await opts.queues.ensureLive(
      opts.key,
      rows.map(opts.wanted),
      (ids) => opts.stillWanted(rows, ids),
      opts.retryFailedBefore,
    );
    out.push(...done);
    if (rows.length < BATCH_SIZE) break;
  }
  return out;
}

/** The keyset condition of the page after `after`. */
function pageWhere<W extends object>(where: W, after: string | undefined): W | { AND: [W, { id: { gt: string } }] } {
  return after ? { AND: [where, { id: { gt: after } }] } : where;
}

/**
 * Orders the ERP still has to receive: pending, writing (a writer died mid-write; the writer looks the order up by
 * POReference before writing again), and failed once the cool-down has passed. Failed means the writer's
 * retries ran out on transient errors (ERP down for long): retrying once per cool-down heals an outage without
 * an operator and without hammering an ERP that is still down.
 */
function unfinishedOrders(now: Date, s: ReconcileSettings) {
  const failedBefore = new Date(now.getTime() - s.failedRetrySeconds * 1000);
  return {
    OR: [
      { erpState: { in: ['pending' as const, 'writing' as const] } },
      { erpState: 'failed' as const, updatedAt: { lt: failedBefore } },
    ],
  };
}

/** Re-enqueues write-order for every unfinished order without a live job. Returns the order ids. */
export async function reconcileOrders(db: Db, queues: Queues, now: Date, s: ReconcileSettings): Promise<string[]> {
  const where = unfinishedOrders(now, s);
  return keepLive({
    queues,
    key: 'writeOrder',
    page: (after) =>
      db.order.findMany({
        where: pageWhere(where, after),
        select: { id: true, contentHash: true },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
      }),
    wanted: (r) => ({ rowId: r.id, payload: { orderId: r.id, contentHash: r.contentHash } }),
    stillWanted: async (rows, ids) => {
      const hashById = new Map(rows.map((r) => [r.id, r.contentHash]));
      const again = await db.order.findMany({
        where: { AND: [where, { id: { in: ids } }] },
        select: { id: true, contentHash: true },
      });
      // A changed hash is a new job id, enqueued by whoever changed the order (or by the next sweep).
      return new Set(again.filter((r) => hashById.get(r.id) === r.contentHash).map((r) => r.id));
    },
    retryFailedBefore: new Date(now.getTime() - s.failedRetrySeconds * 1000),
  });
}

/**
 * Shipments not yet pushed: pending and pushing (a push died midway: the handler checks the platform first),
 * and awaiting_tracking every SCHEDULER_TRACKING_RECHECK_SECONDS (the job reads the number back).
 * Only for channels that are fetching (active, failing): paused, needs_reauth and deleted channels wait.
 */
export async function reconcileShipments(db: Db, queues: Queues, now: Date, s: ReconcileSettings): Promise<string[]> {
  const recheckBefore = new Date(now.getTime() - s.trackingRecheckSeconds * 1000);
  const where = {
    OR: [
      { state: { in: ['pending' as const, 'pushing' as const] } },
      { state: 'awaiting_tracking' as const, updatedAt: { lt: recheckBefore } },
    ],
    channel: { state: { in: ['active' as const, 'failing' as const] }, deletedAt: null, platform: { deletedAt: null } },
  };
  return keepLive({
    queues,
    key: 'pushShipment',
    page: (after) =>
      db.shipment.findMany({
        where: pageWhere(where, after),
        select: { id: true, channel: { select: { platform: { select: { kind: true } } } } },
        orderBy: { id: 'asc' },
        take: BATCH_SIZE,
      }),
    // On the queue of the shipment's platform.
    wanted: (r) => ({ rowId: r.id, payload: { shipmentId: r.id }, platform: r.channel.platform.kind }),
    stillWanted: async (_rows, ids) => {
      const again = await db.shipment.findMany({ where: { AND: [where, { id: { in: ids } }] }, select: { id: true } });
      return new Set(again.map((r) => r.id));
    },
    retryFailedBefore: new Date(now.getTime() - s.failedRetrySeconds * 1000),
  });
}

export interface ReleasedChannel {
  id: string;
  stage: string;
  stuckSeconds: number | null;
}

/**
 * Channels stuck mid-sync (a worker died while fetching or refreshing) go back to idle, with the reason in
 * lastError. The update only applies if the stage has not moved meanwhile, so a worker that just finished wins.
 */
export async function releaseStuckChannels(db: Db, now: Date, s: ReconcileSettings): Promise<ReleasedChannel[]> {
  const before = new Date(now.getTime() - s.stuckStageSeconds * 1000);
  const stuck = await db.channel.findMany({
    where: { stage: { not: 'idle' }, OR: [{ stageStartedAt: { lt: before } }, { stageStartedAt: null }] },
    select: { id: true, stage: true, stageStartedAt: true },
  });
  const released: ReleasedChannel[] = [];
  for (const c of stuck) {
    const stuckSeconds = c.stageStartedAt ? Math.round((now.getTime() - c.stageStartedAt.getTime()) / 1000) : null;
    const lastError =
      stuckSeconds === null
        ? `released: stuck in ${c.stage} with no start time`
        : `released after ${stuckSeconds} s stuck in ${c.stage}`;
    if (await channelState.releaseStuck(db, c, lastError, now))
      released.push({ id: c.id, stage: c.stage, stuckSeconds });
  }
  return released;
}
