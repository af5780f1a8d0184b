// Storing fetched orders: one row per (channel, external id), touched only when the raw payload changed.
import { InvalidOrderError, isErpEligible, type CanonicalOrder, type OrderStatus } from '@oms/core';
import { Prisma, type Channel, type ErpState } from '@oms/db';
import type { FetchedOrder } from '../adapter';
import { contentHash } from '../hash';
import type { PlatformJobContext } from './context';

export interface UpsertCounts {
  new: number;
  changed: number;
  unchanged: number;
  invalid: number;
}

export const emptyCounts = (): UpsertCounts => ({ new: 0, changed: 0, unchanged: 0, invalid: 0 });

interface Existing {
  id: string;
  contentHash: string;
  erpState: ErpState;
  erpOrderId: number | null;
}

/**
 * The ERP state a new or changed order gets. Invalid: blocked. Already in the ERP (or being written):
 * pending, so the writer updates or cancels it. A person must decide: unchanged. Otherwise waiting
 * until eligible, then pending.
 */
export function nextErpState(existing: Pick<Existing, 'erpState' | 'erpOrderId'> | null, order: CanonicalOrder | null, createOn: readonly OrderStatus[]): ErpState {
  if (!order) return 'blocked';
  if (existing?.erpState === 'needs_attention') return 'needs_attention';
  if (existing && (existing.erpOrderId !== null || existing.erpState === 'written' || existing.erpState === 'writing')) return 'pending';
  return isErpEligible(order, createOn) ? 'pending' : 'waiting';
}

/** Upserts one page of fetched orders of a channel and enqueues ERP work for those that need it. */
export async function upsertOrders(ctx: PlatformJobContext, channel: Pick<Channel, 'id' | 'erpCreateOn'>, fetched: FetchedOrder[]): Promise<UpsertCounts> {
  const counts = emptyCounts();
  if (fetched.length === 0) return counts;
  // The same order may appear twice in one page set (created and updated lists overlap): last one wins.
  const byId = new Map(fetched.map((f) => [f.externalId, f]));
  const merge = ctx.adapter.mergeRaw?.bind(ctx.adapter);
  const rows = await ctx.db.order.findMany({
    where: { channelId: channel.id, externalId: { in: [...byId.keys()] } },
    // The stored payload is read only by adapters that merge into it.
    select: { id: true, externalId: true, contentHash: true, erpState: true, erpOrderId: true, raw: merge !== undefined },
  });
  const existingById = new Map(rows.map((r) => [r.externalId, r]));
  if (merge) {
    for (const [id, f] of byId) {
      const before = existingById.get(id);
      if (before) byId.set(id, { ...f, raw: merge(before.raw, f.raw) });
    }
  }
  const toEnqueue: { orderId: string; contentHash: string }[] = [];
  const creates: (Prisma.OrderCreateManyInput & { externalId: string; contentHash: string; erpState: ErpState; order: CanonicalOrder | null })[] = [];
  for (const f of byId.values()) {
    const hash = contentHash(f.raw);
    const existing = existingById.get(f.externalId) ?? null;
    if (existing && existing.contentHash === hash) {
      counts.unchanged++;
      // A worker killed between commit and enqueue left it without a job: adding again is a no-op
      // when the job exists (deterministic id), and closes the gap within the overlap window.
      if (existing.erpState === 'pending') toEnqueue.push({ orderId: existing.id, contentHash: hash });
      continue;
    }
    let order: CanonicalOrder | null = null;
    let invalidReason: string | null = null;
    try {
      order = ctx.adapter.normalize(f.raw);
    } catch (err) {
      if (!(err instanceof InvalidOrderError)) throw err;
      invalidReason = `invalid ${ctx.kind} order: ${err.field}: ${err.problem}`;
    }
    const erpState = nextErpState(existing, order, channel.erpCreateOn as OrderStatus[]);
    const data = {
      externalNumber: order?.externalNumber ?? null,
      platformStatus: order?.platformStatus ?? null,
      status: order?.status ?? null,
      platformCreatedAt: order ? new Date(order.createdAt) : null,
      platformUpdatedAt: order ? new Date(order.updatedAt) : null,
      raw: f.raw as Prisma.InputJsonValue,
      normalized: order ? (order as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
      contentHash: hash,
      invalidReason,
      erpState,
      erpReason: invalidReason,
    };
    if (!order) counts.invalid++;
    if (existing) {
      await ctx.db.order.update({ where: { id: existing.id }, data });
      counts.changed++;
      if (erpState === 'pending') toEnqueue.push({ orderId: existing.id, contentHash: hash });
    } else {
      creates.push({ channelId: channel.id, externalId: f.externalId, ...data, order });
    }
  }
  if (creates.length) {
    // New orders of a page in one statement; one that appeared meanwhile (a webhook fetch) is skipped here
    // and takes the update path below.
    const made = await ctx.db.order.createManyAndReturn({ data: creates.map(({ order: _o, ...d }) => d), skipDuplicates: true, select: { id: true, externalId: true } });
    const madeIds = new Map(made.map((m) => [m.externalId, m.id]));
    for (const c of creates) {
      const id = madeIds.get(c.externalId);
      if (id) {
        counts.new++;
        if (c.erpState === 'pending') toEnqueue.push({ orderId: id, contentHash: c.contentHash });
        continue;
      }
      const row = await ctx.db.order.findUniqueOrThrow({ where: { channelId_externalId: { channelId: channel.id, externalId: c.externalId } } });
      if (row.contentHash === c.contentHash) {
        counts.unchanged++;
        continue;
      }
      const erpState = nextErpState(row, c.order, channel.erpCreateOn as OrderStatus[]);
      const { channelId: _c, externalId: _e, order: _o, ...data } = c;
      await ctx.db.order.update({ where: { id: row.id }, data: { ...data, erpState } });
      counts.changed++;
      if (erpState === 'pending') toEnqueue.push({ orderId: row.id, contentHash: c.contentHash });
    }
  }
  // After the commit: the database is the outbox, a lost enqueue is found again by the reconciler.
  await Promise.all(toEnqueue.map((p) => ctx.queues.add('writeOrder', p)));
  return counts;
}
