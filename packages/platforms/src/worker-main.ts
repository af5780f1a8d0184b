// The wiring every platform worker service shares: config, logger, connections, the consumer, shutdown.
import type { Config } from '@oms/config';
import { createDb, SecretBox } from '@oms/db';
import type { Logger } from '@oms/logger';
import { createRedis, Queues, runService, type RunningService } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import { platformConsumer } from './jobs/consumer';
import { DEFAULT_JOB_SETTINGS, type PlatformJobContext } from './jobs/context';
import { getAdapter } from './registry';

export async function runPlatformWorker(
  kind: PlatformKind,
  config: Config,
  log: Logger,
  opts: { defaultHealthPort: number; exitProcess?: boolean },
): Promise<RunningService> {
  const db = createDb(config.DATABASE_URL);
  const box = new SecretBox(config.ENCRYPTION_KEYS);
  const producer = createRedis(config.REDIS_URL, 'producer');
  const lockRedis = createRedis(config.REDIS_URL, 'producer');
  const queues = new Queues(producer, config.QUEUE_PREFIX);
  const ctx: PlatformJobContext = {
    kind,
    adapter: getAdapter(kind, { timeoutMs: config.HTTP_TIMEOUT_MS }),
    db,
    box,
    queues,
    redis: lockRedis,
    log,
    settings: {
      ...DEFAULT_JOB_SETTINGS,
      SYNC_OVERLAP_SECONDS: config.SYNC_OVERLAP_SECONDS,
      SYNC_SETTLE_SECONDS: config.SYNC_SETTLE_SECONDS,
      lockTtlMs: config.WORKER_LOCK_DURATION_MS,
      notReadyRetryMs: config.SHIPMENT_NOT_READY_RETRY_SECONDS * 1000,
      httpTimeoutMs: config.HTTP_TIMEOUT_MS,
    },
  };
  return runService({
    name: `worker-${kind}`,
    log,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    healthPort: config.HEALTH_PORT ?? opts.defaultHealthPort,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    exitProcess: opts.exitProcess,
    consumers: [
      platformConsumer(ctx, {
        concurrency: config.WORKER_CONCURRENCY,
        maxStartedAttempts: config.WORKER_MAX_STARTED_ATTEMPTS,
        lockDurationMs: config.WORKER_LOCK_DURATION_MS,
      }),
    ],
    readiness: [
      async () =>
        db.$queryRaw`SELECT 1`.then(
          () => null,
          (e: Error) => `database: ${e.message}`,
        ),
    ],
    closers: [() => queues.close(), async () => lockRedis.quit(), async () => producer.quit(), () => db.$disconnect()],
  });
}
