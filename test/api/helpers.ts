// A real api on a fresh PostgreSQL database and its own Redis prefix, with an admin and a viewer key.
import { createHash } from 'node:crypto';
import { parseConfig, type Config } from '@oms/config';
import { SecretBox, type Db } from '@oms/db';
import { createRedis, Queues } from '@oms/queue';
import { createTestDatabase, createTestRedisPrefix } from '@oms/testing';
import type { Redis } from 'ioredis';
import { buildApp, createApiKey, type AppDeps, type BuiltApp } from '@oms/api';

export interface Harness {
  built: BuiltApp;
  db: Db;
  redis: Redis;
  queues: Queues;
  config: Config;
  box: SecretBox;
  adminKey: string;
  viewerKey: string;
  admin: Record<string, string>;
  viewer: Record<string, string>;
  close(): Promise<void>;
}

export async function startApi(
  label: string,
  env: Record<string, string> = {},
  extra: Partial<AppDeps> = {},
): Promise<Harness> {
  const tdb = await createTestDatabase(label);
  const pre = await createTestRedisPrefix(label);
  const config = parseConfig({
    ...env,
    DATABASE_URL: tdb.url,
    REDIS_URL: pre.url,
    QUEUE_PREFIX: pre.prefix,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
  });
  const redis = createRedis(pre.url, 'producer');
  const queues = new Queues(redis, pre.prefix);
  const built = await buildApp({ config, db: tdb.db, redis, queues, ...extra });
  const adminKey = (await createApiKey(tdb.db, 'test-admin', 'admin')).key;
  const viewerKey = (await createApiKey(tdb.db, 'test-viewer', 'viewer')).key;
  return {
    built,
    db: tdb.db,
    redis,
    queues,
    config,
    box: new SecretBox(config.ENCRYPTION_KEYS),
    adminKey,
    viewerKey,
    admin: { authorization: `Bearer ${adminKey}` },
    viewer: { 'x-api-key': viewerKey },
    close: async () => {
      await built.close();
      await queues.close();
      redis.disconnect();
      await tdb.drop();
      await pre.drop();
    },
  };
}

/** Secret values the seed stores; no response may ever contain one. */
export const SECRETS = {
  appSecret: 'seed-app-secret-7f3a91c2d4',
  accessToken: 'seed-access-token-5b8e2f10aa',
  refreshToken: 'seed-refresh-token-c94d3e7b21',
  webhookSecret: 'seedWebhookSecret_0123456789abcdef',
  credential: 'seed-credential-value-88e1d2',
};

export interface Seed {
  platformId: string;
  channelId: string;
  blockedOrderId: string;
  writtenOrderId: string;
  shipmentId: string;
  skuMappingId: string;
  carrierMappingId: string;
  syncRunId: string;
}

/** One of everything, with secrets set, so routes have real rows to act on. */
export async function seed(h: Harness, suffix = '1'): Promise<Seed> {
  const { db, box } = h;
  const platform = await db.platform.create({
    data: {
      kind: 'shopee',
      name: `Shopee app ${suffix}`,
      apiHost: 'http://127.0.0.1:4011',
      appId: '100200',
      appSecretEnc: box.encrypt(SECRETS.appSecret),
    },
  });
  const channel = await db.channel.create({
    data: {
      platformId: platform.id,
      name: `Shop ${suffix}`,
      externalShopId: `shop-${suffix}`,
      accessTokenEnc: box.encrypt(SECRETS.accessToken),
      refreshTokenEnc: box.encrypt(SECRETS.refreshToken),
      accessTokenExpiresAt: new Date(Date.now() + 3600_000),
      webhookSecretEnc: box.encrypt(SECRETS.webhookSecret),
      credentialsEnc: box.encryptJson({ key: SECRETS.credential }),
      syncStartAt: new Date(Date.now() - 86400_000),
      cursorUpdatedAt: new Date(Date.now() - 120_000),
      lastSuccessAt: new Date(Date.now() - 60_000),
    },
  });
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const normalized = { externalId: `o-${suffix}-b`, total: '199.00', lines: [{ sku: 'UNKNOWN-SKU' }] };
  const blocked = await db.order.create({
    data: {
      channelId: channel.id,
      externalId: `o-${suffix}-b`,
      externalNumber: `N-${suffix}-B`,
      platformStatus: 'READY_TO_SHIP',
      status: 'ready_to_ship',
      platformCreatedAt: new Date(Date.now() - 3600_000),
      platformUpdatedAt: new Date(Date.now() - 1800_000),
      raw: { order_sn: `o-${suffix}-b` },
      normalized,
      contentHash: hash(`b${suffix}`),
      erpState: 'blocked',
      erpReason: 'SKU UNKNOWN-SKU maps to no product',
    },
  });
  const written = await db.order.create({
    data: {
      channelId: channel.id,
      externalId: `o-${suffix}-w`,
      platformStatus: 'COMPLETED',
      status: 'completed',
      platformCreatedAt: new Date(Date.now() - 7200_000),
      raw: { order_sn: `o-${suffix}-w` },
      normalized: { total: '10.00' },
      contentHash: hash(`w${suffix}`),
      erpWrittenHash: hash(`w${suffix}`),
      erpState: 'written',
      erpOrderId: 1000001,
      erpDocumentNo: 'SO-1',
    },
  });
  await db.erpCall.create({
    data: {
      orderId: written.id,
      action: 'create-order',
      method: 'POST',
      path: '/models/c_order',
      status: 201,
      durationMs: 230,
      documentNo: 'SO-1',
    },
  });
  const shipment = await db.shipment.create({
    data: {
      orderId: written.id,
      channelId: channel.id,
      erpInOutId: Math.floor(Math.random() * 1e9),
      carrier: 'Blackcat',
      trackingNumber: 'T123',
      state: 'failed',
      reason: 'carrier unknown',
    },
  });
  const sku = await db.skuMapping.create({
    data: { channelId: channel.id, platformSku: `SKU-${suffix}`, erpProductId: 134 },
  });
  const carrier = await db.carrierMapping.create({
    data: { channelId: channel.id, erpShipperName: `Shipper ${suffix}`, platformCarrier: 'Blackcat' },
  });
  const run = await db.syncRun.create({
    data: { channelId: channel.id, kind: 'get_orders', status: 'succeeded', pages: 1, ordersNew: 2 },
  });
  return {
    platformId: platform.id,
    channelId: channel.id,
    blockedOrderId: blocked.id,
    writtenOrderId: written.id,
    shipmentId: shipment.id,
    skuMappingId: sku.id,
    carrierMappingId: carrier.id,
    syncRunId: run.id,
  };
}

/** Fills a route pattern's parameters with values that exist (when known) or are at least well-formed. */
export function fillUrl(url: string, values: Record<string, string> = {}): string {
  const defaults: Record<string, string> = {
    id: '00000000-0000-4000-8000-000000000000',
    platform: 'shopee',
    channelId: '00000000-0000-4000-8000-000000000000',
    secret: 'not-the-secret',
    queueName: 'erp-orders',
    jobId: 'no-such-job',
    queueStatus: 'failed',
    schedulerId: 'no-such-scheduler',
  };
  return url
    .replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? defaults[name] ?? 'x'))
    .replace(/\*$/, 'index.html');
}

export function assertNoSecret(text: string, extra: string[] = []): void {
  for (const s of [...Object.values(SECRETS), ...extra]) {
    if (text.includes(s)) throw new Error(`response contains a secret: ${s.slice(0, 8)}…\n${text.slice(0, 500)}`);
  }
}
