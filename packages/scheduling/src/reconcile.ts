// The reconciler: the database is the outbox (architecture, invariant 1). Whatever it says is unfinished gets a
// live job again; nothing here trusts Redis to still hold anything.
import { Job, type Queue } from 'bullmq';
import type { Db } from '@oms/db';
import { QUEUE_NAMES, jobs, platformQueue, type QueueName, type Queues } from '@oms/queue';

/** Rows read and checked per round trip: bounded memory and query size with tens of thousands of orders. */
export const BATCH_SIZE = 1000;

/** States in which a job is still going to run: such a job is never doubled. */
const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface WantedJob {
  /** The row the job is about (order id, shipment id). */
  rowId: string;
  jobId: string;
  name: string;
  data: Record<string, unknown>;
  opts: Record<string, unknown>;
}

/**
 * Makes sure each wanted job is live on its queue. A job with the same id that is live is left alone; a failed
 * one is retried (adding would silently do nothing: the id is taken) once it failed before `retryFailedBefore`
 * (a cool-down, so that a job failing at once is not retried on every sweep); a completed one is removed and
 * added again.
 * Before touching anything, `stillWanted` re-reads the database: a job that completed between our query and
 * the state check has already moved its row on (handlers write the row before they return), so it is skipped.
 * Returns the row ids that were re-enqueued.
 */
export async function ensureLive(
  queue: Queue,
  wanted: WantedJob[],
  stillWanted: (rowIds: string[]) => Promise<Set<string>>,
  retryFailedBefore: Date,
): Promise<string[]> {
  if (wanted.length === 0) return [];
  // One Lua call per job, all sent at once on the connection (pipelined), not one round trip each.
  const states = await Promise.all(wanted.map((w) => queue.getJobState(w.jobId)));
  const notLive = wanted.map((w, i) => ({ w, state: states[i]! })).filter(({ state }) => !LIVE.has(state));
  if (notLive.length === 0) return [];
  const confirmed = await stillWanted(notLive.map(({ w }) => w.rowId));
  const todo = notLive.filter(({ w }) => confirmed.has(w.rowId));

  const toAdd: WantedJob[] = [];
  const done: string[] = [];
  for (const { w, state } of todo) {
    if (state === 'failed') {
      const job = await Job.fromId(queue, w.jobId);
      if (job && (job.finishedOn ?? 0) > retryFailedBefore.getTime()) continue;
      // A fresh set of attempts: the reason it failed (ERP down, platform down) may be gone by now.
      const retried = await job
        ?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
        .then(() => true)
        .catch(() => false); // it moved on meanwhile (retried by someone else): next sweep looks again
      if (retried) done.push(w.rowId);
      else if (!job) toAdd.push(w);
    } else {
      if (state === 'completed') await (await Job.fromId(queue, w.jobId))?.remove().catch(() => undefined);
      toAdd.push(w);
    }
  }
  if (toAdd.length) {
    await queue.addBulk(toAdd.map((w) => ({ name: w.name, data: w.data, opts: { ...w.opts, jobId: w.jobId } })));
    done.push(...toAdd.map((w) => w.rowId));
  }
  return done;
}

export interface ReconcileSettings {
  /** SCHEDULER_FAILED_RETRY_SECONDS */
  failedRetrySeconds: number;
  /** SCHEDULER_TRACKING_RECHECK_SECONDS */
  trackingRecheckSeconds: number;
  /** STUCK_STAGE_SECONDS */
  stuckStageSeconds: number;
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
  const queue = queues.get(QUEUE_NAMES.erp);
  const where = unfinishedOrders(now, s);
  const retryFailedBefore = new Date(now.getTime() - s.failedRetrySeconds * 1000);
  const def = jobs.writeOrder;
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await db.order.findMany({
      where: after ? { AND: [where, { id: { gt: after } }] } : where,
      select: { id: true, contentHash: true },
      orderBy: { id: 'asc' },
      take: BATCH_SIZE,
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const hashById = new Map(rows.map((r) => [r.id, r.contentHash]));
    const wanted = rows.map((r) => {
      const data = def.schema.parse({ orderId: r.id, contentHash: r.contentHash });
      return {
        rowId: r.id,
        jobId: def.jobId!(data),
        name: def.name,
        data,
        opts: def.options as Record<string, unknown>,
      };
    });
    const done = await ensureLive(
      queue,
      wanted,
      async (ids) => {
        const again = await db.order.findMany({
          where: { AND: [where, { id: { in: ids } }] },
          select: { id: true, contentHash: true },
        });
        // A changed hash is a new job id, enqueued by whoever changed the order (or by the next sweep).
        return new Set(again.filter((r) => hashById.get(r.id) === r.contentHash).map((r) => r.id));
      },
      retryFailedBefore,
    );
    out.push(...done);
    if (rows.length < BATCH_SIZE) break;
  }
  return out;
}

/**
 * Shipments not yet pushed: pending and pushing (a push died midway: the handler checks the platform first),
 * and awaiting_tracking every SCHEDULER_TRACKING_RECHECK_SECONDS (the job reads the number back).
 * Only for channels that are fetching (active, failing): paused, needs_reauth and deleted channels wait.
 */
export async function reconcileShipments(db: Db, queues: Queues, now: Date, s: ReconcileSettings): Promise<string[]> {
  const recheckBefore = new Date(now.getTime() - s.trackingRecheckSeconds * 1000);
  const retryFailedBefore = new Date(now.getTime() - s.failedRetrySeconds * 1000);
  const where = {
    OR: [
      { state: { in: ['pending' as const, 'pushing' as const] } },
      { state: 'awaiting_tracking' as const, updatedAt: { lt: recheckBefore } },
    ],
    channel: { state: { in: ['active' as const, 'failing' as const] }, deletedAt: null, platform: { deletedAt: null } },
  };
  const def = jobs.pushShipment;
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await db.shipment.findMany({
      where: after ? { AND: [where, { id: { gt: after } }] } : where,
      select: { id: true, channel: { select: { platform: { select: { kind: true } } } } },
      orderBy: { id: 'asc' },
      take: BATCH_SIZE,
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const byQueue = new Map<QueueName, WantedJob[]>();
    for (const r of rows) {
      const data = def.schema.parse({ shipmentId: r.id });
      const queueName = platformQueue(r.channel.platform.kind);
      const list = byQueue.get(queueName) ?? [];
      list.push({
        rowId: r.id,
        jobId: def.jobId!(data),
        name: def.name,
        data,
        opts: def.options as Record<string, unknown>,
      });
      byQueue.set(queueName, list);
    }
    for (const [queueName, wanted] of byQueue) {
      const done = await ensureLive(
        queues.get(queueName),
        wanted,
        async (ids) => {
          const again = await db.shipment.findMany({
            where: { AND: [where, { id: { in: ids } }] },
            select: { id: true },
          });
          return new Set(again.map((r) => r.id));
        },
        retryFailedBefore,
      );
      out.push(...done);
    }
    if (rows.length < BATCH_SIZE) break;
  }
  return out;
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
    const { count } = await db.channel.updateMany({
      where: { id: c.id, stage: c.stage, stageStartedAt: c.stageStartedAt },
      data: { stage: 'idle', stageStartedAt: null, lastError, lastErrorAt: now },
    });
    if (count === 1) released.push({ id: c.id, stage: c.stage, stuckSeconds });
  }
  return released;
}
