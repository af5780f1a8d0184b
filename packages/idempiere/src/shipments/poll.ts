// Shipment polling, the iDempiere side of shipments (docs/idempiere.md, Shipments): completed M_InOut of C_Orders
// the OMS wrote become oms_shipment rows, each pushed to its platform by a `push-shipment` job. Incremental by
// M_InOut.Updated from a cursor in oms_cursor; never a full scan. Tracking numbers that a platform assigned are
// written back to the M_InOut.
import type { Db, Prisma } from '@oms/db';
import type { Logger } from '@oms/logger';
import type { Queues } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import type { IdempiereClient } from '../client';
import type { IdRecord } from '../model';
import { fkId } from '../model';
import { IdempiereError } from '../errors';
import { f } from '../filter';
import { callRecord, recordCalls } from '../writer/records';
import { readShipmentItems } from './items';

export const SHIPMENT_CURSOR = 'idempiere-shipments';

export interface ShipmentContext {
  db: Db;
  client: IdempiereClient;
  log: Logger;
  queues: Pick<Queues, 'add' | 'addFresh'>;
}

export interface PollResult {
  seen: number;
  recorded: number;
  blocked: number;
  released: number;
  trackingWritten: number;
  cursor: string;
}

function identifier(v: unknown): string | null {
  if (v && typeof v === 'object' && 'identifier' in v) {
    const s = (v as { identifier?: unknown }).identifier;
    return typeof s === 'string' && s ? s : null;
  }
  return null;
}

function noMapping(shipper: string, channelName: string): string {
  return `no carrier mapping for iDempiere shipper "${shipper}" on channel "${channelName}": add it to oms_carrier_mapping, then retry the shipment`;
}

/** The platform carrier for an iDempiere shipper on a channel, or null (the shipment is then blocked). */
export async function carrierFor(db: Db, channelId: string, erpShipperName: string): Promise<string | null> {
  const m = await db.carrierMapping.findUnique({ where: { channelId_erpShipperName: { channelId, erpShipperName } } });
  return m?.platformCarrier ?? null;
}

async function initialCursor(db: Db): Promise<string> {
  // Nothing polled yet: start at the first order the OMS wrote (nothing before it can be ours).
  const first = await db.order.findFirst({
    where: { erpOrderId: { not: null } },
    orderBy: { erpUpdatedAt: 'asc' },
    select: { erpUpdatedAt: true, createdAt: true },
  });
  const at = first ? (first.erpUpdatedAt ?? first.createdAt) : new Date();
  return new Date(at.getTime() - 24 * 3600_000).toISOString();
}

/** The stored cursor: "<instant>|<M_InOut_ID>", or a bare instant (id 0) as older versions stored it. */
function parseCursor(value: string): { ms: number; id: number } {
  const [at, id] = value.split('|');
  const ms = Date.parse(at ?? '');
  return { ms: Number.isNaN(ms) ? 0 : ms, id: Number(id ?? 0) || 0 };
}

