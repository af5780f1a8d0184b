// Writes a set of oms_order rows into iDempiere: new orders in ONE batch request (customers created in the
// same request), changes/cancellations one by one. Idempotent: each order is marked `writing` before the
// request; an order found `writing` is first looked up by POReference, so a retry never creates a second C_Order.
import { isErpEligible, parseCanonicalOrder, type CanonicalOrder, type OrderStatus } from '@oms/core';
import type { Db, Order, Channel } from '@oms/db';
import type { Logger } from '@oms/logger';
import type { BatchRequest, IdempiereClient, IdRecord } from '../client';
import { fkId, listValue } from '../client';
import { IdempiereError } from '../errors';
import { f } from '../filter';
import {
  channelTag,
  customerBody,
  mapOrder,
  MappingError,
  poReference,
  productBody,
  skuColumn,
  UnknownSkuError,
  type CustomerRef,
  type MappedOrder,
  type MappingSettings,
  type NewProductSettings,
  type ProductRef,
} from '../mapping';
import { CustomerCache, ProductCache, type CustomerNeed } from './catalog';

export interface WriterSettings extends MappingSettings {
  /** Orders per batch request. */
  batchSize: number;
  /** Batches one write-order job may chain (taking further waiting jobs) before it returns. */
  batchesPerJob?: number;
  /** UOM, category and tax category of products created for unknown SKUs (channels with allowCreateProducts). */
  newProduct?: NewProductSettings;
}

export interface WriterContext {
  db: Db;
  client: IdempiereClient;
  log: Logger;
  settings: WriterSettings;
  products: ProductCache;
  customers: CustomerCache;
}

export function createWriterContext(opts: {
  db: Db;
  client: IdempiereClient;
  log: Logger;
  settings: WriterSettings;
}): WriterContext {
  return { ...opts, products: new ProductCache(opts.client), customers: new CustomerCache(opts.client) };
}

export type OutcomeState = 'written' | 'blocked' | 'waiting' | 'needs_attention' | 'unchanged' | 'retry';

export interface Outcome {
  state: OutcomeState;
  reason?: string;
  documentNo?: string;
  /** The error behind a `retry`: transient, the job retries with backoff. */
  error?: IdempiereError;
}

type Row = Order & { channel: Channel };

interface CallRow {
  orderId: string | null;
  shipmentId?: string | null;
  action: string;
  method: string;
  path: string;
  request: unknown;
  status: number | null;
  durationMs: number;
  documentNo?: string | null;
  error?: string | null;
}

/** The DB change an outcome makes to its oms_order row (applied for the whole batch in one statement). */
interface RowUpdate {
  id: string;
  state: 'written' | 'blocked' | 'waiting' | 'needs_attention' | 'pending' | 'writing' | 'failed';
  reason: string | null;
  erpOrderId?: number | null;
  documentNo?: string | null;
  docStatus?: string | null;
  writtenHash?: string | null;
}

function errorMessage(err: unknown): string {
  if (err instanceof IdempiereError) {
    const d = err.details;
    return [d.title, d.detail].filter(Boolean).join(': ') || err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Keeps the request that goes into oms_erp_call small and free of anything secret (there is none in bodies). */
function requestRecord(body: unknown, extra: Record<string, unknown> = {}): unknown {
  return { ...extra, body };
}

/**
 * One INSERT for many calls, the rows as one JSON parameter: the ORM would walk every nested object of every
 * request, and text arrays get escaped character by character.
 */
export async function recordCalls(db: Db, rows: CallRow[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      order_id: r.orderId,
      shipment_id: r.shipmentId ?? null,
      action: r.action,
      method: r.method,
      path: r.path,
      request: r.request ?? null,
      status: r.status,
      duration_ms: Math.round(r.durationMs),
      document_no: r.documentNo ?? null,
      error: r.error ? r.error.slice(0, 2000) : null,
    })),
  );
  await db.$executeRaw`
    INSERT INTO oms_erp_call (id, order_id, shipment_id, action, method, path, request, status, duration_ms, document_no, error)
    SELECT gen_random_uuid(), u.order_id, u.shipment_id, u.action, u.method, u.path, u.request, u.status, u.duration_ms, u.document_no, u.error
    FROM jsonb_to_recordset(${json}::jsonb)
      AS u(order_id uuid, shipment_id uuid, action text, method text, path text, request jsonb, status int, duration_ms int, document_no text, error text)`;
}

