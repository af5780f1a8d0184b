// Document actions on C_Order and M_InOut ("doc-action" in a POST/PUT): the status moves DocAction allows, what
// each does to the lines, and the QtyDelivered a shipment moves on its order (docs/idempiere.md, "Writing models
// and documents"). They run after the record and its children are saved; a failure throws and the caller's
// transaction rolls the whole request back.
import { type TableDef, LISTS } from './dictionary';
import { docActionError } from './errors';
import type { LoginContext } from './models';
import { round2 } from './rules/common';
import { updateOrderTotals } from './rules/order';
import type { Row, Store } from './store';

/** Runs `action` on a saved document; returns the process message ('' on success), undefined when none asked. */
export function runDocAction(
  store: Store,
  ctx: LoginContext,
  def: TableDef,
  row: Row,
  action: string | undefined,
): string | undefined {
  if (!def.isDocument || action === undefined || action.trim() === '' || action === '--') return undefined;
  if (!LISTS.DocAction!.some((e) => e.value === action)) throw docActionError(`Invalid document action: ${action}`);
  const id = row[def.key] as number;
  const status = row.DocStatus as string;
  const notValid = () =>
    docActionError(`Document action ${action} is not valid for document status ${status} (${String(row.DocumentNo)})`);
  const set = (patch: Row) => store.update(def.name, id, { ...patch, Updated: Date.now(), UpdatedBy: ctx.userId });
  const isOrder = def.name === 'C_Order';
  const lineTable = isOrder ? 'C_OrderLine' : 'M_InOutLine';
  const lines = () => store.children(lineTable, id).filter((l) => l.IsActive !== false);
  const setLinesProcessed = (processed: boolean) => {
    for (const l of lines())
      if (l.Processed !== processed) store.update(lineTable, l[`${lineTable}_ID`] as number, { Processed: processed });
  };
  switch (action) {
    case 'PR':
    case 'CO': {
      if (!['DR', 'IP', 'IN'].includes(status)) throw notValid();
      if (lines().length === 0) throw docActionError('@NoLines@');
      if (isOrder && row.DeliveryViaRule === 'S' && !row.M_Shipper_ID)
        throw docActionError('@FillMandatory@ @M_Shipper_ID@');
      if (action === 'PR') {
        set({ DocStatus: 'IP', DocAction: 'CO' });
        return '';
      }
      const patch: Row = { DocStatus: 'CO', DocAction: 'CL', Processed: true, IsApproved: true };
      if (isOrder) patch.C_DocType_ID = row.C_DocTypeTarget_ID;
      set(patch);
      setLinesProcessed(true);
      if (!isOrder) applyDelivery(store, row, +1);
      return '';
    }
    case 'VO': {
      if (!['DR', 'IP', 'IN', 'CO', 'WP', 'AP', 'NA'].includes(status)) throw notValid();
      if (isOrder) {
        if (lines().some((l) => Number(l.QtyDelivered ?? 0) !== 0))
          throw docActionError('@QtyDelivered@ - the order has shipments; void them first');
        for (const l of lines()) {
          const qtyOrdered = Number(l.QtyOrdered ?? 0);
          if (qtyOrdered !== 0) {
            const desc = [l.Description, `Voided (${qtyOrdered})`].filter(Boolean).join(' | ');
            store.update('C_OrderLine', l.C_OrderLine_ID as number, {
              QtyOrdered: 0,
              QtyEntered: 0,
              LineNetAmt: 0,
              Description: desc.slice(0, 255),
            });
          }
        }
        updateOrderTotals(store, id);
      } else if (status === 'CO') {
        applyDelivery(store, row, -1);
      }
      set({ DocStatus: 'VO', DocAction: '--', Processed: true });
      setLinesProcessed(true);
      return '';
    }
    case 'CL': {
      if (status !== 'CO') throw notValid();
      if (isOrder) {
        for (const l of lines()) {
          const delivered = Number(l.QtyDelivered ?? 0);
          if (Number(l.QtyOrdered ?? 0) !== delivered) {
            store.update('C_OrderLine', l.C_OrderLine_ID as number, {
              QtyOrdered: delivered,
              LineNetAmt: round2(delivered * Number(l.PriceActual ?? 0)),
            });
          }
        }
        updateOrderTotals(store, id);
      }
      set({ DocStatus: 'CL', DocAction: '--', Processed: true });
      return '';
    }
    case 'RE': {
      if (!isOrder) throw docActionError('ReActivate not allowed for shipments: reverse them instead');
      if (status !== 'CO') throw notValid();
      if (lines().some((l) => Number(l.QtyDelivered ?? 0) !== 0))
        throw docActionError('@Shipped@ - the order has shipments and cannot be re-activated');
      set({ DocStatus: 'IP', DocAction: 'CO', Processed: false, IsApproved: false });
      setLinesProcessed(false);
      return '';
    }
    default:
      throw notValid();
  }
}

/** A completed (or voided) shipment moves QtyDelivered on the order lines it ships. */
function applyDelivery(store: Store, inout: Row, sign: 1 | -1): void {
  for (const l of store.children('M_InOutLine', inout.M_InOut_ID as number)) {
    if (!l.C_OrderLine_ID) continue;
    const ol = store.get('C_OrderLine', l.C_OrderLine_ID as number);
    if (!ol) continue;
    store.update('C_OrderLine', ol.C_OrderLine_ID as number, {
      QtyDelivered: round2(Number(ol.QtyDelivered ?? 0) + sign * Number(l.MovementQty ?? 0)),
    });
  }
}
