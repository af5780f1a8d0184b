// What MBPartner, MBPartnerLocation and MLocation do in beforeSave when an order import creates a customer.
import { SEED } from '../seed';
import type { Row, Store } from '../store';

/** MBPartner.beforeSave: a partner without a search key gets the next number, and the default group. */
export function bpartnerBeforeSave(store: Store, row: Row): void {
  if (!row.Value) row.Value = store.nextDocumentNo(-1);
  if (!row.C_BP_Group_ID) row.C_BP_Group_ID = SEED.bpGroup;
}

/** MBPartnerLocation.beforeSave: a location without a name is named after its city and address ('.' if none). */
export function bpartnerLocationBeforeSave(store: Store, row: Row): void {
  if (!row.Name || row.Name === '.') {
    const loc = row.C_Location_ID ? store.get('C_Location', row.C_Location_ID as number) : undefined;
    row.Name = loc ? [loc.City, loc.Address1].filter(Boolean).join(' ').slice(0, 60) || '.' : '.';
  }
}

/** MLocation: the login context's default country (GardenWorld: United States) when none is given. */
export function locationBeforeSave(row: Row): void {
  if (!row.C_Country_ID) row.C_Country_ID = SEED.countryUS;
}
