// The GardenWorld-like seed: the ids of iDempiere's demo tenant (docs/idempiere.md) plus the sandbox catalog's
// products on the standard price list, Taiwanese carriers as shippers, and Taiwan as a country.
//
// Prices and tax (so that the ERP writer can match totals): price list 101 "Standard" is TAX INCLUDED, and the
// default tax 104 "Standard" is 5% (Taiwan VAT). So C_Order.GrandTotal = TotalLines = sum of line amounts, where a
// line amount is round(QtyOrdered x PriceActual, 2). A price list without tax included adds tax per line on top.
import { randomUUID } from 'node:crypto';
import { CATALOG } from '../world/catalog';
import { tableDef } from './dictionary';
import type { Row, Store } from './store';

export const SEED = {
  clientId: 11,
  roleAdmin: 102,
  roleUser: 103,
  orgHQ: 11,
  orgStore: 12,
  warehouseHQ: 103,
  warehouseStore: 104,
  locatorHQ: 101,
  userId: 101,
  userName: 'GardenAdmin',
  password: 'GardenAdmin',
  language: 'en_US',
  docTypeStandardOrder: 132,
  docTypeShipment: 120,
  priceList: 101,
  priceListVersion: 104,
  currency: 100,
  templateBPartner: 112,
  bpGroup: 103,
  uom: 100,
  taxStandard: 104,
  taxCategory: 107,
  productCategory: 105,
  paymentTermDefault: 105,
  chargeFreight: 200000,
  chargeDiscount: 200001,
  countryTaiwan: 316,
  countryUS: 100,
} as const;

/** Shippers: GardenWorld's UPS plus the Taiwanese carriers the platforms know. */
export const SHIPPERS: { id: number; name: string; trackingUrl?: string }[] = [
  { id: 100, name: 'UPS', trackingUrl: 'https://www.ups.com/track?tracknum=@TrackingNo@' },
  { id: 200000, name: '黑貓宅急便', trackingUrl: 'https://www.t-cat.com.tw/inquire/trace.aspx?no=@TrackingNo@' },
  { id: 200001, name: '新竹物流' },
  { id: 200002, name: '宅配通' },
  { id: 200003, name: '中華郵政' },
  { id: 200004, name: '7-ELEVEN 交貨便' },
  { id: 200005, name: '全家店到店' },
];

const SEED_TIME = Date.parse('2024-01-01T00:00:00Z');

function add(store: Store, table: string, id: number, values: Row, clientId: number = SEED.clientId, orgId = 0): Row {
  const def = tableDef(table);
  const row: Row = {};
  for (const c of def.columns) row[c.name] = c.defaultValue ?? null;
  Object.assign(row, {
    [def.key]: id,
    [def.uu]: randomUUID(),
    AD_Client_ID: clientId,
    AD_Org_ID: orgId,
    IsActive: true,
    Created: SEED_TIME,
    CreatedBy: 100,
    Updated: SEED_TIME,
    UpdatedBy: 100,
    ...values,
  });
  return store.insert(table, row);
}

