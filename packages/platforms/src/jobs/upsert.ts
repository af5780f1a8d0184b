// Storing fetched orders: one row per (channel, external id), touched only when the raw payload changed.
import { InvalidOrderError, isErpEligible, type CanonicalOrder, type OrderStatus } from '@oms/core';
import type { Channel, Db, ErpState } from '@oms/db';
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
/** In the ERP, or possibly (a write was started): a cancellation there must void it, so a person looks at it. */
function reachedErp(existing: Pick<Existing, 'erpState' | 'erpOrderId'> | null): boolean {
  return (
    !!existing &&
    (existing.erpOrderId !== null ||
      existing.erpState === 'written' ||
      existing.erpState === 'writing' ||
      existing.erpState === 'needs_attention')
  );
}

export function nextErpState(
  existing: Pick<Existing, 'erpState' | 'erpOrderId'> | null,
  order: CanonicalOrder | null,
  createOn: readonly OrderStatus[],
): ErpState {
  if (!order) return 'blocked';
  if (existing?.erpState === 'needs_attention') return 'needs_attention';
  if (reachedErp(existing)) return 'pending';
  return isErpEligible(order, createOn) ? 'pending' : 'waiting';
}

/** An oms_order row as written by the fetch (columns by their SQL names). */
interface OrderRow {
  external_id: string;
  external_number: string | null;
  platform_status: string | null;
  status: OrderStatus | null;
  platform_created_at: string | null;
  platform_updated_at: string | null;
  raw: unknown;
  normalized: CanonicalOrder | null;
  content_hash: string;
  invalid_reason: string | null;
  erp_state: ErpState;
  erp_reason: string | null;
}

// Rows go to PostgreSQL as one JSON parameter read by jsonb_to_recordset: the ORM walks every nested object of
// every payload, which cost the workers more CPU than fetching and normalizing the orders.
const ROW_COLUMNS = `external_id text, external_number text, platform_status text, status text, platform_created_at timestamptz,
  platform_updated_at timestamptz, raw jsonb, normalized jsonb, content_hash text, invalid_reason text, erp_state text, erp_reason text`;

/** Inserts new orders; returns the id of each one inserted by external id (one that exists already is skipped). */
async function insertOrders(db: Db, channelId: string, rows: OrderRow[]): Promise<Map<string, string>> {
  const made = await db.$queryRawUnsafe<{ id: string; external_id: string }[]>(
    `INSERT INTO oms_order (id, channel_id, external_id, external_number, platform_status, status, platform_created_at, platform_updated_at,
       raw, normalized, content_hash, invalid_reason, erp_state, erp_reason, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, r.external_id, r.external_number, r.platform_status, r.status::"OrderStatus", r.platform_created_at,
       r.platform_updated_at, r.raw, r.normalized, r.content_hash, r.invalid_reason, r.erp_state::"ErpState", r.erp_reason, now(), now()
     FROM jsonb_to_recordset($2::jsonb) AS r(${ROW_COLUMNS})
     ON CONFLICT (channel_id, external_id) DO NOTHING
     RETURNING id::text, external_id`,
    channelId,
    JSON.stringify(rows),
  );
  return new Map(made.map((m) => [m.external_id, m.id]));
}

/** Replaces the fetched content of existing orders (and their ERP state), all in one statement. */
async function updateOrders(db: Db, rows: (OrderRow & { id: string })[]): Promise<void> {
  if (!rows.length) return;
  await db.$executeRawUnsafe(
    `UPDATE oms_order AS o SET external_number = r.external_number, platform_status = r.platform_status, status = r.status::"OrderStatus",
       platform_created_at = r.platform_created_at, platform_updated_at = r.platform_updated_at, raw = r.raw, normalized = r.normalized,
       content_hash = r.content_hash, invalid_reason = r.invalid_reason, erp_state = r.erp_state::"ErpState", erp_reason = r.erp_reason,
       updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, ${ROW_COLUMNS})
     WHERE o.id = r.id`,
    JSON.stringify(rows),
  );
}