async function applyUpdates(db: Db, updates: RowUpdate[]): Promise<void> {
  if (!updates.length) return;
  const col = <T>(fn: (u: RowUpdate) => T) => updates.map(fn);
  await db.$executeRaw`
    UPDATE oms_order AS o SET
      erp_state = u.state::"ErpState",
      erp_reason = u.reason,
      erp_order_id = COALESCE(u.erp_id, o.erp_order_id),
      erp_document_no = COALESCE(u.doc, o.erp_document_no),
      erp_doc_status = COALESCE(u.doc_status, o.erp_doc_status),
      erp_written_hash = COALESCE(u.hash, o.erp_written_hash),
      erp_updated_at = now(),
      updated_at = now()
    FROM unnest(
      ${col((u) => u.id)}::uuid[], ${col((u) => u.state)}::text[], ${col((u) => u.reason)}::text[], ${col((u) => u.erpOrderId ?? null)}::int[],
      ${col((u) => u.documentNo ?? null)}::text[], ${col((u) => u.docStatus ?? null)}::text[], ${col((u) => u.writtenHash ?? null)}::text[]
    ) AS u(id, state, reason, erp_id, doc, doc_status, hash)
    WHERE o.id = u.id`;
}

async function markWriting(db: Db, list: { id: string; ref: string }[]): Promise<void> {
  if (!list.length) return;
  await db.$executeRaw`
    UPDATE oms_order AS o SET erp_state = 'writing', erp_reference = u.ref, erp_attempts = o.erp_attempts + 1,
      erp_updated_at = now(), updated_at = now()
    FROM unnest(${list.map((l) => l.id)}::uuid[], ${list.map((l) => l.ref)}::text[]) AS u(id, ref)
    WHERE o.id = u.id`;
}

const SHIPPED_STATUSES: OrderStatus[] = ['shipped', 'delivered', 'completed', 'returned'];

interface Work {
  row: Row;
  canon: CanonicalOrder;
  /** Found by POReference after an interrupted write: exists in the ERP with this content. */
  found?: IdRecord;
}

type Decide = (row: Row, update: Omit<RowUpdate, 'id'>, outcome: Outcome) => void;

interface ReadyOrder {
  w: Work;
  mapped: MappedOrder;
  need: CustomerNeed;
}

/**
 * One batch of orders on its way: decided without writing (waiting, blocked, unchanged), orders to create in one
 * batch request, and existing ERP orders to void or update. Prepared (reads, mapping, the `writing` mark) while
 * the previous batch is still being written; sent strictly after it, so iDempiere never sees two writes at once.
 */
export interface PreparedBatch {
  ids: string[];
  outcomes: Map<string, Outcome>;
  updates: RowUpdate[];
  calls: CallRow[];
  ready: ReadyOrder[];
  existing: Work[];
  decide: Decide;
  /** Database writes started while sending (kept off the critical path), awaited by finishBatch. */
  saves: Promise<unknown>[];
  /** Products to create first in the batch request (unknown SKUs of channels that allow it). */
  newProducts: {
    sku: string;
    column: 'Value' | 'UPC' | 'SKU';
    orderId: string;
    body: Record<string, unknown>;
    price: Record<string, unknown> | null;
  }[];
}

/**
 * The columns the writer needs (not the raw payload), in one plain query: the ORM's per-row work costs more than
 * iDempiere's time per order. Channels are few; read in a second query.
 */
