// Shared by the platform integration tests: a sandbox, a database and a queue prefix of their own, the
// platform's channels seeded from the sandbox's credentials, and the real worker consumer on real BullMQ.
import { parseConfig } from '@oms/config';
import { SecretBox, type Db } from '@oms/db';
import { createLogger } from '@oms/logger';
import { createRedis, platformQueue, Queues, runService, type Job, type Queue, type RunningService } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import { startSandbox, type Sandbox } from '@oms/sandbox';
import { createTestDatabase, createTestRedisPrefix, waitFor, type TestDatabase } from '@oms/testing';
import { DEFAULT_JOB_SETTINGS, getAdapter, platformConsumer, type PlatformJobContext } from '@oms/platforms';

export const DAY = 86_400_000;
export const box = new SecretBox(parseConfig({}).ENCRYPTION_KEYS);
export const silent = createLogger({ service: 'test', level: process.env.LOG_LEVEL ?? 'silent', format: 'json' });

export async function control<T = any>(s: Sandbox, path: string, payload?: unknown, method?: string): Promise<T> {
  const res = await fetch(
    `${s.urls.control}${path}`,
    payload === undefined
      ? { method: method ?? 'GET' }
      : { method: method ?? 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } },
  );
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface Truth {
  store: string;
  externalId: string;
  status: string;
  platformStatus: string;
  createdAt: string;
  lines: { id: string }[];
}

export interface Harness {
  kind: PlatformKind;
  sandbox: Sandbox;
  database: TestDatabase;
  db: Db;
  prefix: string;
  queues: Queues;
  ctx: PlatformJobContext;
  channels: { id: string; store: string }[];
  syncStartAt: Date;
  service: RunningService | null;
  startWorker(concurrency?: number): Promise<RunningService>;
  stopWorker(): Promise<void>;
  queue(): Queue;
  getOrders(channelId: string, tag?: string): Promise<Job>;
  jobState(job: Job): Promise<string>;
  jobResult(job: Job): Promise<{ returnvalue: unknown; failedReason: string | undefined }>;
  waitDone(job: Job, timeoutMs?: number): Promise<string>;
  truth(store?: string): Promise<Truth[]>;
  dbOrders(channelId?: string): Promise<
    {
      externalId: string;
      channelId: string;
      platformStatus: string | null;
      erpState: string;
      invalidReason: string | null;
      normalized: unknown;
    }[]
  >;
  close(): Promise<void>;
}

let seq = 0;

/** Seeds channels (rows in a fresh database) for every store the sandbox has on this platform. */
export async function seedChannels(
  kind: PlatformKind,
  sandbox: Sandbox,
  db: Db,
  syncStartAt: Date,
  apiVersion: string | null = null,
): Promise<{ id: string; store: string }[]> {
  const creds = await control<any>(sandbox, '/_sandbox/credentials');
  const c = creds[kind];
  const url = sandbox.urls[kind];
  const platform = await db.platform.create({
    data: {
      kind,
      name: `${kind} sandbox`,
      apiVersion,
      apiHost: url,
      authHost: url,
      appId: kind === 'shopee' ? String(c.partner_id) : (c.client_id ?? null),
      appSecretEnc: box.encryptOptional(kind === 'shopee' ? c.partner_key : (c.client_secret ?? null)),
      settings: kind === 'shopline' ? { userAgent: 'oms-test/1.0 (integration)' } : {},
    },
  });
  const out: { id: string; store: string }[] = [];
  for (const s of c.stores) {
    const store = String(s.shop_id ?? s.shop_domain ?? s.merchant_id ?? s.entpCode);
    const key = kind === 'cyberbiz' ? s.shop_domain : store;
    const credentials =
      kind === 'momo'
        ? s.loginInfo
        : kind === 'cyberbiz' && apiVersion === 'v1'
          ? { apiKey: s.v1.api_key, apiSecret: s.v1.api_secret }
          : null;
    const row = await db.channel.create({
      data: {
        platformId: platform.id,
        name: s.name,
        externalShopId: key,
        syncStartAt,
        accessTokenEnc: box.encryptOptional(s.access_token ?? null),
        refreshTokenEnc: box.encryptOptional(s.refresh_token ?? null),
        accessTokenExpiresAt: s.access_token_expires_at ? new Date(s.access_token_expires_at) : null,
        refreshTokenExpiresAt: s.refresh_token_expires_at ? new Date(s.refresh_token_expires_at) : null,
        credentialsEnc: credentials ? box.encryptJson(credentials) : null,
      },
    });
    out.push({ id: row.id, store: key });
  }
  return out;
}

