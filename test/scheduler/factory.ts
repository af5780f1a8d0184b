// Rows for scheduler tests, inserted directly (the API that normally creates them is not needed here).
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Db, Prisma } from '@oms/db';
import { createLogger, type Logger } from '@oms/logger';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;

export async function createPlatform(db: Db, over: Partial<Prisma.PlatformUncheckedCreateInput> = {}) {
  return db.platform.create({ data: { kind: 'shopee', name: `p-${next()}`, apiHost: 'http://127.0.0.1:1', ...over } });
}

/** A connected Shopee-like channel by default: tokens present, access token expiring in 4 h. */
export async function createChannel(
  db: Db,
  platformId: string,
  over: Partial<Prisma.ChannelUncheckedCreateInput> = {},
) {
  return db.channel.create({
    data: {
      platformId,
      name: `c-${next()}`,
      externalShopId: next(),
      syncStartAt: new Date('2026-01-01T00:00:00Z'),
      accessTokenEnc: 'not-a-real-token',
      refreshTokenEnc: 'not-a-real-token',
      accessTokenExpiresAt: new Date(Date.now() + 4 * 3600_000),
      refreshTokenExpiresAt: new Date(Date.now() + 30 * 86400_000),
      ...over,
    },
  });
}

export function orderData(
  channelId: string,
  over: Partial<Prisma.OrderUncheckedCreateInput> = {},
): Prisma.OrderUncheckedCreateInput {
  const externalId = next();
  return {
    id: randomUUID(),
    channelId,
    externalId,
    raw: { id: externalId },
    contentHash: randomBytes(32).toString('hex'),
    ...over,
  };
}

export async function createOrder(db: Db, channelId: string, over: Partial<Prisma.OrderUncheckedCreateInput> = {}) {
  return db.order.create({ data: orderData(channelId, over) });
}

let inOut = 1000;
export async function createShipment(
  db: Db,
  orderId: string,
  channelId: string,
  over: Partial<Prisma.ShipmentUncheckedCreateInput> = {},
) {
  return db.shipment.create({
    data: { orderId, channelId, erpInOutId: inOut++ + Math.floor(Math.random() * 1e8), ...over },
  });
}

/** A logger whose lines the test can read back. */
export function capturedLogger(): { log: Logger; lines: () => Record<string, unknown>[]; clear: () => void } {
  let buf: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      buf.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ service: 'scheduler-test', level: 'info', destination: stream });
  return {
    log,
    lines: () =>
      buf
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    clear: () => {
      buf = [];
    },
  };
}
