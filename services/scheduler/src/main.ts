// The scheduler service: wiring only. The logic lives in @oms/scheduling.
import { DEFAULT_HEALTH_PORTS, loadConfig } from '@oms/config';
import { createDb } from '@oms/db';
import { createLogger } from '@oms/logger';
import { Queues, createRedis, runService } from '@oms/queue';
import { Scheduler, schedulerSettings } from '@oms/scheduling';

const config = loadConfig();
const log = createLogger({ service: 'scheduler', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const db = createDb(config.DATABASE_URL);
const redis = createRedis(config.REDIS_URL, 'producer');
const queues = new Queues(redis, config.QUEUE_PREFIX);
const scheduler = new Scheduler({ db, queues, log, settings: schedulerSettings(config) });

await runService({
  name: 'scheduler',
  log,
  redisUrl: config.REDIS_URL,
  queuePrefix: config.QUEUE_PREFIX,
  healthPort: config.HEALTH_PORT ?? DEFAULT_HEALTH_PORTS.scheduler,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  readiness: [
    async () => (redis.status === 'ready' ? null : `redis ${redis.status}`),
    async () =>
      db.$queryRaw`select 1`.then(
        () => null,
        (err: Error) => `database: ${err.message}`,
      ),
  ],
  background: [{ name: 'scheduler', start: () => scheduler.start(), stop: () => scheduler.stop() }],
  closers: [() => queues.close(), () => redis.quit(), () => db.$disconnect()],
});