/** One poll: new shipments since the cursor, carrier-blocked shipments whose mapping now exists, tracking write-back. */
export async function pollShipments(
  ctx: ShipmentContext,
  opts: { pageSize?: number; maxPages?: number } = {},
): Promise<PollResult> {
  const { db, client } = ctx;
  const pageSize = opts.pageSize ?? 100;
  const cursorRow = await db.cursor.findUnique({ where: { name: SHIPMENT_CURSOR } });
  const from = cursorRow?.value ?? (await initialCursor(db));
  // Keyset paging on (Updated, M_InOut_ID) (docs/idempiere.md, Shipments): `Updated` is parsed to epoch ms whatever
  // its form (`Z` or an offset such as +08:00, with or without millis) and compared numerically; the cursor is
  // "<ISO instant>|<last M_InOut_ID of that second>", advanced per page, never `$skip` over rows that move.
  let key = parseCursor(from);
  let cursor = from;
  const result: PollResult = { seen: 0, recorded: 0, blocked: 0, released: 0, trackingWritten: 0, cursor };
  for (let page = 0; page < (opts.maxPages ?? 50); page++) {
    const started = performance.now();
    const second = Math.floor(key.ms / 1000) * 1000;
    const filter = f.and(
      f.eq('IsSOTrx', true),
      // customer returns (MovementType C+) are IsSOTrx too and must never be reported as shipments
      f.eq('MovementType', 'C-'),
      f.in('DocStatus', ['CO', 'CL']),
      f.or(
        f.and(f.ge('Updated', new Date(second)), f.lt('Updated', new Date(second + 1000)), f.gt('M_InOut_ID', key.id)),
        f.ge('Updated', new Date(second + 1000)),
      ),
    );
    const res = await client.get<IdRecord>('M_InOut', {
      filter,
      select: [
        'DocumentNo',
        'DocStatus',
        'C_Order_ID',
        'M_Shipper_ID',
        'TrackingNo',
        'MovementDate',
        'ShipDate',
        'NoPackages',
        'Updated',
      ],
      orderby: 'Updated asc,M_InOut_ID asc',
      top: pageSize,
    });
    result.seen += res.records.length;
    const erpOrderIds = [...new Set(res.records.map((r) => fkId(r.C_Order_ID)).filter((x): x is number => x !== null))];
    const orders = erpOrderIds.length
      ? await db.order.findMany({
          where: { erpOrderId: { in: erpOrderIds } },
          select: {
            id: true,
            erpOrderId: true,
            channelId: true,
            normalized: true,
            channel: { select: { name: true, skuMatch: true, platform: { select: { kind: true } } } },
          },
        })
      : [];
    const known = new Set(
      (
        await db.shipment.findMany({
          where: { erpInOutId: { in: res.records.map((r) => r.id) } },
          select: { erpInOutId: true },
        })
      ).map((s) => s.erpInOutId),
    );
    // What each new shipment carries, matched to its platform order's lines: a platform with packages or line
    // confirmations pushes each shipment for its own part of the order (see @oms/platforms planShipments).
    const items = await readShipmentItems(
      db,
      client,
      res.records.flatMap((r) => {
        const order = orders.find((o) => o.erpOrderId === fkId(r.C_Order_ID));
        return order && !known.has(r.id)
          ? [
              {
                inOutId: r.id,
                order: { channelId: order.channelId, skuMatch: order.channel.skuMatch, normalized: order.normalized },
              },
            ]
          : [];
      }),
    );
    for (const r of res.records) {
      const updated = typeof r.Updated === 'string' ? Date.parse(r.Updated) : NaN;
      if (!Number.isNaN(updated)) {
        const sec = Math.floor(updated / 1000) * 1000;
        if (sec > Math.floor(key.ms / 1000) * 1000) key = { ms: sec, id: r.id };
        else if (sec === Math.floor(key.ms / 1000) * 1000 && r.id > key.id) key = { ms: sec, id: r.id };
        cursor = `${new Date(key.ms).toISOString()}|${key.id}`;
      }
      const order = orders.find((o) => o.erpOrderId === fkId(r.C_Order_ID));
      if (!order || known.has(r.id)) continue;
      const shipperName = identifier(r.M_Shipper_ID);
      const carrier = shipperName ? await carrierFor(db, order.channelId, shipperName) : null;
      const reason = !shipperName
        ? `iDempiere shipment ${String(r.DocumentNo)} has no shipper (M_Shipper_ID)`
        : !carrier
          ? noMapping(shipperName, order.channel.name)
          : null;
      const tracking = typeof r.TrackingNo === 'string' && r.TrackingNo.trim() ? r.TrackingNo.trim() : null;
      const shippedAt =
        typeof r.ShipDate === 'string' ? r.ShipDate : typeof r.MovementDate === 'string' ? r.MovementDate : null;
      const created = await db.shipment.upsert({
        where: { erpInOutId: r.id },
        update: {},
        create: {
          orderId: order.id,
          channelId: order.channelId,
          erpInOutId: r.id,
          erpDocumentNo: r.DocumentNo ? String(r.DocumentNo) : null,
          erpShipperId: fkId(r.M_Shipper_ID),
          erpShipperName: shipperName,
          carrier,
          trackingNumber: tracking,
          shippedAt: shippedAt ? new Date(shippedAt) : null,
          items: (items.get(r.id) ?? []) as unknown as Prisma.InputJsonValue,
          state: reason ? 'blocked' : 'pending',
          reason,
        },
      });
      await recordCalls(db, [
        callRecord('record-shipment', {
          orderId: order.id,
          shipmentId: created.id,
          request: { M_InOut_ID: r.id, TrackingNo: tracking, shipper: shipperName },
          durationMs: performance.now() - started,
          documentNo: created.erpDocumentNo,
        }),
      ]);
      if (reason) {
        result.blocked++;
        ctx.log.warn({ shipmentId: created.id, orderId: order.id, reason }, 'shipment blocked');
      } else {
        result.recorded++;
        await ctx.queues.add(
          'pushShipment',
          { shipmentId: created.id },
          { platform: order.channel.platform.kind as PlatformKind },
        );
      }
    }
    if (res.records.length < pageSize) break;
  }
  await db.cursor.upsert({
    where: { name: SHIPMENT_CURSOR },
    update: { value: cursor },
    create: { name: SHIPMENT_CURSOR, value: cursor },
  });
  result.cursor = cursor;
  result.released = await releaseCarrierBlocked(ctx);
  result.trackingWritten = await writeBackAssignedTracking(ctx);
  return result;
}

