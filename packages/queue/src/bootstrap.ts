// The one way a service starts and stops. It registers a handler per job of each queue the service consumes and
// refuses to start when a job has no handler or two; it owns health, metrics and the ordered shutdown
// (lifecycle.ts ends the process on signals and fatal errors).
import { Queue, Worker, UnrecoverableError, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@oms/logger';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { findJob, jobs, jobsForQueue, type JobKey, type JobPayload, type QueueName } from './jobs';
import { createRedis } from './connection';
import { startHealthServer, type HealthServer } from './health';
import { endProcessOnSignalsAndErrors } from './lifecycle';

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

/** A part of a service that is not a BullMQ worker (a loop, a schedule). */
export interface BackgroundPart {
  name: string;
  start: () => Promise<void> | void;
  stop: () => Promise<void> | void;
}

interface BaseSpec {
  name: string;
  log: Logger;
  /** Needed by consumers only. */
  redisUrl?: string;
  queuePrefix?: string;
  shutdownTimeoutMs: number;
  consumers?: Consumer[];
  /** Extra readiness checks (database, upstream); each returns a problem or null. */
  readiness?: (() => Promise<string | null>)[];
  /** Started after the workers, stopped (in reverse order) before them. */
  background?: BackgroundPart[];
  /** Closed last (database clients, shared Redis connections). */
  closers?: (() => Promise<unknown>)[];
  /** Metrics registry to serve on /metrics; a new one with process metrics when absent. */
  registry?: Registry;
  /** Exit the process after shutdown (false in tests that run a service in-process). */
  exitProcess?: boolean;
}

/**
 * Either runService serves /health/live, /health/ready and /metrics on healthPort, or the service is an HTTP
 * server that answers them itself (the api, the sandbox): `http` is then started after everything else and
 * stopped before anything else, so no request arrives at a half-stopped service.
 */
export type ServiceSpec = BaseSpec &
  ({ healthPort: number; http?: never } | { http: BackgroundPart; healthPort?: never });

export interface RunningService {
  workers: Worker[];
  /** Absent when the service's own HTTP server answers health (spec.http). */
  health?: HealthServer;
  /** Rejects, after closing everything, when a part failed to stop. */
  stop: (reason?: string) => Promise<void>;
}

export async function runService(spec: ServiceSpec): Promise<RunningService> {
  const consumers = spec.consumers ?? [];
  checkHandlers(consumers);
  const log = spec.log;
  let stopping = false;
  const registry = spec.registry ?? new Registry();
  // An HTTP service serves its own metrics (pass its registry to get the job metrics there too).
  if (!spec.registry && !spec.http) collectDefaultMetrics({ register: registry });
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
  const { redisUrl, queuePrefix } = spec;
  if (consumers.length && (redisUrl === undefined || queuePrefix === undefined))
    throw new Error(`${spec.name}: consumers need redisUrl and queuePrefix`);
  for (const c of consumers) {
    const byName = new Map(c.handlers.map((h) => [h.name, h]));
    const connection = createRedis(redisUrl!, 'worker');
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
        prefix: queuePrefix,
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
      const q = new Queue(c.queue, { connection, prefix: queuePrefix });
      await q.setGlobalConcurrency(c.globalConcurrency);
      await q.close();
    }
    workers.push(worker);
  }

  const health = spec.http
    ? undefined
    : await startHealthServer({
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
  await spec.http?.start();
  log.info({ service: spec.name, queues: consumers.map((c) => c.queue), healthPort: health?.port }, 'started');

  let stopped: Promise<void> | undefined;
  const stop = (reason = 'stop') => {
    stopped ??= (async () => {
      stopping = true;
      log.info({ reason, deadlineMs: spec.shutdownTimeoutMs }, 'shutting down');
      let failure: unknown;
      const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), spec.shutdownTimeoutMs).unref());
      const graceful = (async () => {
        await spec.http?.stop();
        for (const b of [...(spec.background ?? [])].reverse()) await b.stop();
        await Promise.all(workers.map((w) => w.close()));
        return 'ok' as const;
      })().catch((err: unknown) => {
        failure = err;
        return 'failed' as const;
      });
      const outcome = await Promise.race([graceful, deadline]);
      if (outcome !== 'ok') {
        if (outcome === 'late')
          log.warn(
            'shutdown deadline passed: closing workers now; their active jobs return to the queue when their locks expire',
          );
        await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      }
      for (const close of spec.closers ?? []) await close().catch((err) => log.warn({ err }, 'closing failed'));
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      await health?.close();
      log.info({ outcome }, 'stopped');
      log.flush?.();
      if (outcome === 'failed') throw failure;
    })();
    return stopped;
  };

  if (spec.exitProcess !== false)
    endProcessOnSignalsAndErrors(stop, { log, shutdownTimeoutMs: spec.shutdownTimeoutMs });
  return { workers, health, stop };
}
