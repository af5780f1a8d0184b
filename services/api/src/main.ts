// The api service: wiring only. The app itself is buildApp (app.ts).
import { loadConfig } from '@oms/config';
import { createDb } from '@oms/db';
import { createLogger } from '@oms/logger';
import { createRedis } from '@oms/queue';
import { buildApp } from './app';

const config = loadConfig();
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const db = createDb(config.DATABASE_URL);
const redis = createRedis(config.REDIS_URL, 'producer');
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const built = await buildApp({ config, db, redis, logger });
await built.app.listen({ port: config.API_PORT, host: config.API_HOST });
logger.info({ url: config.PUBLIC_URL, port: config.API_PORT }, 'api listening');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error('shutdown deadline passed, exiting');
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  try {
    await built.close();
    await db.$disconnect();
    redis.disconnect();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
