// Creating new orders: their products resolved per channel, then ONE batch request per batch with the new
// products (and their prices) first, new customers next and the orders last; each result judged on its own.
import type { Channel } from '@oms/db';
import type { BatchRequest } from '../client';
import type { IdRecord } from '../model';
import { fkId, listValue } from '../model';
import { IdempiereError } from '../errors';
import { customerBody } from '../mapping';
import type { CustomerNeed } from './catalog';
import { attachLocations, newLocationUU } from './locations';
import { callRecord, errorMessage, requestRecord } from './records';
import type { PreparedBatch, SendHooks, WriterContext, Work } from './types';

/** The products of the orders' SKUs, per channel (one lookup per channel for the misses). */
export async function resolveProducts(ctx: WriterContext, works: Work[]) {
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

/**
 * Creates the batch's new orders in ONE `transaction=false` batch request: new products first (then their price on
 * the channel's price list), new customers next, orders last; decides each order by its own result. Throws when the
 * request as a whole failed; the customers and products it was creating are then settled as not created.
 */
export async function sendCreates(ctx: WriterContext, batch: PreparedBatch, hooks: SendHooks): Promise<void> {
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
    const body = customerBody(r.w.row.channel, r.w.canon, c.value, newLocationUU(ctx, c.value));
    customerAt.set(c.value, { index: requests.length, create: c, orderId: r.w.row.id, body });
    requests.push({ method: 'POST', path: 'v1/models/C_BPartner', body });
  }
  // every order names its partner location, or core overwrites the channel's price list and rules (locations.ts)
  await attachLocations(
    ctx,
    ready.map((r) => ({ need: r.need, body: r.mapped.body })),
  );
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
    calls.push(
      callRecord('create-product', {
        orderId: p.orderId,
        request: requestRecord(p.body, { price: p.price }),
        status: res.statusCode,
        durationMs: took,
        error: res.error ? errorMessage(res.error) : null,
      }),
    );
    ctx.products.settle(p.sku, !res.error && rec?.id ? rec.id : null, p.column);
  });

  const createdCustomers: { channelId: string; key: string; bpartnerId: number; locationId: number | null }[] = [];
  const customerError = new Map<string, IdempiereError>();
  for (const [value, c] of customerAt) {
    const res = results[c.index]!;
    const rec = res.body as IdRecord | undefined;
    calls.push(
      callRecord('create-customer', {
        orderId: c.orderId,
        request: requestRecord(c.body),
        status: res.statusCode,
        durationMs: took,
        error: res.error ? errorMessage(res.error) : null,
      }),
    );
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
    calls.push(
      callRecord('create', {
        orderId: r.w.row.id,
        request: requestRecord(r.mapped.body, { fingerprint: r.mapped.fingerprint, batch: requests.length }),
        status: res.statusCode,
        durationMs: took,
        documentNo,
        error: err ? errorMessage(err) : null,
      }),
    );
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