async function loadRows(db: Db, ids: string[]): Promise<Row[]> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT id, channel_id, external_id, content_hash, normalized::text AS normalized, invalid_reason, erp_state::text AS erp_state, erp_order_id,
           erp_document_no, erp_doc_status, erp_reference, erp_written_hash
    FROM oms_order WHERE id = ANY(${ids}::uuid[])`;
  const channelIds = [...new Set(rows.map((r) => r.channel_id as string))];
  const channels = channelIds.length ? await db.channel.findMany({ where: { id: { in: channelIds } } }) : [];
  return rows.map(
    (r) =>
      ({
        id: r.id,
        channelId: r.channel_id,
        externalId: r.external_id,
        contentHash: r.content_hash,
        // Read as text and parsed here: the driver's JSON result mapping walks every value and cost more.
        normalized: r.normalized === null ? null : JSON.parse(r.normalized as string),
        invalidReason: r.invalid_reason,
        erpState: r.erp_state,
        erpOrderId: r.erp_order_id,
        erpDocumentNo: r.erp_document_no,
        erpDocStatus: r.erp_doc_status,
        erpReference: r.erp_reference,
        erpWrittenHash: r.erp_written_hash,
        channel: channels.find((c) => c.id === r.channel_id)!,
      }) as unknown as Row,
  );
}

/** Reads and decides everything that needs no ERP write; marks the orders to create `writing`. */
export async function prepareBatch(ctx: WriterContext, orderIds: string[]): Promise<PreparedBatch> {
  const { db } = ctx;
  const outcomes = new Map<string, Outcome>();
  const updates: RowUpdate[] = [];
  const calls: CallRow[] = [];
  const decide: Decide = (row, update, outcome) => {
    updates.push({ id: row.id, ...update });
    outcomes.set(row.id, outcome);
  };
  const block = (row: Row, reason: string) => decide(row, { state: 'blocked', reason }, { state: 'blocked', reason });
  const batch: PreparedBatch = {
    ids: orderIds,
    outcomes,
    updates,
    calls,
    ready: [],
    existing: [],
    decide,
    saves: [],
    newProducts: [],
  };

  const rows = await loadRows(db, orderIds);
  for (const id of orderIds)
    if (!rows.some((r) => r.id === id)) outcomes.set(id, { state: 'unchanged', reason: 'order not found' });

  const fresh: Work[] = [];
  const lookups: Work[] = [];
  for (const row of rows) {
    if ((row.erpState === 'written' || row.erpState === 'needs_attention') && row.erpWrittenHash === row.contentHash) {
      outcomes.set(row.id, { state: 'unchanged' });
      continue;
    }
    if (!row.normalized) {
      block(row, `the platform payload is not a valid order: ${row.invalidReason ?? 'no normalized order'}`);
      continue;
    }
    let canon: CanonicalOrder;
    try {
      canon = parseCanonicalOrder(row.normalized, row.externalId);
    } catch (err) {
      block(row, `the normalized order is invalid: ${(err as Error).message}`);
      continue;
    }
    if (row.erpOrderId) batch.existing.push({ row, canon });
    // Attempted before (marked `writing` with its POReference): it may exist already, whatever the state says now.
    else if (row.erpState === 'writing' || row.erpReference) lookups.push({ row, canon });
    else fresh.push({ row, canon });
  }

  // Interrupted writes: does the C_Order exist already? One GET for all of them.
  if (lookups.length) {
    const refs = lookups.map(
      (w) => w.row.erpReference ?? poReference(w.row.channelId, w.canon, ctx.settings.poReferenceLength),
    );
    const started = performance.now();
    const unique = [...new Set(refs)];
    const found: IdRecord[] = [];
    // Every match, page by page: other channels may use the same references.
    for (let i = 0; i < unique.length; i += 50) {
      found.push(
        ...(await ctx.client.getAll<IdRecord>('C_Order', {
          filter: f.and(f.in('POReference', unique.slice(i, i + 50)), f.eq('IsSOTrx', true)),
          select: ['DocumentNo', 'DocStatus', 'POReference', 'Description', 'GrandTotal', 'AD_Org_ID'],
        })),
      );
    }
    lookups.forEach((w, i) => {
      const hit = found.find(
        (r) => r.POReference === refs[i] && String(r.Description ?? '').includes(channelTag(w.row.channelId)),
      );
      calls.push({
        orderId: w.row.id,
        action: 'lookup',
        method: 'GET',
        path: 'models/C_Order',
        request: { POReference: refs[i] },
        status: 200,
        durationMs: performance.now() - started,
        documentNo: hit ? String(hit.DocumentNo ?? '') : null,
      });
      if (hit) batch.existing.push({ ...w, found: hit });
      else fresh.push(w);
    });
  }

  const toCreate: Work[] = [];
  for (const w of fresh) {
    if (isErpEligible(w.canon, w.row.channel.erpCreateOn)) toCreate.push(w);
    else {
      const reason =
        w.canon.status === 'cancelled' || w.canon.status === 'returned'
          ? `${w.canon.status} before it reached the ERP`
          : `status ${w.canon.status} does not create the ERP order yet`;
      decide(w.row, { state: 'waiting', reason }, { state: 'waiting', reason });
    }
  }
  if (!toCreate.length) return batch;

  const products = await resolveProducts(ctx, toCreate);
  const needs: CustomerNeed[] = await ctx.customers.resolve(
    ctx.db,
    toCreate.map((w) => ({ channel: w.row.channel, order: w.canon })),
  );
  const creatingNow = new Set<string>();
  for (const [i, w] of toCreate.entries()) {
    const need = needs[i]!;
    if (need.blocked || !need.ref) {
      block(w.row, need.blocked ?? 'no customer');
      continue;
    }
    let known: Map<string, ProductRef> = products.get(w.row.channelId) ?? new Map();
    try {
      let mapped: MappedOrder;
      try {
        mapped = mapOrder(w.row.channel, w.canon, need.ref as CustomerRef, known, ctx.settings);
      } catch (err) {
        if (!(err instanceof UnknownSkuError) || !w.row.channel.allowCreateProducts || !ctx.settings.newProduct)
          throw err;
        // The channel allows it: create the products in the same request, referenced by Value.
        known = new Map(known);
        for (const sku of err.skus) {
          known.set(sku, { value: sku });
          if (ctx.products.isCreating(sku) || creatingNow.has(sku)) continue;
          creatingNow.add(sku);
          const line = w.canon.lines.find((l) => l.sku === sku)!;
          const version = w.row.channel.erpPriceListId
            ? await ctx.products.priceListVersion(w.row.channel.erpPriceListId)
            : null;
          batch.newProducts.push({
            sku,
            column: skuColumn(w.row.channel.skuMatch),
            orderId: w.row.id,
            body: productBody(w.row.channel, sku, line.name, ctx.settings.newProduct),
            price: version
              ? {
                  M_PriceList_Version_ID: version,
                  M_Product_ID: { lookupColumn: 'Value', lookupValue: sku },
                  PriceList: Number(line.unitPrice),
                  PriceStd: Number(line.unitPrice),
                  PriceLimit: 0,
                }
              : null,
          });
        }
        mapped = mapOrder(w.row.channel, w.canon, need.ref as CustomerRef, known, ctx.settings);
      }
      batch.ready.push({ w, mapped, need });
    } catch (err) {
      if (err instanceof MappingError) block(w.row, err.message);
      else throw err;
    }
  }
  ctx.products.begin(batch.newProducts.map((p) => p.sku));
  const creating = batch.ready.flatMap((r) => (r.need.create ? [r.need.create.value] : []));
  ctx.customers.begin(creating);
  try {
    // The idempotency mark: from here on a retry looks the order up before writing it again.
    await markWriting(
      ctx.db,
      batch.ready.map((r) => ({ id: r.w.row.id, ref: r.mapped.poReference })),
    );
  } catch (err) {
    for (const v of creating) ctx.customers.settle(v, false);
    for (const p of batch.newProducts) ctx.products.settle(p.sku, null, p.column);
    throw err;
  }
  return batch;
}

/**
 * Writes a prepared batch: one batch request for the new orders (new customers first, in the same request),
 * then the voids/updates one by one. Throws only when iDempiere could not be used at all (outage); what was
 * decided until then stays in the batch for finishBatch.
 */
export interface SendHooks {
  /** Called once iDempiere has finished this batch's writes (its answer started): the next batch may go out. */
  onWritten?: () => void;
  /** The previous batch's processing: this batch's results are read after it (customers it created are known). */
  after?: Promise<unknown>;
}

export async function sendBatch(ctx: WriterContext, batch: PreparedBatch, hooks: SendHooks = {}): Promise<void> {
  // Orders whose new customer failed in an earlier batch of this run would fail on the missing customer: retry them.
  batch.ready = batch.ready.filter((r) => {
    const v = r.need.dependsOn;
    if (v && ctx.customers.failed(v)) {
      batch.decide(
        r.w.row,
        { state: 'pending', reason: 'its new customer could not be created; retrying' },
        { state: 'retry', reason: 'its new customer could not be created' },
      );
      return false;
    }
    return true;
  });
  if (batch.ready.length) await sendCreates(ctx, batch, batch.existing.length ? { after: hooks.after } : hooks);
  else await hooks.after?.catch(() => undefined);
  for (const w of batch.existing) {
    try {
      await updateExisting(ctx, w, batch.decide, batch.calls);
    } catch (err) {
      if (err instanceof IdempiereError && err.transient) {
        if (err.outage) throw err;
        batch.outcomes.set(w.row.id, { state: 'retry', reason: errorMessage(err), error: err });
      } else if (err instanceof IdempiereError || err instanceof MappingError) {
        const reason = errorMessage(err);
        batch.decide(w.row, { state: 'blocked', reason }, { state: 'blocked', reason });
      } else throw err;
    }
  }
  // Without updates, sendCreates signalled it already, as soon as the batch was answered.
  if (batch.existing.length || !batch.ready.length) hooks.onWritten?.();
}

/** A prepared batch that will not be sent (the one before it hit an outage): its customers are not being created. */
export function abandonBatch(ctx: WriterContext, batch: PreparedBatch): void {
  for (const r of batch.ready) if (r.need.create) ctx.customers.settle(r.need.create.value, false);
  for (const p of batch.newProducts) ctx.products.settle(p.sku, null, p.column);
}

/** Saves the decisions of a batch: one UPDATE for all its orders, one INSERT for its call log. */
export async function finishBatch(ctx: WriterContext, batch: PreparedBatch): Promise<void> {
  await Promise.all([
    applyUpdates(ctx.db, batch.updates.splice(0)),
    recordCalls(ctx.db, batch.calls.splice(0)),
    ...batch.saves.splice(0),
  ]);
}

/**
 * Writes the given orders (one batch). Returns one outcome per order id. Throws an IdempiereError only when the
 * batch as a whole could not be sent (iDempiere down, login refused): then the orders stay as they were (or
 * `writing`, to be looked up next time).
 */
export async function writeOrders(ctx: WriterContext, orderIds: string[]): Promise<Map<string, Outcome>> {
  const batch = await prepareBatch(ctx, orderIds);
  try {
    await sendBatch(ctx, batch);
  } finally {
    await finishBatch(ctx, batch);
  }
  return batch.outcomes;
}

async function resolveProducts(ctx: WriterContext, works: Work[]) {
  const byChannel = new Map<string, { channel: Channel; skus: Set<string> }>();
  for (const w of works) {
    const e = byChannel.get(w.row.channelId) ?? { channel: w.row.channel, skus: new Set<string>() };
    for (const l of w.canon.lines) if (l.sku) e.skus.add(l.sku);
    byChannel.set(w.row.channelId, e);
  }
  return ctx.products.resolve(
    ctx.db,
    [...byChannel.values()].map((e) => ({ channel: e.channel, skus: [...e.skus] })),
  );
}

async function sendCreates(ctx: WriterContext, batch: PreparedBatch, hooks: SendHooks): Promise<void> {
  const { ready, decide, calls } = batch;
  const requests: BatchRequest[] = [];
  // Products first (then their price on the channel's price list), customers next, orders last.
  const productAt = batch.newProducts.map((p) => {
    requests.push({ method: 'POST', path: 'v1/models/M_Product', body: p.body });
    const at = requests.length - 1;
    if (p.price) requests.push({ method: 'POST', path: 'v1/models/M_ProductPrice', body: p.price });
    return at;
  });
  const customerAt = new Map<
    string,
    { index: number; create: NonNullable<CustomerNeed['create']>; orderId: string; body: Record<string, unknown> }
  >();
  for (const r of ready) {
    const c = r.need.create;
    if (!c || customerAt.has(c.value)) continue;
    const body = customerBody(r.w.row.channel, r.w.canon, c.value);
    customerAt.set(c.value, { index: requests.length, create: c, orderId: r.w.row.id, body });
    requests.push({ method: 'POST', path: 'v1/models/C_BPartner', body });
  }
  const orderAt = ready.map((r) => {
    requests.push({ method: 'POST', path: 'v1/models/C_Order', body: r.mapped.body });
    return requests.length - 1;
  });

  const started = performance.now();
  let results;
  try {
    const answer = await ctx.client.batchStart(requests, { transaction: false });
    hooks.onWritten?.();
    results = await answer.results;
    // Customers and products of the previous batch are settled before this one's results are judged.
    await hooks.after?.catch(() => undefined);
  } catch (err) {
    for (const v of customerAt.keys()) ctx.customers.settle(v, false);
    for (const p of batch.newProducts) ctx.products.settle(p.sku, null, p.column);
    throw err;
  }
  const took = performance.now() - started;

  batch.newProducts.forEach((p, i) => {
    const res = results[productAt[i]!]!;
    const rec = res.body as IdRecord | undefined;
    calls.push({
      orderId: p.orderId,
      action: 'create-product',
      method: 'POST',
      path: 'models/M_Product',
      request: requestRecord(p.body, { price: p.price }),
      status: res.statusCode,
      durationMs: took,
      error: res.error ? errorMessage(res.error) : null,
    });
    ctx.products.settle(p.sku, !res.error && rec?.id ? rec.id : null, p.column);
  });

  const createdCustomers: { channelId: string; key: string; bpartnerId: number; locationId: number | null }[] = [];
  const customerError = new Map<string, IdempiereError>();
  for (const [value, c] of customerAt) {
    const res = results[c.index]!;
    const rec = res.body as IdRecord | undefined;
    calls.push({
      orderId: c.orderId,
      action: 'create-customer',
      method: 'POST',
      path: 'models/C_BPartner',
      request: requestRecord(c.body),
      status: res.statusCode,
      durationMs: took,
      error: res.error ? errorMessage(res.error) : null,
    });
    if (res.error || !rec?.id) {
      customerError.set(value, res.error ?? new IdempiereError('server', 'C_BPartner created without an id'));
      continue;
    }
    const locations = rec.C_BPartner_Location;
    const locationId = Array.isArray(locations) && locations[0] ? fkId((locations[0] as IdRecord).id) : null;
    createdCustomers.push({ channelId: c.create.channelId, key: c.create.key, bpartnerId: rec.id, locationId });
  }
  // Learned in memory at once (a batch being prepared meanwhile sees them), saved in the database after.
  batch.saves.push(ctx.customers.created(ctx.db, createdCustomers));
  for (const value of customerAt.keys()) ctx.customers.settle(value, !customerError.has(value));

  ready.forEach((r, i) => {
    const res = results[orderAt[i]!]!;
    const rec = res.body as IdRecord | undefined;
    const value = r.need.create?.value;
    // An order whose new customer failed fails for the customer's reason, not for a missing foreign key.
    let err = res.error ? (value && customerError.get(value)) || res.error : undefined;
    // Its customer was being created by the previous batch, which failed to: retry, it is not this order's fault.
    if (err && r.need.dependsOn && ctx.customers.failed(r.need.dependsOn))
      err = new IdempiereError('lock_timeout', `its new customer could not be created: ${errorMessage(err)}`);
    const documentNo = rec && !err ? String(rec.DocumentNo ?? '') : null;
    calls.push({
      orderId: r.w.row.id,
      action: 'create',
      method: 'POST',
      path: 'models/C_Order',
      request: requestRecord(r.mapped.body, { fingerprint: r.mapped.fingerprint, batch: requests.length }),
      status: res.statusCode,
      durationMs: took,
      documentNo,
      error: err ? errorMessage(err) : null,
    });
    if (!err && rec?.id) {
      const docStatus = listValue(rec.DocStatus);
      let reason: string | null = null;
      const grand = rec.GrandTotal;
      if (
        grand !== undefined &&
        grand !== null &&
        Math.round(Number(grand) * 100) !== Math.round(Number(r.mapped.total) * 100)
      ) {
        reason = `iDempiere GrandTotal ${grand} differs from the platform total ${r.mapped.total} (taxes or rounding in the ERP)`;
        ctx.log.warn({ orderId: r.w.row.id, grand, total: r.mapped.total }, reason);
      }
      decide(
        r.w.row,
        {
          state: reason ? 'needs_attention' : 'written',
          reason,
          erpOrderId: rec.id,
          documentNo,
          docStatus,
          writtenHash: r.w.row.contentHash,
        },
        {
          state: reason ? 'needs_attention' : 'written',
          reason: reason ?? undefined,
          documentNo: documentNo ?? undefined,
        },
      );
    } else if (err && err.transient) {
      // This one request failed and was rolled back on its own: nothing was created, so no lookup is needed.
      decide(
        r.w.row,
        { state: 'pending', reason: errorMessage(err) },
        { state: 'retry', reason: errorMessage(err), error: err },
      );
    } else {
      const reason = err ? errorMessage(err) : 'C_Order created without an id';
      decide(r.w.row, { state: 'blocked', reason }, { state: 'blocked', reason });
    }
  });
}

/** Whether anything of the order left the warehouse: an OMS shipment row or a completed M_InOut. */
async function shippedDocument(ctx: WriterContext, row: Row, calls: CallRow[]): Promise<string | null> {
  const s = await ctx.db.shipment.findFirst({
    where: { orderId: row.id },
    select: { erpDocumentNo: true, erpInOutId: true },
  });
  if (s) return s.erpDocumentNo ?? `M_InOut ${s.erpInOutId}`;
  const started = performance.now();
  const page = await ctx.client.get<IdRecord>('M_InOut', {
    filter: f.and(f.eq('C_Order_ID', row.erpOrderId!), f.in('DocStatus', ['CO', 'CL', 'IP'])),
    select: ['DocumentNo'],
    top: 1,
  });
  calls.push({
    orderId: row.id,
    action: 'check-shipped',
    method: 'GET',
    path: 'models/M_InOut',
    request: { C_Order_ID: row.erpOrderId },
    status: 200,
    durationMs: performance.now() - started,
    documentNo: page.records[0] ? String(page.records[0].DocumentNo) : null,
  });
  return page.records[0] ? String(page.records[0].DocumentNo ?? page.records[0].id) : null;
}

async function lastFingerprint(ctx: WriterContext, orderId: string): Promise<string | null> {
  // The fingerprint of the last successful create/update (or the baseline taken when it was found by lookup).
  const rows = await ctx.db.$queryRaw<{ fp: string }[]>`
    SELECT request->>'fingerprint' AS fp FROM oms_erp_call
    WHERE order_id = ${orderId}::uuid AND action IN ('create', 'update', 'lookup') AND status BETWEEN 200 AND 299
      AND request->>'fingerprint' IS NOT NULL
    ORDER BY created_at DESC LIMIT 1`;
  return rows[0]?.fp ?? null;
}

async function updateExisting(ctx: WriterContext, w: Work, decide: Decide, calls: CallRow[]): Promise<void> {
  const { row, canon } = w;
  const erpOrderId = row.erpOrderId ?? w.found!.id;
  const r: Row = { ...row, erpOrderId };
  const base = w.found
    ? { erpOrderId, documentNo: String(w.found.DocumentNo ?? ''), docStatus: listValue(w.found.DocStatus) }
    : { erpOrderId, documentNo: row.erpDocumentNo, docStatus: row.erpDocStatus };
  const written = (extra: Partial<RowUpdate> = {}, reason: string | null = null) =>
    decide(
      row,
      { state: 'written', reason, ...base, writtenHash: row.contentHash, ...extra },
      { state: 'written', reason: reason ?? undefined, documentNo: extra.documentNo ?? base.documentNo ?? undefined },
    );
  const attention = (reason: string) =>
    decide(
      row,
      { state: 'needs_attention', reason, ...base, writtenHash: row.contentHash },
      { state: 'needs_attention', reason },
    );
  const docStatus = base.docStatus;

  if (canon.status === 'cancelled' || canon.status === 'returned') {
    if (docStatus === 'VO') return written({}, 'voided: cancelled on the platform');
    const shipped = await shippedDocument(ctx, r, calls);
    if (shipped) {
      return attention(
        canon.status === 'returned'
          ? `returned on the platform after shipment ${shipped}: record the customer return in iDempiere`
          : `cancelled on the platform but already shipped (${shipped}): reverse the shipment in iDempiere, then void the order`,
      );
    }
    const started = performance.now();
    try {
      const rec = await ctx.client.docAction<IdRecord>('C_Order', erpOrderId, 'VO');
      calls.push({
        orderId: row.id,
        action: 'void',
        method: 'PUT',
        path: `models/C_Order/${erpOrderId}`,
        request: { 'doc-action': 'VO' },
        status: 200,
        durationMs: performance.now() - started,
        documentNo: base.documentNo,
      });
      return written({ docStatus: listValue(rec.DocStatus) ?? 'VO' }, `voided: ${canon.status} on the platform`);
    } catch (err) {
      calls.push({
        orderId: row.id,
        action: 'void',
        method: 'PUT',
        path: `models/C_Order/${erpOrderId}`,
        request: { 'doc-action': 'VO' },
        status: (err as IdempiereError).status ?? null,
        durationMs: performance.now() - started,
        error: errorMessage(err),
      });
      throw err;
    }
  }

  // Same content in the ERP? Compare what we would write now with what was written last.
  const products = await resolveProducts(ctx, [w]);
  if (w.found) {
    // It exists: record it whatever the mapping says today (the fingerprint is only for later changes).
    let fingerprint: string | null = null;
    try {
      fingerprint = mapOrder(
        row.channel,
        canon,
        { bpartnerId: 1 },
        products.get(row.channelId) ?? new Map(),
        ctx.settings,
      ).fingerprint;
    } catch {
      // no baseline: the next change is compared from scratch
    }
    calls.push({
      orderId: row.id,
      action: 'lookup',
      method: 'GET',
      path: 'models/C_Order',
      request: { fingerprint, POReference: row.erpReference },
      status: 200,
      durationMs: 0,
      documentNo: base.documentNo,
    });
    return written({}, 'found in iDempiere after an interrupted write');
  }
  const mapped = mapOrder(
    row.channel,
    canon,
    { bpartnerId: 1 },
    products.get(row.channelId) ?? new Map(),
    ctx.settings,
  );
  const previous = await lastFingerprint(ctx, row.id);
  if (previous === null) {
    // Written before fingerprints were kept: take the current content as the baseline.
    calls.push({
      orderId: row.id,
      action: 'lookup',
      method: 'GET',
      path: 'models/C_Order',
      request: { fingerprint: mapped.fingerprint, baseline: true },
      status: 200,
      durationMs: 0,
      documentNo: base.documentNo,
    });
    return written();
  }
  if (previous === mapped.fingerprint) return written();

  if (SHIPPED_STATUSES.includes(canon.status))
    return attention(`changed on the platform after shipment: check the ERP order ${base.documentNo}`);
  const shipped = await shippedDocument(ctx, r, calls);
  if (shipped)
    return attention(`changed on the platform after shipment ${shipped}: check the ERP order ${base.documentNo}`);
  if (docStatus === 'VO' || docStatus === 'CL')
    return attention(`changed on the platform but the ERP order is ${docStatus}`);

  // Reactivate, replace the lines, complete: one transactional batch, all or nothing.
  const started = performance.now();
  const lines = await ctx.client.getAll<IdRecord>('C_OrderLine', {
    filter: f.eq('C_Order_ID', erpOrderId),
    select: ['Line'],
  });
  const body: Record<string, unknown> = { ...mapped.body };
  // Fixed once lines exist (core MOrder); the customer stays as created.
  for (const k of [
    'C_BPartner_ID',
    'C_BPartner_Location_ID',
    'M_PriceList_ID',
    'DateOrdered',
    'AD_Org_ID',
    'IsSOTrx',
    'doc-action',
  ])
    delete body[k];
  body.C_OrderLine = [...lines.map((l) => ({ id: l.id, '(delete)': true })), ...(mapped.body.C_OrderLine as unknown[])];
  if (row.channel.completeInErp) body['doc-action'] = 'CO';
  const requests: BatchRequest[] = [];
  if (docStatus === 'CO' || docStatus === 'IP')
    requests.push({ method: 'PUT', path: `v1/models/C_Order/${erpOrderId}`, body: { 'doc-action': 'RE' } });
  requests.push({ method: 'PUT', path: `v1/models/C_Order/${erpOrderId}`, body });
  try {
    const results = await ctx.client.batch(requests, { transaction: true });
    const failed = results.find((x) => x.error);
    if (failed?.error) throw failed.error;
    const rec = results[results.length - 1]!.body as IdRecord;
    calls.push({
      orderId: row.id,
      action: 'update',
      method: 'PUT',
      path: `models/C_Order/${erpOrderId}`,
      request: requestRecord(body, { fingerprint: mapped.fingerprint, reactivated: requests.length > 1 }),
      status: 200,
      durationMs: performance.now() - started,
      documentNo: base.documentNo,
    });
    return written(
      { docStatus: listValue(rec?.DocStatus) ?? docStatus },
      'updated: changed on the platform before shipment',
    );
  } catch (err) {
    calls.push({
      orderId: row.id,
      action: 'update',
      method: 'PUT',
      path: `models/C_Order/${erpOrderId}`,
      request: requestRecord(body, { fingerprint: mapped.fingerprint }),
      status: (err as IdempiereError).status ?? null,
      durationMs: performance.now() - started,
      error: errorMessage(err),
    });
    throw err;
  }
}
