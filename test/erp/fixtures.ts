// Shared by the ERP integration tests and `pnpm bench:erp`: a database, Redis prefix and iDempiere sandbox of
// their own, a channel with a GardenWorld ERP mapping, canonical orders made from the sandbox catalog, and an
// in-process erp-writer (the same wiring as services/erp-writer/src/main.ts).
import { createHash } from 'node:crypto';
import { parseConfig, type Config } from '@oms/config';
import { computedTotal, money, type CanonicalOrder } from '@oms/core';
import type { Db } from '@oms/db';
import { createErpWriter, type ErpWriter } from '@oms/idempiere';
import { createLogger } from '@oms/logger';
import { Queues, createRedis, runService, type RunningService } from '@oms/queue';
import { CATALOG, startSandbox, type Sandbox } from '@oms/sandbox';
import { createTestDatabase, createTestRedisPrefix, freePort, type TestDatabase } from '@oms/testing';
import { ERP_MAPPING } from '../e2e/world';

/** The real stand-in's extra methods (the mount's type only lists the common ones). */
export interface IdempiereControl {
  setFaults(f: {
    latencyMs?: number;
    jitterMs?: number;
    errorRate?: number;
    downForMs?: number;
    processingMsPerOrder?: number;
    lostReplyRate?: number;
  }): void;
  clearFaults(): void;
  ship(req: {
    orderId?: number;
    documentNo?: string;
    poReference?: string;
    shipper: string | number;
    trackingNo?: string | null;
  }): Record<string, unknown>;
  orders(): SandboxOrder[];
  writes(): {
    writes: { kind: string; start: number; end: number; locked: number; status: number; orders: number }[];
    overlappingWrites: number;
    total: number;
  };
  summary(): { orders: number; ordersByStatus: Record<string, number>; writes: number; overlappingWrites: number };
}

export interface SandboxOrder {
  id: number;
  documentNo: string;
  poReference: string | null;
  description: string | null;
  docStatus: string;
  grandTotal: number;
  totalLines: number;
  bpartner: { id: number; value: string; name: string } | null;
  lines: {
    productId: number | null;
    productValue: string | null;
    chargeId: number | null;
    qtyOrdered: number;
    qtyEntered: number;
    priceActual: number;
    priceEntered: number;
    lineNetAmt: number;
  }[];
  shipments: { id: number; documentNo: string; shipper: string | null; trackingNo: string | null }[];
}

export interface ErpEnv {
  sandbox: Sandbox;
  idempiere: IdempiereControl;
  database: TestDatabase;
  redis: { url: string; prefix: string; drop(): Promise<void> };
  config: Config;
  /** Environment for a child erp-writer process. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startErpEnv(
  label: string,
  overrides: Record<string, string> = {},
  opts: { rateLimits?: boolean } = {},
): Promise<ErpEnv> {
  const sandbox = await startSandbox({ basePort: 0, rateLimits: opts.rateLimits ?? true });
  const database = await createTestDatabase(label);
  const redis = await createTestRedisPrefix(label);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    IDEMPIERE_URL: `${sandbox.urls.idempiere}/api/v1`,
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  };
  const config = parseConfig(env);
  return {
    sandbox,
    idempiere: sandbox.idempiere as unknown as IdempiereControl,
    database,
    redis,
    config,
    env,
    async close() {
      await sandbox.close();
      await redis.drop();
      await database.drop();
    },
  };
}

export interface ChannelOptions {
  customerMode?: 'per_buyer' | 'default_customer';
  kind?: 'shopee' | 'cyberbiz' | 'shopline' | 'momo';
  name?: string;
}

/** A platform and a channel mapped to GardenWorld: org 11, warehouse 103, Standard Order, price list 101. */
export async function createChannel(db: Db, o: ChannelOptions = {}) {
  const kind = o.kind ?? 'shopee';
  const platform = await db.platform.create({ data: { kind, name: `${kind} app`, apiHost: 'http://127.0.0.1:1' } });
  return db.channel.create({
    data: {
      platformId: platform.id,
      name: o.name ?? `${kind} store`,
      externalShopId: `shop-${Math.random().toString(36).slice(2, 10)}`,
      syncStartAt: new Date('2026-01-01T00:00:00Z'),
      // The demo's GardenWorld mapping; these tests' default customer is 118 and new customers get the default group.
      ...ERP_MAPPING,
      erpDefaultCustomerId: 118,
      erpCustomerGroupId: null,
      customerMode: o.customerMode ?? 'per_buyer',
    },
  });
}

/** A small deterministic PRNG so every run writes the same orders. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface OrderOptions {
  lines?: number;
  buyers?: number;
  skus?: string[];
  status?: CanonicalOrder['status'];
  cod?: boolean;
  prefix?: string;
}

/** Canonical order number i: 1..8 lines of catalog products, some line discounts, shipping fee, some vouchers. */
export function makeOrder(i: number, o: OrderOptions = {}): CanonicalOrder {
  const r = rng(i * 7919 + 13);
  const count = o.lines ?? 1 + Math.floor(r() * 8);
  const lines = Array.from({ length: count }, (_, k) => {
    const p = CATALOG[Math.floor(r() * CATALOG.length)]!;
    const quantity = 1 + Math.floor(r() * 4);
    const discount = r() < 0.3 ? money(Math.floor(r() * 30) + 0.5) : '0.00';
    return {
      lineId: `${i}-${k}`,
      sku: o.skus?.[k] ?? p.value,
      name: p.name,
      quantity,
      unitPrice: money(p.price),
      discount,
    };
  });
  const buyer = 1 + Math.floor(r() * (o.buyers ?? 1_000_000));
  const base = {
    platform: 'shopee' as const,
    externalId: `${o.prefix ?? 'ORD'}${String(i).padStart(8, '0')}`,
    externalNumber: `${o.prefix ?? 'ORD'}${String(i).padStart(8, '0')}`,
    status: o.status ?? ('paid' as const),
    platformStatus: 'READY_TO_SHIP',
    createdAt: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 60_000).toISOString(),
    updatedAt: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 60_000 + 5_000).toISOString(),
    paidAt: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 60_000 + 5_000).toISOString(),
    currency: 'TWD',
    buyer: {
      id: `buyer-${buyer}`,
      name: `買家 ${buyer}`,
      email: `buyer${buyer}@example.com`,
      phone: `09${String(10_000_000 + buyer).slice(-8)}`,
    },
    recipient: {
      name: `收件人 ${buyer}`,
      phone: '09****5678',
      address1: `台北市信義區信義路${buyer}號`,
      address2: null,
      district: '信義區',
      city: '台北市',
      state: null,
      postalCode: '110',
      country: 'TW',
    },
    lines,
    shippingFee: r() < 0.7 ? '60.00' : '0.00',
    orderDiscount: r() < 0.3 ? money(Math.floor(r() * 50) + 0.5) : '0.00',
    total: '0.00',
    paymentMethod: o.cod ? 'COD' : 'Credit card',
    cod: o.cod ?? false,
    note: null,
  };
  return { ...base, total: computedTotal(base) };
}

