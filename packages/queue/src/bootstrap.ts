// The one way a service starts: it registers a handler per job of each queue it consumes, and this refuses
// to start when a job has no handler or two. It also owns health, metrics and graceful shutdown.
import { Worker, UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@oms/logger';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { findJob, jobs, jobsForQueue, type JobKey, type JobPayload, type QueueName } from './jobs';
import { createRedis } from './connection';
import { startHealthServer, type HealthServer } from './health';

export interface JobContext<K extends JobKey> {
  job: Job;
  payload: JobPayload<K>;
  log: Logger;
  worker: Worker;
  token?: string;
  signal?: AbortSignal;
}

export interface RegisteredHandler {
  key: JobKey;
  name: string;
  run: (ctx: JobContext<JobKey>) => Promise<unknown>;
}

/** Pairs a job definition with the function that does it. */
export function handle<K extends JobKey>(key: K, run: (ctx: JobContext<K>) => Promise<unknown>): RegisteredHandler {
  return { key, name: jobs[key].name, run: run as unknown as RegisteredHandler['run'] };
}

export interface Consumer {
  queue: QueueName;
  handlers: RegisteredHandler[];
  concurrency: number;
  /** The platform's documented rate, shared by every worker of the queue. */
  limiter?: { max: number; duration: number };
  /** Jobs running at once across all workers of the queue (1 for the ERP writer). */
  globalConcurrency?: number;
  workerOptions?: Partial<WorkerOptions>;
}

/** Throws unless every job of each queue has exactly one handler, and no handler is for a foreign job. */
export function checkHandlers(consumers: Pick<Consumer, 'queue' | 'handlers'>[]): void {
  const problems: string[] = [];
  for (const c of consumers) {
    const expected: string[] = jobsForQueue(c.queue).map((j) => j.name);
    for (const name of expected) {
      const count = c.handlers.filter((h) => h.name === name).length;
      if (count === 0) problems.push(`queue ${c.queue}: job "${name}" has no handler`);
      if (count > 1) problems.push(`queue ${c.queue}: job "${name}" has ${count} handlers`);
    }
    for (const h of c.handlers) {
      if (!expected.includes(h.name))
        problems.push(`queue ${c.queue}: handler for "${h.name}", which this queue does not carry`);
    }
  }
  if (problems.length) throw new Error(`refusing to start:\n  ${problems.join('\n  ')}`);
}

export interface ServiceSpec {
  name: string;
  log: Logger;
  redisUrl: string;
  queuePrefix: string;
  healthPort: number;
  shutdownTimeoutMs: number;
  consumers?: Consumer[];
  /** Extra readiness checks (database, upstream); each returns a problem or null. */
  readiness?: (() => Promise<string | null>)[];
  /** Long-running parts that are not BullMQ workers (loops, HTTP servers). Started after the workers. */
  background?: { name: string; start: () => Promise<void> | void; stop: () => Promise<void> | void }[];
  /** Closed last (database clients, shared Redis connections). */
  closers?: (() => Promise<unknown>)[];
  /** Metrics registry to serve on /metrics; a new one with process metrics when absent. */
  registry?: Registry;
  /** Exit the process after shutdown (false in tests that run a service in-process). */
  exitProcess?: boolean;
}

export interface RunningService {
  workers: Worker[];
  health: HealthServer;
  stop: (reason?: string) => Promise<void>;
}

export async function runService(spec: ServiceSpec): Promise<RunningService> {
  const consumers = spec.consumers ?? [];
  checkHandlers(consumers);
  const log = spec.log;
  let stopping = false;
  const registry = spec.registry ?? new Registry();
  if (!spec.registry) collectDefaultMetrics({ register: registry });
  const done = new Counter({
    name: 'oms_jobs_total',
    help: 'Jobs finished, by queue, job and outcome',
    labelNames: ['queue', 'job', 'outcome'],
    registers: [registry],
  });
  const took = new Histogram({
    name: 'oms_job_duration_seconds',
    help: 'Job run time',
    labelNames: ['queue', 'job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });

  const connections: Redis[] = [];
  const workers: Worker[] = [];
  for (const c of consumers) {
    const byName = new Map(c.handlers.map((h) => [h.name, h]));
    const connection = createRedis(spec.redisUrl, 'worker');
    connections.push(connection);
    const worker: Worker = new Worker(
      c.queue,
      async (job: Job, token?: string, signal?: AbortSignal) => {
        const handler = byName.get(job.name);
        const def = findJob(job.name);
        if (!handler || !def) throw new UnrecoverableError(`no handler for job "${job.name}" on ${c.queue}`);
        const parsed = def.schema.safeParse(job.data);
        if (!parsed.success) {
          const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
          throw new UnrecoverableError(`invalid ${job.name} payload: ${why}`);
        }
        const end = took.startTimer({ queue: c.queue, job: job.name });
        try {
          return await handler.run({
            job,
            payload: parsed.data as never,
            log: log.child({ queue: c.queue, job: job.name, jobId: job.id }),
            worker,
            token,
            signal,
          });
        } finally {
          end();
        }
      },
      {
        connection,
        prefix: spec.queuePrefix,
        concurrency: c.concurrency,
        ...(c.limiter ? { limiter: c.limiter } : {}),
        autorun: false,
        ...c.workerOptions,
      },
    );
    worker.on('completed', (job) => done.inc({ queue: c.queue, job: job.name, outcome: 'completed' }));
    worker.on('failed', (job, err) => {
      done.inc({ queue: c.queue, job: job?.name ?? 'unknown', outcome: 'failed' });
      log.warn({ queue: c.queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err }, 'job failed');
    });
    worker.on('error', (err) => log.error({ queue: c.queue, err }, 'worker error'));
    if (c.globalConcurrency !== undefined) {
      const { Queue } = await import('bullmq');
      const q = new Queue(c.queue, { connection, prefix: spec.queuePrefix });
      await q.setGlobalConcurrency(c.globalConcurrency);
      await q.close();
    }
    workers.push(worker);
  }

  const health = await startHealthServer({
    port: spec.healthPort,
    registry,
    live: () => true,
    ready: async () => {
      if (stopping) return ['shutting down'];
      const problems: string[] = [];
      for (const conn of connections) if (conn.status !== 'ready') problems.push(`redis ${conn.status}`);
      for (const w of workers) if (!w.isRunning()) problems.push(`worker ${w.name} not running`);
      for (const check of spec.readiness ?? []) {
        const p = await check().catch((e: Error) => e.message);
        if (p) problems.push(p);
      }
      return problems;
    },
  });

  for (const w of workers) void w.run().catch((err) => log.error({ err, queue: w.name }, 'worker stopped'));
  for (const b of spec.background ?? []) await b.start();
  log.info({ service: spec.name, queues: consumers.map((c) => c.queue), healthPort: health.port }, 'started');

  let stopped: Promise<void> | undefined;
  const stop = (reason = 'stop') => {
    stopped ??= (async () => {
      stopping = true;
      log.info({ reason, deadlineMs: spec.shutdownTimeoutMs }, 'shutting down');
      const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), spec.shutdownTimeoutMs).unref());
      const graceful = (async () => {
        for (const b of [...(spec.background ?? [])].reverse()) await b.stop();
        await Promise.all(workers.map((w) => w.close()));
        return 'ok' as const;
      })();
      const outcome = await Promise.race([graceful, deadline]);
      if (outcome === 'late') {
        log.warn(
          'shutdown deadline passed: closing workers now; their active jobs return to the queue when their locks expire',
        );
        await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      }
      for (const close of spec.closers ?? []) await close().catch((err) => log.warn({ err }, 'closing failed'));
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      await health.close();
      log.info({ outcome }, 'stopped');
      log.flush?.();
    })();
    return stopped;
  };

  if (spec.exitProcess !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        void stop(signal).then(() => process.exit(0));
      });
    }
  }
  return { workers, health, stop };
}
