// Writing a platform-side change into a C_Order that is already in iDempiere, as the real plugin allows it
// (docs/idempiere.md, "Batch"): a PUT in a transactional batch reads the committed record, and a completed
// order's lines hold reservations that forbid deleting them. So: read the order's DocStatus; re-activate it on its
// own (`PUT {"doc-action":"RE"}`, committed); then ONE `PUT` with the header changes, the existing lines changed in
// place (quantity 0 for removed ones), new lines without id and `"doc-action":"CO"`. An order left In Progress by
// a failure between the two is found by its DocStatus on the next attempt and finished; a refused finish is
// handed to the operator. Both requests are idempotent: repeating them after a lost reply changes nothing twice.
import { IdempiereError } from '../errors';
import type { IdRecord } from '../model';
import { fkId, listValue } from '../model';
import { f } from '../filter';
import type { MappedOrder } from '../mapping';
import { callRecord, errorMessage, requestRecord } from './records';
import type { CallRow, Row } from './types';
import type { WriterContext } from './types';

/** Header columns fixed once the order has lines (core MOrder), or not the writer's to change. */
const FIXED = [
  'C_BPartner_ID',
  'C_BPartner_Location_ID',
  'Bill_Location_ID',
  'M_PriceList_ID',
  'DateOrdered',
  'AD_Org_ID',
  'IsSOTrx',
  'doc-action',
];

export type ChangeResult = { docStatus: string } | { attention: string };

/** What identifies a line's product or charge: `p:<M_Product_ID>` / `c:<C_Charge_ID>`, null for a lookup. */
function lineKey(line: Record<string, unknown>): string | null {
  const product = fkId(line.M_Product_ID);
  if (product) return `p:${product}`;
  const charge = fkId(line.C_Charge_ID);
  return charge ? `c:${charge}` : null;
}

/**
 * The C_OrderLine items of the update: each wanted line takes the first unused existing line of the same product
 * or charge (`{id, QtyEntered, QtyOrdered, PriceEntered, PriceActual, …}`), existing lines left over go to
 * quantity 0 (never a delete: MOrderLine.beforeDelete refuses reserved lines), the rest are new lines.
 */
export function inPlaceLines(existing: IdRecord[], wanted: Record<string, unknown>[]): Record<string, unknown>[] {
  const free = new Map<string, IdRecord[]>();
  for (const l of existing) {
    const k = lineKey(l);
    if (k) free.set(k, [...(free.get(k) ?? []), l]);
  }
  const used = new Set<number>();
  const items: Record<string, unknown>[] = [];
  for (const w of wanted) {
    const k = lineKey(w);
    const match = k ? free.get(k)?.shift() : undefined;
    if (!match) {
      items.push(w);
      continue;
    }
    used.add(match.id);
    const { M_Product_ID: _p, C_Charge_ID: _c, ...values } = w;
    items.push({ id: match.id, ...values });
  }
  for (const l of existing)
    if (!used.has(l.id) && Number(l.QtyOrdered ?? 0) !== 0) items.push({ id: l.id, QtyEntered: 0, QtyOrdered: 0 });
  return items;
}

/**
 * Applies `mapped` to the ERP order `erpOrderId`. Returns its new DocStatus, or an `attention` reason when the
 * order cannot be changed (voided, closed) or was left In Progress by a refused finish. Throws the IdempiereError
 * of a transient failure (the next attempt reads the DocStatus and goes on from there).
 */
export async function changeOrder(
  ctx: WriterContext,
  row: Row,
  erpOrderId: number,
  mapped: MappedOrder,
  documentNo: string | null,
  calls: CallRow[],
): Promise<ChangeResult> {
  const record = (
    action: 'update' | 'reactivate',
    body: unknown,
    started: number,
    extra: Record<string, unknown>,
    err?: unknown,
  ) =>
    calls.push(
      callRecord(action, {
        orderId: row.id,
        recordId: erpOrderId,
        request: requestRecord(body, err ? {} : extra),
        status: err ? ((err as IdempiereError).status ?? null) : undefined,
        durationMs: performance.now() - started,
        documentNo,
        error: err ? errorMessage(err) : null,
      }),
    );
  const current = await ctx.client.getById<IdRecord>('C_Order', erpOrderId, { select: ['DocStatus'] });
  const status = listValue(current.DocStatus) ?? 'DR';
  if (!['DR', 'IP', 'IN', 'CO'].includes(status))
    return { attention: `changed on the platform but the ERP order ${documentNo} is ${status}` };
  if (status === 'CO') {
    const started = performance.now();
    const body = { 'doc-action': 'RE' };
    try {
      await ctx.client.docAction('C_Order', erpOrderId, 'RE');
      record('reactivate', body, started, {});
    } catch (err) {
      record('reactivate', body, started, {}, err);
      throw err;
    }
  }
  const lines = await ctx.client.getAll<IdRecord>('C_OrderLine', {
    filter: f.eq('C_Order_ID', erpOrderId),
    select: ['Line', 'M_Product_ID', 'C_Charge_ID', 'QtyOrdered'],
    orderby: 'Line',
  });
  const body: Record<string, unknown> = { ...mapped.body };
  for (const k of FIXED) delete body[k];
  body.C_OrderLine = inPlaceLines(lines, mapped.body.C_OrderLine as Record<string, unknown>[]);
  // a re-activated order is completed again, whatever the channel's setting was when it was created
  const reopened = status !== 'DR';
  if (row.channel.completeInErp || reopened) body['doc-action'] = 'CO';
  const started = performance.now();
  try {
    const rec = await ctx.client.update<IdRecord>('C_Order', erpOrderId, body);
    record('update', body, started, { fingerprint: mapped.fingerprint, reactivated: status === 'CO' });
    return { docStatus: listValue(rec.DocStatus) ?? status };
  } catch (err) {
    record('update', body, started, {}, err);
    if (reopened && err instanceof IdempiereError && !err.transient)
      return {
        attention: `left In Progress in iDempiere: re-activated to apply a platform change, which was refused (${errorMessage(err)}); fix and complete ERP order ${documentNo}`,
      };
    throw err;
  }
}