/** Upserts one page of fetched orders of a channel and enqueues ERP work for those that need it. */
export async function upsertOrders(
  ctx: PlatformJobContext,
  channel: Pick<Channel, 'id' | 'erpCreateOn'>,
  fetched: FetchedOrder[],
): Promise<UpsertCounts> {
  const counts = emptyCounts();
  if (fetched.length === 0) return counts;
  // The same order may appear twice in one page set (created and updated lists overlap): last one wins.
  const byId = new Map(fetched.map((f) => [f.externalId, f]));
  const merge = ctx.adapter.mergeRaw?.bind(ctx.adapter);
  const rows = await ctx.db.order.findMany({
    where: { channelId: channel.id, externalId: { in: [...byId.keys()] } },
    // The stored payload is read only by adapters that merge into it.
    select: {
      id: true,
      externalId: true,
      contentHash: true,
      erpState: true,
      erpOrderId: true,
      raw: merge !== undefined,
    },
  });
  const existingById = new Map(rows.map((r) => [r.externalId, r]));
  if (merge) {
    for (const [id, f] of byId) {
      const before = existingById.get(id);
      if (before) byId.set(id, { ...f, raw: merge(before.raw, f.raw) });
    }
  }
  const toEnqueue: { orderId: string; contentHash: string }[] = [];
  const creates: (OrderRow & { order: CanonicalOrder | null })[] = [];
  const updates: (OrderRow & { id: string })[] = [];
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
    let reportedStatus: OrderStatus | null = null;
    try {
      order = ctx.adapter.normalize(f.raw);
    } catch (err) {
      if (!(err instanceof InvalidOrderError)) throw err;
      invalidReason = `invalid ${ctx.kind} order: ${err.field}: ${err.problem}`;
      reportedStatus = err.status ?? null;
    }
    let erpState = nextErpState(existing, order, channel.erpCreateOn as OrderStatus[]);
    let erpReason = invalidReason;
    if (
      !order &&
      reportedStatus &&
      !isErpEligible({ status: reportedStatus, cod: false }, channel.erpCreateOn as OrderStatus[]) &&
      !reachedErp(existing)
    ) {
      // In a status that creates no ERP order (a cancellation, a return), and never in the ERP: nothing to write
      // and nothing to undo, so it is recorded as it is rather than put before a person. (COD is unknown without a
      // valid payload: the prepaid rule decides.)
      erpState = 'waiting';
      erpReason = `${reportedStatus} on the platform before it reached the ERP (${invalidReason})`;
    }
    const row: OrderRow = {
      external_id: f.externalId,
      external_number: order?.externalNumber ?? null,
      platform_status: order?.platformStatus ?? null,
      status: order?.status ?? reportedStatus,
      platform_created_at: order ? new Date(order.createdAt).toISOString() : null,
      platform_updated_at: order ? new Date(order.updatedAt).toISOString() : null,
      raw: f.raw,
      normalized: order,
      content_hash: hash,
      invalid_reason: invalidReason,
      erp_state: erpState,
      erp_reason: erpReason,
    };
    if (!order) counts.invalid++;
    if (existing) {
      updates.push({ ...row, id: existing.id });
      counts.changed++;
      if (row.erp_state === 'pending') toEnqueue.push({ orderId: existing.id, contentHash: hash });
    } else {
      creates.push({ ...row, order });
    }
  }
  if (creates.length) {
    // New orders of a page in one statement; one that appeared meanwhile (a webhook fetch) is skipped here
    // and takes the update path below.
    const madeIds = await insertOrders(
      ctx.db,
      channel.id,
      creates.map(({ order: _o, ...r }) => r),
    );
    for (const c of creates) {
      const id = madeIds.get(c.external_id);
      if (id) {
        counts.new++;
        if (c.erp_state === 'pending') toEnqueue.push({ orderId: id, contentHash: c.content_hash });
        continue;
      }
      const row = await ctx.db.order.findUniqueOrThrow({
        where: { channelId_externalId: { channelId: channel.id, externalId: c.external_id } },
      });
      if (row.contentHash === c.content_hash) {
        counts.unchanged++;
        continue;
      }
      const { order, ...r } = c;
      const erpState = nextErpState(row, order, channel.erpCreateOn as OrderStatus[]);
      updates.push({ ...r, erp_state: erpState, id: row.id });
      counts.changed++;
      if (erpState === 'pending') toEnqueue.push({ orderId: row.id, contentHash: c.content_hash });
    }
  }
  await updateOrders(ctx.db, updates);
  // After the commit: the database is the outbox, a lost enqueue is found again by the reconciler.
  await Promise.all(toEnqueue.map((p) => ctx.queues.add('writeOrder', p)));
  return counts;
}
