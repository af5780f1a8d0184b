// One definition per job: its name, its queue, its payload schema and its default options, together.
// Producers (scheduler, api, workers) and consumers (workers) import these same objects.
// Payloads carry ids only: PostgreSQL holds the truth, a job only says "look at this row".
import type { JobSchedulerTemplateOptions, JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { PlatformKind } from '@oms/core';

export const QUEUE_NAMES = {
  shopee: 'platform-shopee',
  cyberbiz: 'platform-cyberbiz',
  shopline: 'platform-shopline',
  momo: 'platform-momo',
  erp: 'erp-orders',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUE_NAMES);

export function platformQueue(kind: PlatformKind): QueueName {
  return QUEUE_NAMES[kind];
}

/** Where a job runs: on the queue of the channel's platform, or on the ERP queue. */
export type JobTarget = 'platform' | 'erp';

export interface JobDefinition<N extends string, S extends z.ZodType, I = never> {
  name: N;
  target: JobTarget;
  schema: S;
  /** Defaults merged under whatever the producer passes. */
  options: JobsOptions;
  /**
   * Deterministic job id, so that adding the same work twice while one is live adds nothing.
   * BullMQ ids may not contain ':'.
   */
  jobId?: (payload: z.output<S>) => string;
  /** The inverse of jobId: the ids a job id was built from, or null for any other id. */
  parseJobId?: (jobId: string) => I | null;
}

function defineJob<N extends string, S extends z.ZodType, I = never>(
  def: JobDefinition<N, S, I>,
): JobDefinition<N, S, I> {
  return def;
}

const id = z.string().uuid();
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A parser for ids of the form `<prefix>-<uuid>`. */
function uuidIdParser<K extends string>(prefix: string, key: K): (jobId: string) => Record<K, string> | null {
  const re = new RegExp(`^${prefix}-(${UUID})$`, 'i');
  return (jobId) => {
    const m = re.exec(jobId);
    return m ? ({ [key]: m[1]! } as Record<K, string>) : null;
  };
}

const WRITE_ORDER_ID = new RegExp(`^write-order-(${UUID})-(.+)$`, 'i');
/** Exponential backoff with jitter (BullMQ adds up to `jitter` of the delay at random). */
const backoff = (delay: number) => ({ type: 'exponential', delay, jitter: 0.5 }) as const;
const retention = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

export const jobs = {
  /** Fetch a channel's orders since its cursors. One per channel at a time (same id while live). */
  getOrders: defineJob({
    name: 'get-orders',
    target: 'platform',
    schema: z.object({ channelId: id }),
    options: { attempts: 5, backoff: backoff(5_000), ...retention, removeOnComplete: { age: 3600, count: 200 } },
    jobId: (p) => `get-orders-${p.channelId}`,
    parseJobId: uuidIdParser('get-orders', 'channelId'),
  }),
  /** Refresh a channel's access token. Deduplicated per channel: one refresh at a time. */
  refreshToken: defineJob({
    name: 'refresh-token',
    target: 'platform',
    schema: z.object({ channelId: id }),
    options: { attempts: 5, backoff: backoff(10_000), ...retention },
    jobId: (p) => `refresh-token-${p.channelId}`,
    parseJobId: uuidIdParser('refresh-token', 'channelId'),
  }),
  /** Fetch one order (a verified webhook said it changed). */
  fetchOrder: defineJob({
    name: 'fetch-order',
    target: 'platform',
    schema: z.object({ channelId: id, externalId: z.string().min(1).max(200) }),
    options: { attempts: 5, backoff: backoff(5_000), ...retention },
  }),
  /** Import a past time window of a channel again (an operator's backfill); progress goes into its sync run row. */
  backfill: defineJob({
    name: 'backfill',
    target: 'platform',
    schema: z.object({ channelId: id, syncRunId: id }),
    options: { attempts: 5, backoff: backoff(10_000), ...retention },
    jobId: (p) => `backfill-${p.syncRunId}`,
    parseJobId: uuidIdParser('backfill', 'syncRunId'),
  }),
  /** Push one shipment (carrier, tracking number) to the platform. */
  pushShipment: defineJob({
    name: 'push-shipment',
    target: 'platform',
    schema: z.object({ shipmentId: id }),
    options: { attempts: 8, backoff: backoff(10_000), ...retention },
    jobId: (p) => `push-shipment-${p.shipmentId}`,
    parseJobId: uuidIdParser('push-shipment', 'shipmentId'),
  }),
  /** Create or update one order in iDempiere. The id carries the content hash: a changed order is new work. */
  writeOrder: defineJob({
    name: 'write-order',
    target: 'erp',
    schema: z.object({ orderId: id, contentHash: z.string().min(8) }),
    options: { attempts: 10, backoff: backoff(5_000), removeOnComplete: true, removeOnFail: retention.removeOnFail },
    jobId: (p) => `write-order-${p.orderId}-${p.contentHash.slice(0, 16)}`,
    // The id keeps only the start of the content hash.
    parseJobId: (jobId) => {
      const m = WRITE_ORDER_ID.exec(jobId);
      return m ? { orderId: m[1]!, contentHashPrefix: m[2]! } : null;
    },
  }),
  /** Look for new completed shipments of OMS orders in iDempiere. */
  pollShipments: defineJob({
    name: 'poll-shipments',
    target: 'erp',
    schema: z.object({}),
    options: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 200 } },
  }),
} as const;

export type Jobs = typeof jobs;
export type JobKey = keyof Jobs;
export type AnyJobDefinition = Jobs[JobKey];
export type JobPayload<K extends JobKey> = z.output<Jobs[K]['schema']>;

/** The jobs a queue carries: every platform queue carries every platform job. */
export function jobsForQueue(queue: QueueName): AnyJobDefinition[] {
  const target: JobTarget = queue === QUEUE_NAMES.erp ? 'erp' : 'platform';
  return Object.values(jobs).filter((j) => j.target === target);
}

/** The options of the jobs a Job Scheduler makes for `key`: the definition's defaults (their ids are BullMQ's). */
export function scheduledJobOptions(key: JobKey): JobSchedulerTemplateOptions {
  return { ...jobs[key].options };
}

/** The ids the job id of `key` was built from, or null when `jobId` is not such an id. */
export type ParsedJobId<K extends JobKey> = Jobs[K] extends JobDefinition<string, z.ZodType, infer I> ? I : never;

/**
 * The inverse of a definition's jobId: `parseJobId('writeOrder', id)` gives the order id (and the start of the
 * content hash) of a write-order job id, null for any other id. The only place that reads job ids apart.
 */
export function parseJobId<K extends JobKey>(key: K, jobId: string): ParsedJobId<K> | null {
  const def = jobs[key] as JobDefinition<string, z.ZodType, ParsedJobId<K>>;
  return def.parseJobId ? def.parseJobId(jobId) : null;
}

export function findJob(name: string): AnyJobDefinition | undefined {
  return Object.values(jobs).find((j) => j.name === name);
}