export async function createHarness(
  kind: PlatformKind,
  opts: {
    stores?: number;
    ordersPerStore?: number;
    days?: number;
    seed?: number;
    apiVersion?: string | null;
    sandbox?: Sandbox;
  } = {},
): Promise<Harness> {
  const now = Date.now();
  const days = opts.days ?? 30;
  const from = new Date(now - days * DAY);
  const sandbox =
    opts.sandbox ??
    (await startSandbox({
      basePort: 0,
      scenario: {
        seed: opts.seed ?? 7,
        stores: { shopee: 0, cyberbiz: 0, shopline: 0, momo: 0, [kind]: opts.stores ?? 3 },
        ordersPerStore: opts.ordersPerStore ?? 250,
        from: from.toISOString(),
        to: new Date(now).toISOString(),
        unknownSkuShare: 0,
      },
    }));
  const database = await createTestDatabase(`plat_${kind}`);
  const redisPrefix = await createTestRedisPrefix(`plat-${kind}`);
  const syncStartAt = new Date(from.getTime() - DAY);
  const channels = await seedChannels(
    kind,
    sandbox,
    database.db,
    syncStartAt,
    opts.apiVersion ?? (kind === 'cyberbiz' ? 'v2' : null),
  );
  const producer = createRedis(redisPrefix.url, 'producer');
  const lockRedis = createRedis(redisPrefix.url, 'producer');
  const queues = new Queues(producer, redisPrefix.prefix);
  const ctx: PlatformJobContext = {
    kind,
    adapter: getAdapter(kind, { timeoutMs: 10_000 }),
    db: database.db,
    box,
    queues,
    redis: lockRedis,
    log: silent,
    settings: {
      ...DEFAULT_JOB_SETTINGS,
      SYNC_SETTLE_SECONDS: 0,
      SYNC_OVERLAP_SECONDS: 60,
      lockTtlMs: 3_000,
      notReadyRetryMs: 300,
      httpTimeoutMs: 10_000,
    },
  };
  const h: Harness = {
    kind,
    sandbox,
    database,
    db: database.db,
    prefix: redisPrefix.prefix,
    queues,
    ctx,
    channels,
    syncStartAt,
    service: null,
    async startWorker(concurrency = 4) {
      h.service = await runService({
        name: `test-worker-${kind}`,
        log: silent,
        redisUrl: redisPrefix.url,
        queuePrefix: redisPrefix.prefix,
        healthPort: 0,
        shutdownTimeoutMs: 5_000,
        exitProcess: false,
        consumers: [platformConsumer(ctx, { concurrency, maxStartedAttempts: 200, lockDurationMs: 3_000 })],
      });
      return h.service;
    },
    async stopWorker() {
      await h.service?.stop('test');
      h.service = null;
    },
    async getOrders(channelId, tag) {
      return queues.add(
        'getOrders',
        { channelId },
        { platform: kind, options: { jobId: `get-orders-${channelId}-${tag ?? ++seq}` } },
      );
    },
    queue: () => queues.get(platformQueue(kind)),
    jobState: (job) => queues.get(platformQueue(kind)).getJobState(job.id!),
    async jobResult(job) {
      const j = await queues.get(platformQueue(kind)).getJob(job.id!);
      return { returnvalue: j?.returnvalue, failedReason: j?.failedReason };
    },
    async waitDone(job, timeoutMs = 45_000) {
      return waitFor(
        async () => {
          const state = await h.jobState(job);
          return state === 'completed' || state === 'failed' ? state : null;
        },
        { timeoutMs, intervalMs: 50, what: `job ${job.id}` },
      );
    },
    async truth(store) {
      const r = await control<{ orders: Truth[] }>(
        sandbox,
        `/_sandbox/orders?platform=${kind}${store ? `&store=${encodeURIComponent(store)}` : ''}`,
      );
      return r.orders;
    },
    async dbOrders(channelId) {
      return database.db.order.findMany({
        where: channelId ? { channelId } : {},
        select: {
          externalId: true,
          channelId: true,
          platformStatus: true,
          erpState: true,
          invalidReason: true,
          normalized: true,
        },
      });
    },
    async close() {
      await h.stopWorker();
      await queues.close();
      producer.disconnect();
      lockRedis.disconnect();
      await redisPrefix.drop();
      await database.drop();
      if (!opts.sandbox) await sandbox.close();
    },
  };
  return h;
}

/** What a platform's API shows to the OMS: every order (momo through its unsend, sending, stop and recover queries). */
export function visible(_kind: PlatformKind, orders: Truth[]): Truth[] {
  return orders;
}

export function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}
