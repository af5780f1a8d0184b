// What MOrder and MOrderLine do in beforeSave/afterSave, as far as order import needs it: defaults from the
// business partner, price list and login, document numbers, the price-list check and the order totals.
// No callouts: the REST plugin does not run them (docs/idempiere.md, "Order import: columns and core behaviour").
import { saveError, validation } from '../errors';
import type { LoginContext } from '../models';
import { SEED } from '../seed';
import type { Row, Store } from '../store';
import { round2, today } from './common';

/** MOrder.beforeSave: a new order is a draft; everything not given comes from the partner, price list or login. */
export function orderBeforeSave(store: Store, ctx: LoginContext, row: Row, isNew: boolean, old: Row | undefined): void {
  if (isNew) {
    row.C_DocType_ID = 0;
    row.DocStatus = 'DR';
    row.DocAction = 'CO';
    row.Processed = false;
    row.IsSOTrx = row.IsSOTrx ?? true;
  }
  if (!row.AD_Org_ID) row.AD_Org_ID = ctx.orgId;
  if (!row.C_DocTypeTarget_ID) row.C_DocTypeTarget_ID = SEED.docTypeStandardOrder;
  if (!row.C_BPartner_ID) row.C_BPartner_ID = SEED.templateBPartner;
  const bp = store.get('C_BPartner', row.C_BPartner_ID as number);
  if (!row.C_BPartner_Location_ID && bp) setBPartner(store, row, bp);
  if (!row.Bill_BPartner_ID) row.Bill_BPartner_ID = row.C_BPartner_ID;
  if (!row.Bill_Location_ID) row.Bill_Location_ID = row.C_BPartner_Location_ID;
  if (!row.M_Warehouse_ID) {
    if (ctx.warehouseId > 0) row.M_Warehouse_ID = ctx.warehouseId;
    else throw validation('FillMandatory M_Warehouse_ID');
  }
  if (!row.M_PriceList_ID) row.M_PriceList_ID = (bp?.M_PriceList_ID as number | null) || SEED.priceList;
  const pl = store.get('M_PriceList', row.M_PriceList_ID as number);
  if (pl) row.C_Currency_ID = pl.C_Currency_ID;
  if (!row.C_PaymentTerm_ID) row.C_PaymentTerm_ID = (bp?.C_PaymentTerm_ID as number | null) || SEED.paymentTermDefault;
  if (!row.SalesRep_ID) row.SalesRep_ID = ctx.userId;
  if (!row.DateOrdered) row.DateOrdered = today();
  if (!row.DatePromised) row.DatePromised = row.DateOrdered;
  if (!row.DateAcct) row.DateAcct = row.DateOrdered;
  row.DeliveryRule ??= 'A';
  row.DeliveryViaRule ??= 'P';
  row.PaymentRule ??= 'P';
  row.InvoiceRule ??= 'D';
  row.FreightCostRule ??= 'I';
  row.PriorityRule ??= '5';
  if (!row.DocumentNo) row.DocumentNo = store.nextDocumentNo(row.C_DocTypeTarget_ID as number);
  if (!isNew && old && (old.M_PriceList_ID !== row.M_PriceList_ID || old.DateOrdered !== row.DateOrdered)) {
    const hasProducts = store.children('C_OrderLine', row.C_Order_ID as number).some((l) => l.M_Product_ID);
    if (hasProducts && old.M_PriceList_ID !== row.M_PriceList_ID)
      throw saveError('CannotChangePl - the price list cannot change once lines with products exist');
    if (hasProducts)
      throw saveError('CannotChangeDateOrdered - DateOrdered cannot change once lines with products exist');
  }
}

/**
 * MOrder.setBPartner, which MOrder.beforeSave calls whenever C_BPartner_Location_ID is 0: the partner's sales rep,
 * price list, payment rule and term, invoice, delivery and delivery-via rules OVERWRITE what the request sent
 * (each only when the partner has one), then its ship-to location is taken (docs/idempiere.md, "Order import:
 * columns and core behaviour").
 */
function setBPartner(store: Store, row: Row, bp: Row): void {
  for (const c of [
    'SalesRep_ID',
    'M_PriceList_ID',
    'PaymentRule',
    'C_PaymentTerm_ID',
    'InvoiceRule',
    'DeliveryRule',
    'DeliveryViaRule',
  ]) {
    const v = bp[c];
    if (v !== null && v !== undefined && v !== 0 && v !== '') row[c] = v;
  }
  const locs = store.children('C_BPartner_Location', bp.C_BPartner_ID as number).filter((l) => l.IsActive !== false);
  const ship = locs.find((l) => l.IsShipTo === true) ?? locs[0];
  if (ship) row.C_BPartner_Location_ID = ship.C_BPartner_Location_ID;
}