export function hashOf(order: CanonicalOrder): string {
  return createHash('sha256').update(JSON.stringify(order)).digest('hex');
}

/** Inserts canonical orders as the platform workers would; returns the rows' ids and hashes. */
export async function insertOrders(
  db: Db,
  channelId: string,
  orders: CanonicalOrder[],
): Promise<{ id: string; contentHash: string; externalId: string }[]> {
  const rows = orders.map((o) => ({
    channelId,
    externalId: o.externalId,
    externalNumber: o.externalNumber,
    platformStatus: o.platformStatus,
    status: o.status,
    platformCreatedAt: new Date(o.createdAt),
    platformUpdatedAt: new Date(o.updatedAt),
    raw: o as never,
    normalized: o as never,
    contentHash: hashOf(o),
    erpState: 'pending' as const,
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.order.createMany({ data: rows.slice(i, i + 1000) });
  const saved = await db.order.findMany({
    where: { channelId, externalId: { in: orders.map((o) => o.externalId) } },
    select: { id: true, contentHash: true, externalId: true },
  });
  const order = new Map(orders.map((o, i) => [o.externalId, i]));
  return saved.sort((a, b) => order.get(a.externalId)! - order.get(b.externalId)!);
}

/** Replaces an order's content (as a platform re-fetch would) and returns the new hash. */
export async function changeOrder(db: Db, id: string, order: CanonicalOrder): Promise<string> {
  const contentHash = hashOf(order);
  await db.order.update({
    where: { id },
    data: {
      normalized: order as never,
      raw: order as never,
      status: order.status,
      contentHash,
      platformStatus: order.platformStatus,
    },
  });
  return contentHash;
}

export async function enqueueWrites(queues: Queues, rows: { id: string; contentHash: string }[]): Promise<void> {
  await Promise.all(rows.map((r) => queues.add('writeOrder', { orderId: r.id, contentHash: r.contentHash })));
}

export interface InProcessWriter {
  writer: ErpWriter;
  service: RunningService;
  queues: Queues;
  stop(): Promise<void>;
}

/** The erp-writer in this process, wired as main.ts wires it. */
export async function startWriter(env: ErpEnv, config: Config = env.config): Promise<InProcessWriter> {
  const log = createLogger({ service: 'erp-writer', level: process.env.LOG_LEVEL ?? 'silent', format: 'json' });
  const producer = createRedis(config.REDIS_URL, 'producer');
  const queues = new Queues(producer, config.QUEUE_PREFIX);
  const writer = createErpWriter({ config, db: env.database.db, log, queues });
  const service = await runService({
    name: 'erp-writer',
    log,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    healthPort: await freePort(),
    shutdownTimeoutMs: 5_000,
    consumers: [writer.consumer],
    exitProcess: false,
  });
  return {
    writer,
    service,
    queues,
    async stop() {
      await service.stop();
      await queues.close();
      producer.disconnect();
    },
  };
}

/** A producer on the env's queues (what the platform workers and the scheduler use). */
export function producerQueues(env: ErpEnv): { queues: Queues; close(): Promise<void> } {
  const producer = createRedis(env.config.REDIS_URL, 'producer');
  const queues = new Queues(producer, env.config.QUEUE_PREFIX);
  return {
    queues,
    async close() {
      await queues.close();
      producer.disconnect();
    },
  };
}
