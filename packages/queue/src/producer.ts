import { Job, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ALL_QUEUES,
  QUEUE_NAMES,
  platformQueue,
  jobs,
  scheduledJobOptions,
  type JobKey,
  type JobPayload,
  type QueueName,
} from './jobs';
import { type PlatformKind } from '@oms/core';

/** Where a job goes: platform jobs name the platform whose queue carries them. */
export interface JobWhere {
  platform?: PlatformKind;
  options?: JobsOptions;
}

/** A job that should be live for a database row (see Queues.ensureLive). */
export interface WantedJob<K extends JobKey> {
  /** The row the job is about (order id, shipment id). */
  rowId: string;
  payload: JobPayload<K>;
  platform?: PlatformKind;
}

/** States in which a job is still going to run: such a job is never doubled. */
const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** The queues of one OMS install, sharing one connection. */
export class Queues {
  private readonly byName = new Map<QueueName, Queue>();

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    for (const name of ALL_QUEUES) this.byName.set(name, new Queue(name, { connection, prefix }));
  }

  get(name: QueueName): Queue {
    return this.byName.get(name)!;
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }

  /** The queue a job of `key` runs on: the ERP queue, or the queue of the platform named. */
  queueOf(key: JobKey, platform?: PlatformKind): QueueName {
    const def = jobs[key];
    if (def.target === 'erp') return QUEUE_NAMES.erp;
    return platformQueue(platform ?? missingPlatform(def.name));
  }

  /** The validated payload and the deterministic id of a job of `key`. */
  private prepare<K extends JobKey>(key: K, payload: JobPayload<K>): { data: JobPayload<K>; jobId?: string } {
    const def = jobs[key];
    const data = def.schema.parse(payload) as JobPayload<K>;
    const jobId = def.jobId ? (def.jobId as (p: JobPayload<K>) => string)(data) : undefined;
    return { data, jobId };
  }

  /**
   * Adds a job by its definition: the payload is validated, the default options and the deterministic id
   * applied. Platform jobs name the platform whose queue they go to.
   */
  async add<K extends JobKey>(key: K, payload: JobPayload<K>, where: JobWhere = {}) {
    const def = jobs[key];
    const { data, jobId } = this.prepare(key, payload);
    return this.get(this.queueOf(key, where.platform)).add(def.name, data, {
      ...def.options,
      ...(jobId ? { jobId } : {}),
      ...where.options,
    });
  }

  /**
   * Adds a job even when a finished one with the same deterministic id is still kept (completed jobs are
   * retained for inspection, and BullMQ ignores an add whose id exists): the finished one is removed first.
   * A live one (waiting, active, delayed) is left alone and returned.
   */
  async addFresh<K extends JobKey>(
    key: K,
    payload: JobPayload<K>,
    where: JobWhere = {},
  ): Promise<{ jobId: string | undefined; state: string }> {
    const { data, jobId } = this.prepare(key, payload);
    if (jobId) {
      const existing = await this.get(this.queueOf(key, where.platform)).getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') return { jobId, state };
        await existing.remove();
      }
    }
    const job = await this.add(key, data, where);
    return { jobId: job.id, state: 'queued' };
  }

  /**
   * Creates or updates the Job Scheduler `id`: a job of `key` with this payload every `everyMs`, with the
   * definition's default options (the scheduler makes its own job ids). Idempotent: every replica may call it.
   */
  async schedule<K extends JobKey>(
    key: K,
    everyMs: number,
    payload: JobPayload<K>,
    where: { id: string; platform?: PlatformKind },
  ): Promise<void> {
    const def = jobs[key];
    const data = def.schema.parse(payload) as JobPayload<K>;
    await this.get(this.queueOf(key, where.platform)).upsertJobScheduler(
      where.id,
      { every: everyMs },
      { name: def.name, data, opts: scheduledJobOptions(key) },
    );
  }

  /**
   * Removes the Job Scheduler `id` of a queue, and its next job. BullMQ removes that job only while it is
   * delayed; one already due (waiting) would still run once. Its id is BullMQ's `repeat:<scheduler id>:<next
   * millis>`, `next` as the scheduler reported it. An active job cannot be removed and simply finishes.
   */
  async unschedule(queueName: QueueName, id: string, next?: number): Promise<void> {
    const queue = this.get(queueName);
    await queue.removeJobScheduler(id);
    if (next) await queue.remove(`repeat:${id}:${next}`).catch(() => 0);
  }

  /**
   * Makes sure each wanted job of `key` is live, to re-add work that was lost (Redis lost its data, a job
   * completed without moving its row on, retries ran out). A live job with the same deterministic id is left
   * alone; a failed one is retried with fresh attempts (adding would silently do nothing: the id is taken) once
   * it failed before `retryFailedBefore` (a cool-down, so that a job failing at once is not retried on every
   * call); a completed one is removed and added again.
   * Before touching anything, `stillWanted` re-reads the database: a job that completed between the caller's
   * query and the state check has already moved its row on (handlers write the row before they return), so it
   * is skipped. Returns the row ids whose job was retried or added.
   */
  async ensureLive<K extends JobKey>(
    key: K,
    wanted: WantedJob<K>[],
    stillWanted: (rowIds: string[]) => Promise<Set<string>>,
    retryFailedBefore: Date,
  ): Promise<string[]> {
    if (wanted.length === 0) return [];
    const def = jobs[key];
    if (!def.jobId) throw new Error(`job ${def.name} has no deterministic id: it cannot be kept live`);
    const all = wanted.map((w) => {
      const { data, jobId } = this.prepare(key, w.payload);
      return { rowId: w.rowId, data, jobId: jobId!, queue: this.get(this.queueOf(key, w.platform)) };
    });
    // One Lua call per job, all sent at once on the connection (pipelined), not one round trip each.
    const states = await Promise.all(all.map((w) => w.queue.getJobState(w.jobId)));
    const notLive = all.map((w, i) => ({ w, state: states[i]! })).filter(({ state }) => !LIVE.has(state));
    if (notLive.length === 0) return [];
    const confirmed = await stillWanted(notLive.map(({ w }) => w.rowId));

    const toAdd = new Map<Queue, typeof all>();
    const done: string[] = [];
    for (const { w, state } of notLive) {
      if (!confirmed.has(w.rowId)) continue;
      let add = true;
      if (state === 'failed') {
        const job = await Job.fromId(w.queue, w.jobId);
        if (job && (job.finishedOn ?? 0) > retryFailedBefore.getTime()) continue;
        // A fresh set of attempts: the reason it failed (ERP down, platform down) may be gone by now.
        const retried = await job
          ?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
          .then(() => true)
          .catch(() => false); // it moved on meanwhile (retried by someone else): the next call looks again
        if (retried) done.push(w.rowId);
        add = !job;
      } else if (state === 'completed') {
        await (await Job.fromId(w.queue, w.jobId))?.remove().catch(() => undefined);
      }
      if (add) toAdd.set(w.queue, [...(toAdd.get(w.queue) ?? []), w]);
    }
    for (const [queue, list] of toAdd) {
      await queue.addBulk(
        list.map((w) => ({ name: def.name, data: w.data, opts: { ...def.options, jobId: w.jobId } })),
      );
      done.push(...list.map((w) => w.rowId));
    }
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

function missingPlatform(job: string): never {
  throw new Error(`job ${job} runs on a platform queue: name the platform`);
}
