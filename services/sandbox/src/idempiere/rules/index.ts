// The model rules per table: what the iDempiere core class of each table (MOrder, MOrderLine, MInOut, ...) does
// before and after a save through /models. Tables without a rule save as the dictionary says.
import type { TableDef } from '../dictionary';
import type { LoginContext } from '../models';
import type { Row, Store } from '../store';
import { bpartnerBeforeSave, bpartnerLocationBeforeSave, locationBeforeSave } from './bpartner';
import { inOutBeforeSave, inOutLineBeforeSave } from './inout';
import { orderBeforeSave, orderLineBeforeSave, updateOrderTotals } from './order';

export { updateOrderTotals } from './order';

export function beforeSave(
  store: Store,
  ctx: LoginContext,
  def: TableDef,
  row: Row,
  isNew: boolean,
  old: Row | undefined,
): void {
  switch (def.name) {
    case 'C_Order':
      return orderBeforeSave(store, ctx, row, isNew, old);
    case 'C_OrderLine':
      return orderLineBeforeSave(store, row, isNew);
    case 'C_BPartner':
      return bpartnerBeforeSave(store, row);
    case 'C_BPartner_Location':
      return bpartnerLocationBeforeSave(store, row);
    case 'C_Location':
      return locationBeforeSave(row);
    case 'M_InOut':
      return inOutBeforeSave(store, ctx, row, isNew);
    case 'M_InOutLine':
      return inOutLineBeforeSave(store, row, isNew);
    default:
      return;
  }
}

export function afterSave(store: Store, def: TableDef, row: Row): void {
  if (def.name === 'C_OrderLine') updateOrderTotals(store, row.C_Order_ID as number);
}