/** Shipments blocked for a missing carrier mapping go out once the mapping exists. */
export async function releaseCarrierBlocked(ctx: ShipmentContext): Promise<number> {
  const blocked = await ctx.db.shipment.findMany({
    where: { state: 'blocked', carrier: null, erpShipperName: { not: null } },
    take: 500,
    select: {
      id: true,
      channelId: true,
      erpShipperName: true,
      channel: { select: { platform: { select: { kind: true } } } },
    },
  });
  let released = 0;
  for (const s of blocked) {
    const carrier = await carrierFor(ctx.db, s.channelId, s.erpShipperName!);
    if (!carrier) continue;
    const n = await ctx.db.shipment.updateMany({
      where: { id: s.id, state: 'blocked' },
      data: { carrier, state: 'pending', reason: null },
    });
    if (n.count) {
      released++;
      // The job that blocked it is still kept under the same id: add it fresh.
      await ctx.queues.addFresh(
        'pushShipment',
        { shipmentId: s.id },
        { platform: s.channel.platform.kind as PlatformKind },
      );
    }
  }
  return released;
}

/**
 * Writes a tracking number into its M_InOut (TrackingNo is always updatable, even on a completed shipment).
 * For platforms that assign the number themselves: the platform worker stores it on oms_shipment, and either
 * calls this or lets the next poll-shipments do it.
 */
export async function writeTrackingNumber(
  ctx: Pick<ShipmentContext, 'db' | 'client'>,
  shipmentId: string,
): Promise<void> {
  const s = await ctx.db.shipment.findUnique({ where: { id: shipmentId } });
  if (!s) throw new Error(`shipment ${shipmentId} not found`);
  if (!s.trackingNumber) throw new Error(`shipment ${shipmentId} has no tracking number yet`);
  const started = performance.now();
  try {
    await ctx.client.update('M_InOut', s.erpInOutId, { TrackingNo: s.trackingNumber });
    await recordCalls(ctx.db, [
      callRecord('write-tracking', {
        orderId: s.orderId,
        shipmentId: s.id,
        recordId: s.erpInOutId,
        request: { TrackingNo: s.trackingNumber },
        durationMs: performance.now() - started,
        documentNo: s.erpDocumentNo,
      }),
    ]);
  } catch (err) {
    const e = err as IdempiereError;
    await recordCalls(ctx.db, [
      callRecord('write-tracking', {
        orderId: s.orderId,
        shipmentId: s.id,
        recordId: s.erpInOutId,
        request: { TrackingNo: s.trackingNumber },
        status: e.status ?? null,
        durationMs: performance.now() - started,
        error: e.message,
      }),
    ]);
    throw err;
  }
}

/** Shipments recorded without a tracking number that have one now (assigned by the platform), not yet written back. */
export async function writeBackAssignedTracking(ctx: ShipmentContext, limit = 100): Promise<number> {
  const rows = await ctx.db.$queryRaw<{ id: string }[]>`
    SELECT s.id FROM oms_shipment s
    WHERE s.tracking_number IS NOT NULL
      AND EXISTS (SELECT 1 FROM oms_erp_call c WHERE c.shipment_id = s.id AND c.action = 'record-shipment' AND c.request->>'TrackingNo' IS NULL)
      AND NOT EXISTS (SELECT 1 FROM oms_erp_call c WHERE c.shipment_id = s.id AND c.action = 'write-tracking' AND c.status BETWEEN 200 AND 299
                      AND c.request->>'TrackingNo' = s.tracking_number)
      -- a refused write is tried a few times, not on every poll forever
      AND (SELECT count(*) FROM oms_erp_call c WHERE c.shipment_id = s.id AND c.action = 'write-tracking' AND c.error IS NOT NULL) < 5
    ORDER BY s.updated_at LIMIT ${limit}`;
  let written = 0;
  for (const r of rows) {
    try {
      await writeTrackingNumber(ctx, r.id);
      written++;
    } catch (err) {
      if (err instanceof IdempiereError && err.outage) throw err;
      ctx.log.warn({ shipmentId: r.id, err: (err as Error).message }, 'tracking number write-back failed');
    }
  }
  return written;
}