export function seed(store: Store): void {
  add(store, 'AD_Client', 0, { Value: 'SYSTEM', Name: 'System', AD_Language: 'en_US' }, 0);
  add(store, 'AD_Client', 11, { Value: 'GardenWorld', Name: 'GardenWorld', AD_Language: 'en_US' }, 11);
  add(store, 'AD_Org', 0, { Value: '0', Name: '*' }, 0);
  add(store, 'AD_Org', 11, { Value: 'HQ', Name: 'HQ' }, 11, 11);
  add(store, 'AD_Org', 12, { Value: 'Store Central', Name: 'Store Central' }, 11, 12);
  add(store, 'AD_Role', 102, { Name: 'GardenWorld Admin', RoleType: null });
  add(store, 'AD_Role', 103, { Name: 'GardenWorld User', RoleType: null });
  add(store, 'AD_User', 100, { Value: 'superuser', Name: 'SuperUser', IsLoginUser: true }, 0);
  add(store, 'AD_User', 101, {
    Value: 'gardenadmin',
    Name: 'GardenAdmin',
    EMail: 'admin@gardenworld.com',
    IsLoginUser: true,
  });

  add(store, 'C_Country', 100, { Name: 'United States', CountryCode: 'US', HasRegion: true }, 0);
  add(store, 'C_Country', 316, { Name: 'Taiwan', CountryCode: 'TW' }, 0);
  add(store, 'C_Currency', 100, { ISO_Code: 'USD', Description: 'US Dollar', StdPrecision: 2 }, 0);
  add(store, 'C_Location', 114, { Address1: '1 Garden Way', City: 'Portland', Postal: '97201', C_Country_ID: 100 });
  add(store, 'C_Location', 115, { Address1: '4 Central Ave', City: 'Stamford', Postal: '06902', C_Country_ID: 100 });
  add(store, 'C_Location', 116, { Address1: '信義路五段7號', City: '台北市', Postal: '110', C_Country_ID: 316 });
  add(store, 'C_Location', 117, { Address1: '12 Block Street', City: 'Portland', Postal: '97202', C_Country_ID: 100 });
  add(store, 'M_Warehouse', 103, { Value: 'HQ', Name: 'HQ Warehouse', C_Location_ID: 114 }, 11, 11);
  add(store, 'M_Warehouse', 104, { Value: 'Store Central', Name: 'Store Central', C_Location_ID: 115 }, 11, 12);
  add(store, 'M_Locator', 101, { Value: 'Default HQ Locator', M_Warehouse_ID: 103, IsDefault: true }, 11, 11);
  add(store, 'M_Locator', 102, { Value: 'Default Store Locator', M_Warehouse_ID: 104, IsDefault: true }, 11, 12);

  add(store, 'C_DocType', 0, { Name: 'New', DocBaseType: 'SOO' }, 0);
  const soo = (id: number, name: string, sub: string) =>
    add(store, 'C_DocType', id, {
      Name: name,
      PrintName: name,
      DocBaseType: 'SOO',
      DocSubTypeSO: sub,
      IsSOTrx: true,
      C_DocTypeShipment_ID: 120,
    });
  soo(132, 'Standard Order', 'SO');
  soo(130, 'Prepay Order', 'PR');
  soo(133, 'On Credit Order', 'WI');
  soo(134, 'Warehouse Order', 'WP');
  soo(135, 'POS Order', 'WR');
  add(store, 'C_DocType', 120, { Name: 'MM Shipment', PrintName: 'Shipment', DocBaseType: 'MMS', IsSOTrx: true });
  add(store, 'C_DocType', 116, { Name: 'AR Invoice', PrintName: 'Invoice', DocBaseType: 'ARI', IsSOTrx: true });
  // Per-doc-type document numbers, as in GardenWorld's sequences.
  store.defineDocSequence(132, '', 80000);
  store.defineDocSequence(130, '', 90000);
  store.defineDocSequence(133, '', 95000);
  store.defineDocSequence(134, '', 96000);
  store.defineDocSequence(135, '', 97000);
  store.defineDocSequence(120, '', 50000);
  store.defineDocSequence(116, '', 60000);

  add(store, 'C_UOM', 100, { Name: 'Each', X12DE355: 'EA', StdPrecision: 0 }, 0);
  add(store, 'M_Product_Category', 105, { Value: 'Standard', Name: 'Standard' });
  add(store, 'C_TaxCategory', 107, { Name: 'Standard' });
  add(store, 'C_Tax', 104, { Name: 'Standard', C_TaxCategory_ID: 107, Rate: 5, IsDefault: true });
  add(store, 'C_Tax', 105, { Name: 'CT Sales', C_TaxCategory_ID: 107, Rate: 6 });
  add(store, 'C_Tax', 109, { Name: 'Exempt', C_TaxCategory_ID: 107, Rate: 0 });

  add(store, 'M_PriceList', 101, {
    Name: 'Standard',
    C_Currency_ID: 100,
    IsSOPriceList: true,
    IsTaxIncluded: true,
    IsDefault: true,
    PricePrecision: 2,
  });
  add(store, 'M_PriceList', 102, {
    Name: 'Purchase',
    C_Currency_ID: 100,
    IsSOPriceList: false,
    IsTaxIncluded: false,
    PricePrecision: 2,
  });
  add(store, 'M_PriceList_Version', 104, { Name: 'Standard 2003', M_PriceList_ID: 101, ValidFrom: '2003-01-01' });
  add(store, 'M_PriceList_Version', 103, { Name: 'Purchase 2003', M_PriceList_ID: 102, ValidFrom: '2003-01-01' });

  const products: {
    id: number;
    value: string;
    name: string;
    sku: string;
    upc: string;
    price: number;
    type?: string;
  }[] = [
    { id: 128, value: 'Azalea Bush', name: 'Azalea Bush', sku: '', upc: '', price: 23.75 },
    { id: 134, value: 'PTable', name: 'Patio Table', sku: '', upc: '', price: 60 },
    { id: 137, value: 'Mulch', name: 'Mulch 10#', sku: '', upc: '', price: 3 },
    ...CATALOG,
  ];
  for (const p of products) {
    add(store, 'M_Product', p.id, {
      Value: p.value,
      Name: p.name,
      SKU: p.sku || null,
      UPC: p.upc || null,
      C_UOM_ID: 100,
      M_Product_Category_ID: 105,
      C_TaxCategory_ID: 107,
      ProductType: 'I',
      IsStocked: true,
      IsSold: true,
      IsPurchased: true,
    });
    add(store, 'M_ProductPrice', store.newId('M_ProductPrice'), {
      M_PriceList_Version_ID: 104,
      M_Product_ID: p.id,
      PriceList: p.price,
      PriceStd: p.price,
      PriceLimit: 0,
    });
  }

  add(store, 'C_Charge', 100, { Name: 'Bank Charges', ChargeAmt: 0, C_TaxCategory_ID: 107 });
  add(store, 'C_Charge', 101, { Name: 'Commissions', ChargeAmt: 0, C_TaxCategory_ID: 107 });
  add(store, 'C_Charge', 200000, { Name: 'Freight', Description: 'Shipping fee', ChargeAmt: 0, C_TaxCategory_ID: 107 });
  add(store, 'C_Charge', 200001, {
    Name: 'Platform discount',
    Description: 'Discounts and vouchers of the sales platform',
    ChargeAmt: 0,
    C_TaxCategory_ID: 107,
  });
  add(store, 'C_PaymentTerm', 105, { Value: 'Immediate', Name: 'Immediate', NetDays: 0, IsDefault: true });
  add(store, 'C_PaymentTerm', 100, { Value: '30 Net', Name: '30 Net', NetDays: 30 });
  for (const s of SHIPPERS) add(store, 'M_Shipper', s.id, { Name: s.name, TrackingURL: s.trackingUrl ?? null });

  add(store, 'C_BP_Group', 103, { Value: 'Standard', Name: 'Standard Customers', IsDefault: true });
  add(store, 'C_BP_Group', 104, { Value: 'Vendors', Name: 'Vendors' });
  const bp = (id: number, value: string, name: string, locId: number, bplId: number, locName: string) => {
    add(store, 'C_BPartner', id, {
      Value: value,
      Name: name,
      C_BP_Group_ID: 103,
      IsCustomer: true,
      M_PriceList_ID: 101,
      C_PaymentTerm_ID: 105,
    });
    add(store, 'C_BPartner_Location', bplId, {
      C_BPartner_ID: id,
      Name: locName,
      C_Location_ID: locId,
      IsShipTo: true,
      IsBillTo: true,
    });
  };
  bp(112, 'Standard', 'Standard', 116, 50000, '台北市');
  bp(117, 'C&W', 'C&W Construction', 115, 112, 'Stamford');
  bp(118, 'JoeBlock', 'Joe Block', 117, 113, 'Portland');
  bp(121, 'Patio', 'Patio Fun, Inc.', 114, 119, 'Portland HQ');
}
