// The api service: wiring only. The app itself is buildApp (app.ts); runService starts and stops it.
import { loadConfig } from '@oms/config';
import { createDb } from '@oms/db';
import { createLogger } from '@oms/logger';
import { createRedis, runService } from '@oms/queue';
import { buildApp } from './app';

const config = loadConfig();
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const db = createDb(config.DATABASE_URL);
const redis = createRedis(config.REDIS_URL, 'producer');
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const built = await buildApp({ config, db, redis, logger });
await runService({
  name: 'api',
  log: logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  // The app answers /health/live, /health/ready and /metrics itself (routes/health.ts).
  http: {
    name: 'api',
    start: async () => {
      await built.app.listen({ port: config.API_PORT, host: config.API_HOST });
      logger.info({ url: config.PUBLIC_URL, port: config.API_PORT }, 'api listening');
    },
    stop: () => built.close(),
  },
  closers: [() => db.$disconnect(), async () => redis.disconnect()],
});
