import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ALL_QUEUES, QUEUE_NAMES, platformQueue, jobs, type JobKey, type JobPayload, type PlatformKindName, type QueueName } from './jobs';

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
    where: { platform?: PlatformKindName; options?: JobsOptions } = {},
  ) {
    const def = jobs[key];
    const data = def.schema.parse(payload) as JobPayload<K>;
    let queue: QueueName;
    if (def.target === 'erp') queue = QUEUE_NAMES.erp;
    else if (where.platform) queue = platformQueue(where.platform);
    else throw new Error(`job ${def.name} runs on a platform queue: name the platform`);
    const jobId = def.jobId ? (def.jobId as (p: JobPayload<K>) => string)(data) : undefined;
    return this.get(queue).add(def.name, data, { ...def.options, ...(jobId ? { jobId } : {}), ...where.options });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