/** MOrderLine.beforeSave: lines of an unprocessed order, values from the order, the price-list check, LineNetAmt. */
export function orderLineBeforeSave(store: Store, row: Row, isNew: boolean): void {
  const order = store.get('C_Order', row.C_Order_ID as number);
  if (!order) throw validation('FillMandatory C_Order_ID');
  if (order.Processed === true)
    throw saveError('ParentComplete - the order is processed; re-activate it (doc-action RE) to change lines');
  if (isNew) {
    row.AD_Org_ID = order.AD_Org_ID;
    if (!row.Line) {
      const lines = store.children('C_OrderLine', order.C_Order_ID as number);
      row.Line = lines.reduce((m, l) => Math.max(m, (l.Line as number) ?? 0), 0) + 10;
    }
  }
  row.M_Warehouse_ID ??= order.M_Warehouse_ID;
  row.C_Currency_ID = order.C_Currency_ID;
  row.C_BPartner_ID ??= order.C_BPartner_ID;
  row.C_BPartner_Location_ID ??= order.C_BPartner_Location_ID;
  row.DateOrdered ??= order.DateOrdered;
  row.DatePromised ??= order.DatePromised;
  // product and charge are exclusive: the charge wins
  if (row.C_Charge_ID && row.M_Product_ID) row.M_Product_ID = null;
  const product = row.M_Product_ID ? store.get('M_Product', row.M_Product_ID as number) : undefined;
  if (!row.C_UOM_ID) row.C_UOM_ID = (product?.C_UOM_ID as number | undefined) ?? SEED.uom;
  if (!row.C_Tax_ID) row.C_Tax_ID = SEED.taxStandard;
  if (product) {
    const price = productPrice(
      store,
      order.M_PriceList_ID as number,
      product.M_Product_ID as number,
      order.DateOrdered as string,
    );
    const docType = store.get('C_DocType', order.C_DocTypeTarget_ID as number);
    if (!price && docType?.IsNoPriceListCheck !== true) {
      // MOrderLine.beforeSave: Msg ProductNotOnPriceList, with the product's value and name
      throw saveError(`@ProductNotOnPriceList@ - ${String(product.Value)} - ${String(product.Name)}`);
    }
    // No callouts on /models: only when both PriceActual and PriceList are 0 does the model take the list price.
    if (price && !row.PriceActual && !row.PriceList) {
      row.PriceActual = price.PriceStd;
      row.PriceEntered = price.PriceStd;
      row.PriceList = price.PriceList;
      row.PriceLimit = price.PriceLimit;
    }
  }
  row.LineNetAmt = round2(Number(row.QtyOrdered ?? 0) * Number(row.PriceActual ?? 0));
}

/** The product's price on the newest version of the price list valid at the order date. */
function productPrice(store: Store, priceListId: number, productId: number, date: string): Row | undefined {
  let best: { version: Row; price: Row } | undefined;
  for (const price of store.lookupEq('M_ProductPrice', 'M_Product_ID', productId) ?? []) {
    if (price.IsActive === false) continue;
    const version = store.get('M_PriceList_Version', price.M_PriceList_Version_ID as number);
    if (!version || version.M_PriceList_ID !== priceListId || version.IsActive === false) continue;
    if ((version.ValidFrom as string) > date) continue;
    if (best && (best.version.ValidFrom as string) >= (version.ValidFrom as string)) continue;
    best = { version, price };
  }
  return best?.price;
}

/**
 * MOrderLine.afterSave (and after a line is deleted or changed by a document action): TotalLines = sum of line
 * amounts; GrandTotal adds tax only when the price list is not tax-included.
 */
export function updateOrderTotals(store: Store, orderId: number): void {
  const order = store.get('C_Order', orderId);
  if (!order) return;
  const lines = store.children('C_OrderLine', orderId).filter((l) => l.IsActive !== false);
  const totalLines = round2(lines.reduce((s, l) => s + Number(l.LineNetAmt ?? 0), 0));
  const pl = store.get('M_PriceList', order.M_PriceList_ID as number);
  let grand = totalLines;
  if (pl && pl.IsTaxIncluded !== true) {
    const byTax = new Map<number, number>();
    for (const l of lines)
      byTax.set(l.C_Tax_ID as number, (byTax.get(l.C_Tax_ID as number) ?? 0) + Number(l.LineNetAmt ?? 0));
    for (const [taxId, base] of byTax) grand += round2((base * Number(store.get('C_Tax', taxId)?.Rate ?? 0)) / 100);
    grand = round2(grand);
  }
  if (order.TotalLines !== totalLines || order.GrandTotal !== grand)
    store.update('C_Order', orderId, { TotalLines: totalLines, GrandTotal: grand });
}
