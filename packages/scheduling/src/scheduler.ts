// The scheduler: keeps the Job Schedulers in step with oms_channel (on change events, and on every sweep),
// and runs the reconciler on every sweep. Any number of replicas may run: upserts are idempotent, job ids are
// deterministic, and a short Redis lock lets one replica sweep at a time.
import type { Config } from '@oms/config';
import type { Db } from '@oms/db';
import type { Logger } from '@oms/logger';
import { QUEUE_NAMES, platformQueue, type QueueName, type Queues } from '@oms/queue';
import { PLATFORM_KINDS } from '@oms/core';
import { subscribeChannelChanges, type ChannelSubscription } from './events';
import { RedisLock } from './lock';
import {
  reconcileOrders,
  reconcileShipments,
  releaseStuckChannels,
  type ReconcileSettings,
  type ReleasedChannel,
} from './reconcile';
import {
  desiredForChannel,
  getOrdersSchedulerId,
  planSchedules,
  refreshTokenSchedulerId,
  type ChannelRow,
  type DesiredSchedule,
  type ExistingSchedule,
  type ScheduleSettings,
} from './schedules';

export interface SchedulerSettings extends ScheduleSettings, ReconcileSettings {
  /** SCHEDULER_SWEEP_MS */
  sweepMs: number;
}

export function schedulerSettings(config: Config): SchedulerSettings {
  return {
    sweepMs: config.SCHEDULER_SWEEP_MS,
    minIntervalSeconds: config.SYNC_MIN_INTERVAL_SECONDS,
    refreshMarginSeconds: config.TOKEN_REFRESH_MARGIN_SECONDS,
    failedRetrySeconds: config.SCHEDULER_FAILED_RETRY_SECONDS,
    trackingRecheckSeconds: config.SCHEDULER_TRACKING_RECHECK_SECONDS,
    stuckStageSeconds: config.STUCK_STAGE_SECONDS,
  };
}

export interface ScheduleChanges {
  added: string[];
  updated: string[];
  removed: string[];
}

export interface SweepChanges {
  schedules: ScheduleChanges;
  ordersReenqueued: string[];
  shipmentsReenqueued: string[];
  channelsReleased: ReleasedChannel[];
  /**
   * The ERP queue's global concurrency was gone (Redis lost its data) and was set back to 1 (invariant 3 in
   * docs/ARCHITECTURE.md: writes into iDempiere are serialized).
   */
  erpConcurrencyRestored: boolean;
}

export interface SchedulerOptions {
  db: Db;
  queues: Queues;
  log: Logger;
  settings: SchedulerSettings;
  /** Take the Redis sweep lock (default true). */
  useLock?: boolean;
}

/**
 * The concurrency of erp-orders across all erp-writer replicas: writes into iDempiere are serialized (invariant 3
 * in docs/ARCHITECTURE.md).
 */
const ERP_GLOBAL_CONCURRENCY = 1;
const SAMPLE = 20;

const channelSelect = {
  id: true,
  state: true,
  deletedAt: true,
  syncIntervalSeconds: true,
  accessTokenEnc: true,
  refreshTokenEnc: true,
  accessTokenExpiresAt: true,
  refreshTokenExpiresAt: true,
  platform: { select: { kind: true, apiVersion: true, deletedAt: true } },
} as const;

export class Scheduler {
  private readonly db: Db;
  private readonly queues: Queues;
  private readonly log: Logger;
  private readonly settings: SchedulerSettings;
  private readonly lock: RedisLock | null;
  private subscription: ChannelSubscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Sweeps and channel syncs run one after the other inside a process. */
  private chain: Promise<unknown> = Promise.resolve();
  lastSweepAt: Date | null = null;

  constructor(opts: SchedulerOptions) {
    this.db = opts.db;
    this.queues = opts.queues;
    this.log = opts.log;
    this.settings = opts.settings;
    const lockTtl = Math.max(30_000, opts.settings.sweepMs);
    this.lock =
      opts.useLock === false
        ? null
        : new RedisLock(opts.queues.connection, `${opts.queues.prefix}:scheduler:sweep-lock`, lockTtl);
  }

