// Shared set-up of the scheduler tests: a database, a Redis prefix (or a private Redis), and schedulers on them.
import { Queues, createRedis, ALL_QUEUES, type QueueName } from '@oms/queue';
import type { Db } from '@oms/db';
import type { Logger } from '@oms/logger';
import { createLogger } from '@oms/logger';
import { Scheduler, type SchedulerSettings } from '@oms/scheduling';

export const SETTINGS: SchedulerSettings = {
  sweepMs: 600_000, // tests sweep by hand; events still apply at once
  minIntervalSeconds: 60,
  refreshMarginSeconds: 1800,
  failedRetrySeconds: 3600,
  trackingRecheckSeconds: 900,
  stuckStageSeconds: 900,
};

export interface Instance {
  queues: Queues;
  scheduler: Scheduler;
  close(): Promise<void>;
}

/** One scheduler with connections of its own, as a separate process would have. */
export function makeInstance(
  db: Db,
  redisUrl: string,
  prefix: string,
  opts: { log?: Logger; useLock?: boolean; settings?: Partial<SchedulerSettings> } = {},
): Instance {
  const redis = createRedis(redisUrl, 'producer');
  const queues = new Queues(redis, prefix);
  const log = opts.log ?? createLogger({ service: 'scheduler-test', level: 'silent' });
  const scheduler = new Scheduler({
    db,
    queues,
    log,
    settings: { ...SETTINGS, ...opts.settings },
    useLock: opts.useLock,
  });
  return {
    queues,
    scheduler,
    close: async () => {
      await scheduler.stop();
      await queues.close();
      redis.disconnect();
    },
  };
}

/** Every scheduler on every queue, as comparable plain data. */
export async function allSchedules(queues: Queues) {
  const out: { queue: QueueName; id: string; name: string; every: number | undefined; data: unknown }[] = [];
  for (const queue of ALL_QUEUES) {
    for (const s of await queues.get(queue).getJobSchedulers())
      out.push({ queue, id: s.key, name: s.name, every: s.every, data: s.template?.data });
  }
  return out.sort((a, b) => (a.queue + a.id).localeCompare(b.queue + b.id));
}

/** The jobs not yet finished on a queue (waiting, delayed, active, prioritized, failed too), by id. */
export async function pendingJobs(queues: Queues, queue: QueueName) {
  const list = await queues.get(queue).getJobs(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
  return list.filter(Boolean).map((j) => ({ id: j.id!, name: j.name, data: j.data as Record<string, unknown> }));
}
