// Document actions on C_Order and M_InOut ("doc-action" in a POST/PUT): the status moves DocAction allows, what
// each does to the lines, and the QtyDelivered a shipment moves on its order (docs/idempiere.md, "Writing models
// and documents"). They run after the record and its children are saved; a failure throws and the caller's
// transaction rolls the whole request back.
import { type TableDef, LISTS, tableDef } from './dictionary';
import { docActionError } from './errors';
import type { LoginContext } from './models';
import { round2 } from './rules/common';
import { updateOrderTotals } from './rules/order';
import { SEED } from './seed';
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
      // MOrder.prepareIt → reserveStock: stocked products are reserved (and re-reserved after RE)
      if (isOrder) reserveStock(store, id, true);
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
        // MOrder.voidIt → createReversals: completed shipments are reverse-corrected, drafted ones voided
        reverseShipments(store, ctx, id);
        reserveStock(store, id, false);
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
        reserveStock(store, id, false);
      }
      set({ DocStatus: 'CL', DocAction: '--', Processed: true });
      return '';
    }
    case 'RE': {
      if (!isOrder) throw docActionError('ReActivate not allowed for shipments: reverse them instead');
      if (status !== 'CO') throw notValid();
      // MOrder.reActivateIt: a Standard Order is re-opened as it is (shipments stay, reservations are NOT
      // released); other sales order types would void their shipments, which the stand-in does not model.
      if (
        row.C_DocTypeTarget_ID !== SEED.docTypeStandardOrder &&
        lines().some((l) => Number(l.QtyDelivered ?? 0) !== 0)
      )
        throw docActionError('@Shipped@ - the order has shipments and cannot be re-activated');
      set({ DocStatus: 'IP', DocAction: 'CO', Processed: false, IsApproved: false });
      setLinesProcessed(false);
      return '';
    }
    default:
      throw notValid();
  }
}

/**
 * A completed (or reversed) shipment moves QtyDelivered on the order lines it ships, and the reservation the
 * other way (MInOut.completeIt: a shipped quantity is no longer reserved) while the order is reserving.
 */
function applyDelivery(store: Store, inout: Row, sign: 1 | -1): void {
  for (const l of store.children('M_InOutLine', inout.M_InOut_ID as number)) {
    if (!l.C_OrderLine_ID) continue;
    const ol = store.get('C_OrderLine', l.C_OrderLine_ID as number);
    if (!ol) continue;
    const qty = sign * Number(l.MovementQty ?? 0);
    const patch: Row = { QtyDelivered: round2(Number(ol.QtyDelivered ?? 0) + qty) };
    if (Number(ol.QtyReserved ?? 0) !== 0 || sign < 0)
      patch.QtyReserved = Math.max(0, round2(Number(ol.QtyReserved ?? 0) - qty));
    const order = store.get('C_Order', ol.C_Order_ID as number);
    if (order && ['VO', 'CL'].includes(order.DocStatus as string)) patch.QtyReserved = 0;
    store.update('C_OrderLine', ol.C_OrderLine_ID as number, patch);
  }
}

/**
 * MOrder.reserveStock: on prepare/complete each line of a stocked product reserves what is ordered and not yet
 * delivered; void and close release everything (`reserve` false). Charges and non-stocked products reserve nothing.
 */
function reserveStock(store: Store, orderId: number, reserve: boolean): void {
  for (const l of store.children('C_OrderLine', orderId)) {
    const product = l.M_Product_ID ? store.get('M_Product', l.M_Product_ID as number) : undefined;
    const want =
      reserve && product?.IsStocked === true && l.IsActive !== false
        ? Math.max(0, round2(Number(l.QtyOrdered ?? 0) - Number(l.QtyDelivered ?? 0)))
        : 0;
    if (Number(l.QtyReserved ?? 0) !== want)
      store.update('C_OrderLine', l.C_OrderLine_ID as number, { QtyReserved: want });
  }
}

/**
 * MOrder.createReversals (sales order): every completed shipment of the order is reverse-corrected (the original
 * becomes RE, a reversal document "<DocumentNo>^" with negated quantities is created, QtyDelivered goes back),
 * drafted ones are voided. The goods may have left: the caller must check deliveries before voiding.
 */
function reverseShipments(store: Store, ctx: LoginContext, orderId: number): void {
  const now = Date.now();
  for (const io of store.lookupEq('M_InOut', 'C_Order_ID', orderId) ?? []) {
    const id = io.M_InOut_ID as number;
    const status = io.DocStatus as string;
    if (['DR', 'IP', 'IN'].includes(status)) {
      store.update('M_InOut', id, { DocStatus: 'VO', DocAction: '--', Processed: true, Updated: now });
      continue;
    }
    if (status !== 'CO' && status !== 'CL') continue;
    applyDelivery(store, io, -1);
    store.update('M_InOut', id, { DocStatus: 'RE', DocAction: '--', Processed: true, Updated: now });
    const def = tableDef('M_InOut');
    const reversalId = store.newId('M_InOut');
    store.insert('M_InOut', {
      ...io,
      [def.key]: reversalId,
      [def.uu]: undefined,
      DocumentNo: `${String(io.DocumentNo)}^`,
      Description: `{->${String(io.DocumentNo)})`,
      DocStatus: 'RE',
      DocAction: '--',
      Processed: true,
      Created: now,
      CreatedBy: ctx.userId,
      Updated: now,
      UpdatedBy: ctx.userId,
    });
    const lineDef = tableDef('M_InOutLine');
    for (const l of store.children('M_InOutLine', id)) {
      store.insert('M_InOutLine', {
        ...l,
        [lineDef.key]: store.newId('M_InOutLine'),
        [lineDef.uu]: undefined,
        M_InOut_ID: reversalId,
        QtyEntered: -Number(l.QtyEntered ?? 0),
        MovementQty: -Number(l.MovementQty ?? 0),
      });
    }
  }
}
