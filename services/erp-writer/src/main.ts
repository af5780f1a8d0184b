// The erp-writer service: wiring only. The logic is in @oms/idempiere (src/writer/, src/shipments/).
import { DEFAULT_HEALTH_PORTS, loadConfig } from '@oms/config';
import { createDb } from '@oms/db';
import { createLogger } from '@oms/logger';
import { createErpWriter } from '@oms/idempiere';
import { Queues, createRedis, runService } from '@oms/queue';

const config = loadConfig();
const log = createLogger({ service: 'erp-writer', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const db = createDb(config.DATABASE_URL);
const producer = createRedis(config.REDIS_URL, 'producer');
producer.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
const queues = new Queues(producer, config.QUEUE_PREFIX);
const writer = createErpWriter({ config, db, log, queues });

await runService({
  name: 'erp-writer',
  log,
  redisUrl: config.REDIS_URL,
  queuePrefix: config.QUEUE_PREFIX,
  healthPort: config.HEALTH_PORT ?? DEFAULT_HEALTH_PORTS['erp-writer'],
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  consumers: [writer.consumer],
  readiness: [async () => await db.$queryRaw`select 1`.then(() => null).catch((e: Error) => `database: ${e.message}`)],
  background: [
    {
      name: 'schedules',
      // Every replica upserts the same scheduler id: one schedule, whatever the replica count.
      start: () =>
        void writer.schedule().catch((err) => log.error({ err }, 'could not create the poll-shipments schedule')),
      stop: () => undefined,
    },
    {
      name: 'warm-caches',
      // Products are loaded once in the background; a miss is looked up per batch anyway.
      start: () =>
        void writer.ctx.products
          .warm()
          .then((n) => log.info({ products: n }, 'product cache warmed'))
          .catch((err) =>
            log.info({ err: (err as Error).message }, 'product cache not warmed (iDempiere not reachable yet)'),
          ),
      stop: () => undefined,
    },
  ],
  closers: [
    () => writer.ctx.client.logout(),
    () => queues.close(),
    () => db.$disconnect(),
    async () => producer.disconnect(),
  ],
});
