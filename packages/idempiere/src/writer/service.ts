// The erp-writer's wiring, kept here so tests can run it in-process: the erp-orders consumer with global
// concurrency 1, the write-order and poll-shipments handlers, and the poll-shipments Job Scheduler.
import type { Config } from '@oms/config';
import type { Db } from '@oms/db';
import type { Logger } from '@oms/logger';
import { handle, QUEUE_NAMES, type Consumer, type Queues } from '@oms/queue';
import { IdempiereClient } from '../client';
import { IdempiereError } from '../errors';
import { pollShipments } from '../shipments/poll';
import { OutagePause, runWriteOrder } from './handler';
import { createWriterContext, type WriterContext } from './types';

export const POLL_SHIPMENTS_SCHEDULER = 'poll-shipments';

export function createIdempiereClient(config: Config, log?: Logger): IdempiereClient {
  return new IdempiereClient({
    url: config.IDEMPIERE_URL,
    userName: config.IDEMPIERE_USER,
    password: config.IDEMPIERE_PASSWORD,
    clientId: config.IDEMPIERE_CLIENT_ID,
    roleId: config.IDEMPIERE_ROLE_ID,
    organizationId: config.IDEMPIERE_ORG_ID,
    warehouseId: config.IDEMPIERE_WAREHOUSE_ID,
    language: config.IDEMPIERE_LANGUAGE,
    timeoutMs: config.IDEMPIERE_TIMEOUT_MS,
    log,
  });
}

export interface ErpWriter {
  ctx: WriterContext & { pause: OutagePause };
  consumer: Consumer;
  /** Creates or updates the poll-shipments Job Scheduler (idempotent: every replica may call it). */
  schedule(): Promise<void>;
}

export function createErpWriter(opts: {
  config: Config;
  db: Db;
  log: Logger;
  queues: Queues;
  client?: IdempiereClient;
}): ErpWriter {
  const { config, db, log, queues } = opts;
  const client = opts.client ?? createIdempiereClient(config, log);
  const ctx = {
    ...createWriterContext({
      db,
      client,
      log,
      settings: {
        batchSize: config.ERP_BATCH_SIZE,
        batchesPerJob: 20,
        newProduct: {
          uomId: config.IDEMPIERE_PRODUCT_UOM_ID,
          categoryId: config.IDEMPIERE_PRODUCT_CATEGORY_ID,
          taxCategoryId: config.IDEMPIERE_PRODUCT_TAX_CATEGORY_ID,
        },
        poReferenceLength: config.IDEMPIERE_POREFERENCE_LENGTH,
        timeZone: config.IDEMPIERE_TIMEZONE,
        defaultOrgId: config.IDEMPIERE_ORG_ID,
        defaultWarehouseId: config.IDEMPIERE_WAREHOUSE_ID,
      },
    }),
    pause: new OutagePause(),
  };
  const erpQueue = queues.get(QUEUE_NAMES.erp);
  const consumer: Consumer = {
    queue: QUEUE_NAMES.erp,
    concurrency: 1,
    // Serialized across every replica: iDempiere's sequences and stock reservation do not take parallel writers.
    globalConcurrency: 1,
    // Only so that queue.rateLimit() can pause the queue during an iDempiere outage; never reached otherwise.
    limiter: { max: 1_000_000, duration: 1000 },
    // A crashed writer's job returns to the queue once its lock expires (then it is looked up, not re-created).
    workerOptions: { lockDuration: config.ERP_JOB_LOCK_MS, stalledInterval: config.ERP_JOB_LOCK_MS },
    handlers: [
      handle('writeOrder', async ({ job, payload, worker }) =>
        runWriteOrder(ctx, { job, payload, queue: erpQueue, stopping: () => worker.closing !== undefined }),
      ),
      handle('pollShipments', async () => {
        try {
          const r = await pollShipments({ db, client, log, queues });
          ctx.pause.reset();
          return r;
        } catch (err) {
          if (err instanceof IdempiereError && err.outage) {
            // The next scheduled poll tries again; do not hold the queue.
            log.warn({ err: err.message }, 'shipment poll: iDempiere unavailable');
            return { skipped: 'iDempiere unavailable' };
          }
          throw err;
        }
      }),
    ],
  };
  return {
    ctx,
    consumer,
    async schedule() {
      await queues.schedule('pollShipments', config.SHIPMENT_POLL_MS, {}, { id: POLL_SHIPMENTS_SCHEDULER });
    },
  };
}
