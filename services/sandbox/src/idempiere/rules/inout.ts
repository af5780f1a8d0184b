// What MInOut and MInOutLine do in beforeSave: a shipment takes its partner, warehouse and reference from its
// order, lines of a processed shipment are refused, and a line without a locator gets the warehouse's default.
import { saveError, validation } from '../errors';
import type { LoginContext } from '../models';
import { SEED } from '../seed';
import type { Row, Store } from '../store';
import { today } from './common';

/** MInOut.beforeSave: a new shipment is a draft of the shipment doc type, filled in from its order. */
export function inOutBeforeSave(store: Store, ctx: LoginContext, row: Row, isNew: boolean): void {
  if (isNew) {
    row.DocStatus = 'DR';
    row.DocAction = 'CO';
    row.Processed = false;
  }
  if (!row.C_DocType_ID) row.C_DocType_ID = SEED.docTypeShipment;
  const order = row.C_Order_ID ? store.get('C_Order', row.C_Order_ID as number) : undefined;
  if (order) {
    row.C_BPartner_ID ??= order.C_BPartner_ID;
    row.C_BPartner_Location_ID ??= order.C_BPartner_Location_ID;
    row.M_Warehouse_ID ??= order.M_Warehouse_ID;
    row.POReference ??= order.POReference;
    if (isNew) row.AD_Org_ID = order.AD_Org_ID;
  }
  if (!row.M_Warehouse_ID && ctx.warehouseId > 0) row.M_Warehouse_ID = ctx.warehouseId;
  if (!row.MovementDate) row.MovementDate = today();
  if (!row.DateAcct) row.DateAcct = row.MovementDate;
  if (!row.DocumentNo) row.DocumentNo = store.nextDocumentNo(row.C_DocType_ID as number);
}

/** MInOutLine.beforeSave: only on an unprocessed shipment; line number, UOM and locator defaults. */
export function inOutLineBeforeSave(store: Store, row: Row, isNew: boolean): void {
  const inout = store.get('M_InOut', row.M_InOut_ID as number);
  if (!inout) throw validation('FillMandatory M_InOut_ID');
  if (inout.Processed === true) throw saveError('ParentComplete - the shipment is processed');
  if (isNew) {
    row.AD_Org_ID = inout.AD_Org_ID;
    if (!row.Line) {
      const lines = store.children('M_InOutLine', inout.M_InOut_ID as number);
      row.Line = lines.reduce((m, l) => Math.max(m, (l.Line as number) ?? 0), 0) + 10;
    }
  }
  if (!row.C_UOM_ID) row.C_UOM_ID = SEED.uom;
  if (!row.M_Locator_ID) {
    for (const l of store.all('M_Locator')) {
      if (l.M_Warehouse_ID === inout.M_Warehouse_ID && l.IsDefault === true) row.M_Locator_ID = l.M_Locator_ID;
    }
  }
}