  /** Subscribes to change events and starts sweeping (the first sweep right away). */
  async start(): Promise<void> {
    this.stopped = false;
    this.subscription = await subscribeChannelChanges(this.queues.connection, this.queues.prefix, (channelId) => {
      void this.syncChannel(channelId).catch((err) =>
        this.log.warn({ err, channelId }, 'channel change not applied; the next sweep will'),
      );
    });
    const loop = async () => {
      if (this.stopped) return;
      await this.sweep().catch((err) => this.log.error({ err }, 'sweep failed; trying again next time'));
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.settings.sweepMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.subscription?.close();
    this.subscription = null;
    await this.chain.catch(() => undefined);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * One pass: schedules follow the channel table, then the reconciler. Logs one line listing what it changed,
   * nothing when nothing changed. Returns null when another replica holds the sweep lock.
   */
  sweep(now: Date = new Date()): Promise<SweepChanges | null> {
    return this.exclusive(async () => {
      if (this.lock && !(await this.lock.tryAcquire())) return null;
      const changes: SweepChanges = {
        schedules: { added: [], updated: [], removed: [] },
        erpConcurrencyRestored: false,
        ordersReenqueued: [],
        channelsReleased: [],
        shipmentsReenqueued: [],
      };
      try {
        changes.schedules = await this.syncAllSchedules();
        changes.erpConcurrencyRestored = await this.ensureErpConcurrency();
        changes.ordersReenqueued = await reconcileOrders(this.db, this.queues, now, this.settings);
        changes.channelsReleased = await releaseStuckChannels(this.db, now, this.settings);
        changes.shipmentsReenqueued = await reconcileShipments(this.db, this.queues, now, this.settings);
        this.lastSweepAt = new Date();
        return changes;
      } finally {
        // Also when a step failed: what the steps before it changed is reported.
        this.logSweep(changes);
        await this.lock?.release().catch(() => undefined);
      }
    });
  }

  /**
   * Brings one channel's schedules in step with its row (called on a change event). Every replica receives the
   * event: a per-channel lock makes them apply it one after the other, so the second finds nothing left to do.
   */
  syncChannel(channelId: string): Promise<ScheduleChanges> {
    return this.exclusive(async () => {
      const lock = this.lock
        ? new RedisLock(this.queues.connection, `${this.queues.prefix}:scheduler:channel-lock:${channelId}`, 10_000)
        : null;
      // If the lock is not free within 5 s, go ahead anyway: applying twice is harmless (idempotent upserts).
      const locked = lock ? await lock.acquire(5_000) : false;
      try {
        return await this.applyChannel(channelId);
      } finally {
        if (locked) await lock!.release().catch(() => undefined);
      }
    });
  }

  private async applyChannel(channelId: string): Promise<ScheduleChanges> {
    const row = await this.db.channel.findUnique({ where: { id: channelId }, select: channelSelect });
    const desired = row ? desiredForChannel(row as ChannelRow, this.settings) : [];
    const ids = [getOrdersSchedulerId(channelId), refreshTokenSchedulerId(channelId)];
    const existing: ExistingSchedule[] = [];
    for (const queue of platformQueues()) {
      for (const id of ids) {
        const json = await this.queues.get(queue).getJobScheduler(id);
        if (json) existing.push({ id, queue, json });
      }
    }
    const changes = await this.apply(desired, existing, new Set([channelId]));
    if (changed(changes))
      this.log.info({ channelId, ...nonEmpty(changes) }, `channel ${channelId} changed: ${describeSchedules(changes)}`);
    return changes;
  }

  private async syncAllSchedules(): Promise<ScheduleChanges> {
    const rows = await this.db.channel.findMany({
      where: { deletedAt: null, state: { in: ['active', 'failing'] }, platform: { deletedAt: null } },
      select: channelSelect,
    });
    const desired = rows.flatMap((r) => desiredForChannel(r as ChannelRow, this.settings));
    const existing: ExistingSchedule[] = [];
    for (const queue of platformQueues()) {
      for (const json of await this.queues.get(queue).getJobSchedulers()) existing.push({ id: json.key, queue, json });
    }
    return this.apply(desired, existing);
  }

  private async apply(
    desired: DesiredSchedule[],
    existing: ExistingSchedule[],
    scope?: Set<string>,
  ): Promise<ScheduleChanges> {
    const plan = planSchedules(desired, existing, scope);
    for (const d of [...plan.add, ...plan.update])
      await this.queues.schedule(d.job, d.everyMs, { channelId: d.channelId }, { id: d.id, platform: d.platform });
    // A paused channel's next fetch, already due, must not run once more: its next job goes too.
    for (const e of plan.remove) await this.queues.unschedule(e.queue, e.id, e.json.next);
    return {
      added: plan.add.map((d) => d.id),
      updated: plan.update.map((d) => d.id),
      removed: plan.remove.map((e) => e.id),
    };
  }

  private async ensureErpConcurrency(): Promise<boolean> {
    const erp = this.queues.get(QUEUE_NAMES.erp);
    if ((await erp.getGlobalConcurrency()) !== null) return false;
    await erp.setGlobalConcurrency(ERP_GLOBAL_CONCURRENCY);
    return true;
  }

  private logSweep(c: SweepChanges): void {
    const parts: string[] = [];
    const s = describeSchedules(c.schedules);
    if (s) parts.push(s);
    if (c.erpConcurrencyRestored) parts.push(`erp-orders global concurrency restored to ${ERP_GLOBAL_CONCURRENCY}`);
    if (c.ordersReenqueued.length) parts.push(`${c.ordersReenqueued.length} orders re-enqueued`);
    if (c.channelsReleased.length) parts.push(`${c.channelsReleased.length} stuck channels released`);
    if (c.shipmentsReenqueued.length) parts.push(`${c.shipmentsReenqueued.length} shipments re-enqueued`);
    if (parts.length === 0) return;
    this.log.info(
      {
        ...nonEmpty(c.schedules, 'schedules'),
        ...(c.erpConcurrencyRestored ? { erpConcurrencyRestored: true } : {}),
        ...(c.ordersReenqueued.length
          ? { ordersReenqueued: c.ordersReenqueued.length, orderIds: c.ordersReenqueued.slice(0, SAMPLE) }
          : {}),
        ...(c.channelsReleased.length ? { channelsReleased: c.channelsReleased } : {}),
        ...(c.shipmentsReenqueued.length
          ? { shipmentsReenqueued: c.shipmentsReenqueued.length, shipmentIds: c.shipmentsReenqueued.slice(0, SAMPLE) }
          : {}),
      },
      `sweep: ${parts.join('; ')}`,
    );
  }
}

function platformQueues(): QueueName[] {
  return PLATFORM_KINDS.map((k) => platformQueue(k));
}

function changed(c: ScheduleChanges): boolean {
  return c.added.length + c.updated.length + c.removed.length > 0;
}

function describeSchedules(c: ScheduleChanges): string {
  const parts: string[] = [];
  if (c.added.length) parts.push(`${c.added.length} schedules added`);
  if (c.updated.length) parts.push(`${c.updated.length} schedules updated`);
  if (c.removed.length) parts.push(`${c.removed.length} schedules removed`);
  return parts.join(', ');
}

/** The non-empty lists of a ScheduleChanges, as log fields (schedulesAdded, ...); long lists are cut (the message has the counts). */
function nonEmpty(c: ScheduleChanges, prefix = 'schedules'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (c.added.length) out[`${prefix}Added`] = c.added.slice(0, 50);
  if (c.updated.length) out[`${prefix}Updated`] = c.updated.slice(0, 50);
  if (c.removed.length) out[`${prefix}Removed`] = c.removed.slice(0, 50);
  return out;
}
