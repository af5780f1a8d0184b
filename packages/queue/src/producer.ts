import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ALL_QUEUES, QUEUE_NAMES, platformQueue, jobs, type JobKey, type JobPayload, type QueueName } from './jobs';
import { type PlatformKind } from '@oms/core';

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

  /**
   * Adds a job by its definition: the payload is validated, the default options and the deterministic id
   * applied. Platform jobs name the platform whose queue they go to.
   */
  async add<K extends JobKey>(
    key: K,
    payload: JobPayload<K>,
    where: { platform?: PlatformKind; options?: JobsOptions } = {},
  ) {
    const def = jobs[key];
    const data = def.schema.parse(payload) as JobPayload<K>;
    let queue: QueueName;
    if (def.target === 'erp') queue = QUEUE_NAMES.erp;
    else if (where.platform) queue = platformQueue(where.platform);
    else missingPlatform(def.name);
    const jobId = def.jobId ? (def.jobId as (p: JobPayload<K>) => string)(data) : undefined;
    return this.get(queue).add(def.name, data, { ...def.options, ...(jobId ? { jobId } : {}), ...where.options });
  }

  /**
   * Adds a job even when a finished one with the same deterministic id is still kept (completed jobs are
   * retained for inspection, and BullMQ ignores an add whose id exists): the finished one is removed first.
   * A live one (waiting, active, delayed) is left alone and returned.
   */
  async addFresh<K extends JobKey>(
    key: K,
    payload: JobPayload<K>,
    where: { platform?: PlatformKind; options?: JobsOptions } = {},
  ): Promise<{ jobId: string | undefined; state: string }> {
    const def = jobs[key];
    const data = def.schema.parse(payload) as JobPayload<K>;
    const jobId = def.jobId ? (def.jobId as (p: JobPayload<K>) => string)(data) : undefined;
    if (jobId) {
      const queue = this.get(
        def.target === 'erp' ? QUEUE_NAMES.erp : platformQueue(where.platform ?? missingPlatform(def.name)),
      );
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') return { jobId, state };
        await existing.remove();
      }
    }
    const job = await this.add(key, data, where);
    return { jobId: job.id, state: 'queued' };
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

function missingPlatform(job: string): never {
  throw new Error(`job ${job} runs on a platform queue: name the platform`);
}
