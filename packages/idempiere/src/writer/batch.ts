// A batch of orders on its way into iDempiere: prepared (read, decided, mapped, marked `writing`), sent (new
// orders in ONE batch request with their new customers and products, changes and cancellations one by one),
// finished (its decisions saved). Idempotent: each order is marked `writing` before the request; an order found
// `writing` is first looked up by POReference, so a retry never creates a second C_Order (invariant 2 in
// docs/ARCHITECTURE.md: no order is written twice).
import { isErpEligible, parseCanonicalOrder, type CanonicalOrder } from '@oms/core';
import type { IdRecord } from '../model';
import { IdempiereError } from '../errors';
import { f } from '../filter';
import {
  channelTag,
  mapOrder,
  MappingError,
  poReference,
  productBody,
  skuColumn,
  UnknownSkuError,
  type CustomerRef,
  type MappedOrder,
  type ProductRef,
} from '../mapping';
import type { CustomerNeed } from './catalog';
import { resolveProducts, sendCreates } from './create';
import { applyUpdates, callRecord, errorMessage, loadRows, markWriting, recordCalls } from './records';
import type { CallRow, Decide, Outcome, PreparedBatch, Row, RowUpdate, SendHooks, WriterContext, Work } from './types';
import { updateExisting } from './update';

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
      calls.push(
        callRecord('lookup', {
          orderId: w.row.id,
          request: { POReference: refs[i] },
          durationMs: performance.now() - started,
          documentNo: hit ? String(hit.DocumentNo ?? '') : null,
        }),
      );
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
