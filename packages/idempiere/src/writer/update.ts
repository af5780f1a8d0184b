// Orders already in iDempiere whose platform order changed: cancelled or returned → void (unless shipped:
// flagged for the operator), content changed before shipment → re-activated and updated (change.ts), after it →
// flagged.
import type { OrderStatus } from '@oms/core';
import type { IdRecord } from '../model';
import { listValue } from '../model';
import type { IdempiereError } from '../errors';
import { f } from '../filter';
import { mapOrder } from '../mapping';
import { changeOrder } from './change';
import { resolveProducts } from './create';
import { callRecord, errorMessage } from './records';
import type { CallRow, Decide, Row, RowUpdate, WriterContext, Work } from './types';

const SHIPPED_STATUSES: OrderStatus[] = ['shipped', 'delivered', 'completed', 'returned'];

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
  calls.push(
    callRecord('check-shipped', {
      orderId: row.id,
      request: { C_Order_ID: row.erpOrderId },
      durationMs: performance.now() - started,
      documentNo: page.records[0] ? String(page.records[0].DocumentNo) : null,
    }),
  );
  return page.records[0] ? String(page.records[0].DocumentNo ?? page.records[0].id) : null;
}

/** How many lines of the ERP order have something delivered (C_OrderLine.QtyDelivered ≠ 0). */
async function deliveredLines(ctx: WriterContext, erpOrderId: number): Promise<number> {
  const lines = await ctx.client.getAll<IdRecord>('C_OrderLine', {
    filter: f.eq('C_Order_ID', erpOrderId),
    select: ['QtyDelivered'],
  });
  return lines.filter((l) => Number(l.QtyDelivered ?? 0) !== 0).length;
}

/** The fingerprint of the last successful create/update (or the baseline taken when it was found by lookup). */
async function lastFingerprint(ctx: WriterContext, orderId: string): Promise<string | null> {
  const rows = await ctx.db.$queryRaw<{ fp: string }[]>`
    SELECT request->>'fingerprint' AS fp FROM oms_erp_call
    WHERE order_id = ${orderId}::uuid AND action IN ('create', 'update', 'lookup') AND status BETWEEN 200 AND 299
      AND request->>'fingerprint' IS NOT NULL
    ORDER BY created_at DESC LIMIT 1`;
  return rows[0]?.fp ?? null;
}

/**
 * An order already in iDempiere (written before, or found by POReference after an interrupted write): voided when
 * cancelled or returned before shipment, updated when its content changed before shipment, flagged
 * (`needs_attention`) otherwise. Throws the IdempiereError of a failed call, recorded in `calls`.
 */
export async function updateExisting(ctx: WriterContext, w: Work, decide: Decide, calls: CallRow[]): Promise<void> {
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
    // MOrder.voidIt reverse-corrects completed shipments: re-read the deliveries right before the VO, so a shipment
    // completed since the check above is never reversed behind the warehouse's back (docs/idempiere.md, "Writing
    // models and documents").
    const delivered = await deliveredLines(ctx, erpOrderId);
    if (delivered > 0)
      return attention(
        `cancelled on the platform but ${delivered} line(s) of ERP order ${base.documentNo} were shipped meanwhile: reverse the shipment in iDempiere, then void the order`,
      );
    const started = performance.now();
    try {
      const rec = await ctx.client.docAction<IdRecord>('C_Order', erpOrderId, 'VO');
      calls.push(
        callRecord('void', {
          orderId: row.id,
          recordId: erpOrderId,
          request: { 'doc-action': 'VO' },
          durationMs: performance.now() - started,
          documentNo: base.documentNo,
        }),
      );
      return written({ docStatus: listValue(rec.DocStatus) ?? 'VO' }, `voided: ${canon.status} on the platform`);
    } catch (err) {
      calls.push(
        callRecord('void', {
          orderId: row.id,
          recordId: erpOrderId,
          request: { 'doc-action': 'VO' },
          status: (err as IdempiereError).status ?? null,
          durationMs: performance.now() - started,
          error: errorMessage(err),
        }),
      );
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
    calls.push(
      callRecord('lookup', {
        orderId: row.id,
        request: { fingerprint, POReference: row.erpReference },
        durationMs: 0,
        documentNo: base.documentNo,
      }),
    );
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
    calls.push(
      callRecord('lookup', {
        orderId: row.id,
        request: { fingerprint: mapped.fingerprint, baseline: true },
        durationMs: 0,
        documentNo: base.documentNo,
      }),
    );
    return written();
  }
  if (previous === mapped.fingerprint) return written();

  if (SHIPPED_STATUSES.includes(canon.status))
    return attention(`changed on the platform after shipment: check the ERP order ${base.documentNo}`);
  const shipped = await shippedDocument(ctx, r, calls);
  if (shipped)
    return attention(`changed on the platform after shipment ${shipped}: check the ERP order ${base.documentNo}`);
  // RE on its own, then one PUT with the changes and CO (change.ts): what the real plugin allows.
  const result = await changeOrder(ctx, r, erpOrderId, mapped, base.documentNo, calls);
  if ('attention' in result) return attention(result.attention);
  return written({ docStatus: result.docStatus }, 'updated: changed on the platform before shipment');
}
