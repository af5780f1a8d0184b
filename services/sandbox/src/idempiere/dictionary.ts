// The sandbox's application dictionary: the tables and columns the iDempiere stand-in knows, with the column
// types, labels, mandatory/updatable flags and identifiers that the REST plugin derives from AD_Column.
// Only what order import, business partners, products and shipments need; names match iDempiere core exactly.

export type ColumnType =
  | 'ID' // the key column <Table>_ID
  | 'UUID' // <Table>_UU
  | 'String'
  | 'Integer'
  | 'Amount'
  | 'Quantity'
  | 'YesNo'
  | 'Date' // stored 'yyyy-MM-dd'
  | 'DateTime' // stored epoch ms
  | 'Table' // foreign key (number)
  | 'List' // reference list code (string)
  | 'Location'; // C_Location_ID, accepts an inline object on write

export interface ColumnDef {
  name: string;
  type: ColumnType;
  label: string;
  /** target table for Table/Location, list name for List */
  ref?: string;
  mandatory: boolean;
  /** false: can be set on insert only (AD_Column.IsUpdateable = N) */
  updatable: boolean;
  /** true: may change even when the record is processed (AD_Column.IsAlwaysUpdateable) */
  alwaysUpdatable: boolean;
  /** true: computed by the server, never taken from input (virtual/read-only) */
  readOnly: boolean;
  /** max length of a String; longer input is truncated, as PO.set_Value does */
  length?: number;
  defaultValue?: unknown;
}

export interface TableDef {
  name: string;
  lower: string;
  key: string;
  uu: string;
  columns: ColumnDef[];
  byName: Map<string, ColumnDef>;
  byLower: Map<string, ColumnDef>;
  identifiers: string[];
  /** child tables that may be nested in a POST/PUT of this table, with their link column */
  children: { table: string; link: string }[];
  isDocument: boolean;
}

export interface ListEntry {
  value: string;
  name: string;
}

export const LISTS: Record<string, ListEntry[]> = {
  DocStatus: [
    ['DR', 'Drafted'],
    ['IP', 'In Progress'],
    ['CO', 'Completed'],
    ['CL', 'Closed'],
    ['VO', 'Voided'],
    ['RE', 'Reversed'],
    ['IN', 'Invalid'],
    ['WP', 'Waiting Payment'],
    ['WC', 'Waiting Confirmation'],
    ['AP', 'Approved'],
    ['NA', 'Not Approved'],
    ['??', 'Unknown'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  DocAction: [
    ['CO', 'Complete'],
    ['PR', 'Prepare'],
    ['VO', 'Void'],
    ['CL', 'Close'],
    ['RE', 'Re-activate'],
    ['RC', 'Reverse - Correct'],
    ['RA', 'Reverse - Accrual'],
    ['AP', 'Approve'],
    ['RJ', 'Reject'],
    ['PO', 'Post'],
    ['XL', 'Unlock'],
    ['IN', 'Invalidate'],
    ['WC', 'Wait Complete'],
    ['--', '<None>'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  DeliveryRule: [
    ['A', 'Availability'],
    ['F', 'Force'],
    ['L', 'Complete Line'],
    ['M', 'Manual'],
    ['O', 'Complete Order'],
    ['R', 'After Receipt'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  DeliveryViaRule: [
    ['P', 'Pickup'],
    ['D', 'Delivery'],
    ['S', 'Shipper'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  PaymentRule: [
    ['B', 'Cash'],
    ['K', 'Credit Card'],
    ['T', 'Direct Deposit'],
    ['S', 'Check'],
    ['P', 'On Credit'],
    ['D', 'Direct Debit'],
    ['M', 'Mixed POS Payment'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  InvoiceRule: [
    ['D', 'After Delivery'],
    ['O', 'After Order delivered'],
    ['I', 'Immediate'],
    ['S', 'Customer Schedule after Delivery'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  FreightCostRule: [
    ['I', 'Freight included'],
    ['F', 'Fix price'],
    ['C', 'Calculated'],
    ['L', 'Line'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  PriorityRule: [
    ['1', 'Urgent'],
    ['3', 'High'],
    ['5', 'Medium'],
    ['7', 'Low'],
    ['9', 'Minor'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  MovementType: [
    ['C-', 'Customer Shipment'],
    ['C+', 'Customer Returns'],
    ['V+', 'Vendor Receipts'],
    ['V-', 'Vendor Returns'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  ProductType: [
    ['I', 'Item'],
    ['S', 'Service'],
    ['R', 'Resource'],
    ['E', 'Expense type'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  DocBaseType: [
    ['SOO', 'Sales Order'],
    ['MMS', 'Material Delivery'],
    ['ARI', 'AR Invoice'],
    ['POO', 'Purchase Order'],
    ['GLJ', 'GL Journal'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
  DocSubTypeSO: [
    ['SO', 'Standard Order'],
    ['PR', 'Prepay Order'],
    ['WI', 'On Credit Order'],
    ['WP', 'Warehouse Order'],
    ['WR', 'POS Order'],
    ['OB', 'Quotation'],
  ].map(([value, name]) => ({ value: value!, name: name! })),
};

interface ColOpts {
  label?: string;
  mandatory?: boolean;
  updatable?: boolean;
  always?: boolean;
  readOnly?: boolean;
  length?: number;
  def?: unknown;
}

function labelOf(name: string): string {
  // "C_BPartner_Location_ID" -> "BPartner Location"; good enough for propertyLabel
  return name
    .replace(/_ID$/, '')
    .replace(/^(AD|C|M|R|S)_/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2');
}

function col(name: string, type: ColumnType, ref: string | undefined, o: ColOpts = {}): ColumnDef {
  return {
    name,
    type,
    ref,
    label: o.label ?? labelOf(name),
    mandatory: o.mandatory ?? false,
    updatable: o.updatable ?? true,
    alwaysUpdatable: o.always ?? false,
    readOnly: o.readOnly ?? false,
    length: o.length,
    defaultValue: o.def,
  };
}
const str = (name: string, length: number, o: ColOpts = {}) => col(name, 'String', undefined, { ...o, length });
const fk = (name: string, table: string, o: ColOpts = {}) => col(name, 'Table', table, o);
const amt = (name: string, o: ColOpts = {}) => col(name, 'Amount', undefined, { def: 0, ...o });
const qty = (name: string, o: ColOpts = {}) => col(name, 'Quantity', undefined, { def: 0, ...o });
const int = (name: string, o: ColOpts = {}) => col(name, 'Integer', undefined, { def: 0, ...o });
const yn = (name: string, def: boolean, o: ColOpts = {}) => col(name, 'YesNo', undefined, { def, ...o });
const date = (name: string, o: ColOpts = {}) => col(name, 'Date', undefined, o);
const dt = (name: string, o: ColOpts = {}) => col(name, 'DateTime', undefined, o);
const list = (name: string, ref: string, o: ColOpts = {}) => col(name, 'List', ref, o);
const loc = (name: string, o: ColOpts = {}) => col(name, 'Location', 'C_Location', o);

interface TableOpts {
  identifiers: string[];
  children?: { table: string; link: string }[];
  document?: boolean;
}

function table(name: string, opts: TableOpts, columns: ColumnDef[]): TableDef {
  const key = `${name}_ID`;
  const uu = `${name}_UU`;
  const all: ColumnDef[] = [
    col(key, 'ID', undefined, { updatable: false, readOnly: true }),
    col(uu, 'UUID', undefined, { updatable: false, readOnly: true }),
    fk('AD_Client_ID', 'AD_Client', { mandatory: true, updatable: false, label: 'Tenant' }),
    fk('AD_Org_ID', 'AD_Org', { mandatory: true, label: 'Organization' }),
    yn('IsActive', true, { label: 'Active' }),
    dt('Created', { updatable: false, readOnly: true }),
    fk('CreatedBy', 'AD_User', { updatable: false, readOnly: true, label: 'Created By' }),
    dt('Updated', { readOnly: true }),
    fk('UpdatedBy', 'AD_User', { readOnly: true, label: 'Updated By' }),
    ...columns,
  ];
  return {
    name,
    lower: name.toLowerCase(),
    key,
    uu,
    columns: all,
    byName: new Map(all.map((c) => [c.name, c])),
    byLower: new Map(all.map((c) => [c.name.toLowerCase(), c])),
    identifiers: opts.identifiers,
    children: opts.children ?? [],
    isDocument: opts.document ?? false,
  };
}

const docColumns = (): ColumnDef[] => [
  list('DocStatus', 'DocStatus', { mandatory: true, updatable: false, label: 'Document Status', def: 'DR' }),
  list('DocAction', 'DocAction', { mandatory: true, label: 'Document Action', def: 'CO' }),
  yn('Processed', false, { readOnly: true }),
  yn('Processing', false),
  yn('IsApproved', false, { label: 'Approved' }),
  yn('Posted', false, { readOnly: true }),
];

export const TABLES: TableDef[] = [
  table('AD_Client', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
    str('AD_Language', 6),
  ]),
  table('AD_Org', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
  ]),
  table('AD_Role', { identifiers: ['Name'] }, [str('Name', 60, { mandatory: true }), str('RoleType', 2)]),
  table('AD_User', { identifiers: ['Name'] }, [
    str('Value', 40),
    str('Name', 60, { mandatory: true }),
    str('EMail', 60),
    str('Phone', 40),
    str('Phone2', 40),
    fk('C_BPartner_ID', 'C_BPartner', { label: 'Business Partner' }),
    fk('C_BPartner_Location_ID', 'C_BPartner_Location', { label: 'Partner Location' }),
    str('Description', 255),
    yn('IsLoginUser', false),
  ]),
  table('C_Country', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    str('CountryCode', 2, { mandatory: true }),
    yn('HasRegion', false),
  ]),
  table('C_Currency', { identifiers: ['ISO_Code'] }, [
    str('ISO_Code', 3, { mandatory: true }),
    str('Description', 255),
    int('StdPrecision', { def: 2 }),
  ]),
  table('C_Location', { identifiers: ['Address1', 'City'] }, [
    str('Address1', 60),
    str('Address2', 60),
    str('Address3', 60),
    str('Address4', 60),
    str('City', 60),
    str('Postal', 10),
    fk('C_Country_ID', 'C_Country', { mandatory: true, label: 'Country' }),
    fk('C_Region_ID', 'C_Region', { label: 'Region' }),
    str('RegionName', 60),
  ]),
  table('C_Region', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    fk('C_Country_ID', 'C_Country', { mandatory: true }),
  ]),
  table('M_Warehouse', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
    loc('C_Location_ID', { label: 'Address' }),
  ]),
  table('M_Locator', { identifiers: ['Value'] }, [
    str('Value', 40, { mandatory: true }),
    fk('M_Warehouse_ID', 'M_Warehouse', { mandatory: true }),
    yn('IsDefault', false),
  ]),
  table('C_DocType', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    str('PrintName', 60),
    list('DocBaseType', 'DocBaseType', { mandatory: true }),
    list('DocSubTypeSO', 'DocSubTypeSO'),
    yn('IsSOTrx', false),
    fk('C_DocTypeShipment_ID', 'C_DocType', { label: 'Document Type for Shipment' }),
    yn('IsNoPriceListCheck', false),
  ]),
  table('C_UOM', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    str('X12DE355', 4, { mandatory: true }),
    int('StdPrecision'),
  ]),
  table('M_Product_Category', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
  ]),
  table('C_TaxCategory', { identifiers: ['Name'] }, [str('Name', 60, { mandatory: true })]),
  table('C_Tax', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    fk('C_TaxCategory_ID', 'C_TaxCategory', { mandatory: true }),
    amt('Rate', { mandatory: true }),
    yn('IsDefault', false),
  ]),
  table('M_Product', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 255, { mandatory: true }),
    str('Description', 255),
    str('SKU', 30),
    str('UPC', 30),
    fk('C_UOM_ID', 'C_UOM', { mandatory: true, label: 'UOM' }),
    fk('M_Product_Category_ID', 'M_Product_Category', { mandatory: true, label: 'Product Category' }),
    fk('C_TaxCategory_ID', 'C_TaxCategory', { mandatory: true, label: 'Tax Category' }),
    list('ProductType', 'ProductType', { mandatory: true, def: 'I' }),
    yn('IsStocked', true),
    yn('IsSold', true),
    yn('IsPurchased', true),
  ]),
  table('M_PriceList', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    fk('C_Currency_ID', 'C_Currency', { mandatory: true, label: 'Currency' }),
    yn('IsSOPriceList', false),
    yn('IsTaxIncluded', false),
    yn('IsDefault', false),
    int('PricePrecision', { def: 2 }),
    yn('EnforcePriceLimit', false),
  ]),
  table('M_PriceList_Version', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    fk('M_PriceList_ID', 'M_PriceList', { mandatory: true }),
    date('ValidFrom', { mandatory: true }),
  ]),
  table('M_ProductPrice', { identifiers: ['M_Product_ID'] }, [
    fk('M_PriceList_Version_ID', 'M_PriceList_Version', { mandatory: true }),
    fk('M_Product_ID', 'M_Product', { mandatory: true, label: 'Product' }),
    amt('PriceList'),
    amt('PriceStd'),
    amt('PriceLimit'),
  ]),
  table('C_Charge', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    str('Description', 255),
    amt('ChargeAmt'),
    fk('C_TaxCategory_ID', 'C_TaxCategory'),
  ]),
  table('C_PaymentTerm', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
    int('NetDays'),
    yn('IsDefault', false),
  ]),
  table('M_Shipper', { identifiers: ['Name'] }, [
    str('Name', 60, { mandatory: true }),
    str('Description', 255),
    str('TrackingURL', 120),
  ]),
  table('C_BP_Group', { identifiers: ['Name'] }, [
    str('Value', 40, { mandatory: true }),
    str('Name', 60, { mandatory: true }),
    yn('IsDefault', false),
  ]),
  table(
    'C_BPartner',
    {
      identifiers: ['Name'],
      children: [
        { table: 'C_BPartner_Location', link: 'C_BPartner_ID' },
        { table: 'AD_User', link: 'C_BPartner_ID' },
      ],
    },
    [
      str('Value', 40, { mandatory: true }),
      str('Name', 60, { mandatory: true }),
      str('Name2', 60),
      str('Description', 255),
      str('TaxID', 20),
      fk('C_BP_Group_ID', 'C_BP_Group', { mandatory: true, label: 'Business Partner Group' }),
      yn('IsCustomer', false),
      yn('IsVendor', false),
      yn('IsEmployee', false),
      yn('IsSalesRep', false),
      yn('IsSummary', false),
      fk('M_PriceList_ID', 'M_PriceList', { label: 'Price List' }),
      fk('C_PaymentTerm_ID', 'C_PaymentTerm', { label: 'Payment Term' }),
      str('ReferenceNo', 40),
    ],
  ),
  table('C_BPartner_Location', { identifiers: ['Name'] }, [
    fk('C_BPartner_ID', 'C_BPartner', { mandatory: true, updatable: false, label: 'Business Partner' }),
    str('Name', 60, { mandatory: true }),
    loc('C_Location_ID', { mandatory: true, label: 'Address' }),
    str('Phone', 40),
    yn('IsShipTo', true, { label: 'Ship Address' }),
    yn('IsBillTo', true, { label: 'Invoice Address' }),
    yn('IsPayFrom', true),
    yn('IsRemitTo', true),
  ]),
  table(
    'C_Order',
    { identifiers: ['DocumentNo'], document: true, children: [{ table: 'C_OrderLine', link: 'C_Order_ID' }] },
    [
      str('DocumentNo', 30, { mandatory: true, label: 'Document No' }),
      str('POReference', 20, { label: 'Order Reference' }),
      str('Description', 255),
      yn('IsSOTrx', true, { label: 'Sales Transaction', updatable: false }),
      fk('C_DocType_ID', 'C_DocType', { mandatory: true, readOnly: true, label: 'Document Type' }),
      fk('C_DocTypeTarget_ID', 'C_DocType', { mandatory: true, label: 'Target Document Type' }),
      fk('C_BPartner_ID', 'C_BPartner', { mandatory: true, label: 'Business Partner' }),
      fk('C_BPartner_Location_ID', 'C_BPartner_Location', { mandatory: true, label: 'Partner Location' }),
      fk('AD_User_ID', 'AD_User', { label: 'User/Contact' }),
      fk('Bill_BPartner_ID', 'C_BPartner', { label: 'Invoice Partner' }),
      fk('Bill_Location_ID', 'C_BPartner_Location', { label: 'Invoice Location' }),
      fk('Bill_User_ID', 'AD_User', { label: 'Invoice Contact' }),
      fk('M_Warehouse_ID', 'M_Warehouse', { mandatory: true, label: 'Warehouse' }),
      fk('M_PriceList_ID', 'M_PriceList', { mandatory: true, label: 'Price List' }),
      fk('C_Currency_ID', 'C_Currency', { mandatory: true, label: 'Currency' }),
      fk('C_PaymentTerm_ID', 'C_PaymentTerm', { mandatory: true, label: 'Payment Term' }),
      fk('SalesRep_ID', 'AD_User', { label: 'Sales Representative' }),
      fk('M_Shipper_ID', 'M_Shipper', { label: 'Shipper' }),
      date('DateOrdered', { mandatory: true, label: 'Date Ordered' }),
      date('DatePromised', { mandatory: true, label: 'Date Promised' }),
      date('DateAcct', { mandatory: true, label: 'Account Date' }),
      list('DeliveryRule', 'DeliveryRule', { mandatory: true }),
      list('DeliveryViaRule', 'DeliveryViaRule', { mandatory: true }),
      list('PaymentRule', 'PaymentRule', { mandatory: true }),
      list('InvoiceRule', 'InvoiceRule', { mandatory: true }),
      list('FreightCostRule', 'FreightCostRule', { mandatory: true }),
      list('PriorityRule', 'PriorityRule', { mandatory: true }),
      amt('FreightAmt'),
      amt('TotalLines', { readOnly: true, label: 'Total Lines' }),
      amt('GrandTotal', { readOnly: true, label: 'Grand Total' }),
      ...docColumns(),
    ],
  ),
  table('C_OrderLine', { identifiers: ['Line'] }, [
    fk('C_Order_ID', 'C_Order', { mandatory: true, updatable: false, label: 'Order' }),
    int('Line', { mandatory: true, label: 'Line No' }),
    fk('M_Product_ID', 'M_Product', { label: 'Product' }),
    fk('C_Charge_ID', 'C_Charge', { label: 'Charge' }),
    str('Description', 255),
    fk('C_UOM_ID', 'C_UOM', { mandatory: true, label: 'UOM' }),
    fk('C_Tax_ID', 'C_Tax', { mandatory: true, label: 'Tax' }),
    fk('M_Warehouse_ID', 'M_Warehouse', { mandatory: true, label: 'Warehouse' }),
    fk('C_Currency_ID', 'C_Currency', { mandatory: true, label: 'Currency' }),
    fk('C_BPartner_ID', 'C_BPartner', { label: 'Business Partner' }),
    fk('C_BPartner_Location_ID', 'C_BPartner_Location', { label: 'Partner Location' }),
    date('DateOrdered', { label: 'Date Ordered' }),
    date('DatePromised', { label: 'Date Promised' }),
    qty('QtyEntered', { mandatory: true, label: 'Quantity' }),
    qty('QtyOrdered', { mandatory: true, label: 'Ordered Quantity' }),
    qty('QtyDelivered', { readOnly: true, label: 'Delivered Quantity' }),
    qty('QtyReserved', { readOnly: true }),
    qty('QtyInvoiced', { readOnly: true }),
    amt('PriceEntered', { mandatory: true, label: 'Price' }),
    amt('PriceActual', { mandatory: true, label: 'Unit Price' }),
    amt('PriceList', { mandatory: true, label: 'List Price' }),
    amt('PriceLimit', { mandatory: true, label: 'Limit Price' }),
    amt('Discount'),
    amt('LineNetAmt', { readOnly: true, label: 'Line Amount' }),
    amt('FreightAmt'),
    yn('Processed', false, { readOnly: true }),
  ]),
  table(
    'M_InOut',
    { identifiers: ['DocumentNo'], document: true, children: [{ table: 'M_InOutLine', link: 'M_InOut_ID' }] },
    [
      str('DocumentNo', 30, { mandatory: true, label: 'Document No' }),
      str('POReference', 20, { label: 'Order Reference' }),
      str('Description', 255),
      yn('IsSOTrx', true, { updatable: false, label: 'Sales Transaction' }),
      fk('C_DocType_ID', 'C_DocType', { mandatory: true, label: 'Document Type' }),
      fk('C_Order_ID', 'C_Order', { label: 'Order' }),
      fk('C_BPartner_ID', 'C_BPartner', { mandatory: true, label: 'Business Partner' }),
      fk('C_BPartner_Location_ID', 'C_BPartner_Location', { mandatory: true, label: 'Partner Location' }),
      fk('M_Warehouse_ID', 'M_Warehouse', { mandatory: true, label: 'Warehouse' }),
      list('MovementType', 'MovementType', { mandatory: true, def: 'C-' }),
      date('MovementDate', { mandatory: true, label: 'Movement Date' }),
      date('DateAcct', { mandatory: true, label: 'Account Date' }),
      date('ShipDate', { label: 'Ship Date' }),
      list('DeliveryRule', 'DeliveryRule', { mandatory: true, def: 'A' }),
      list('DeliveryViaRule', 'DeliveryViaRule', { mandatory: true, def: 'S' }),
      list('FreightCostRule', 'FreightCostRule', { mandatory: true, def: 'I' }),
      list('PriorityRule', 'PriorityRule', { mandatory: true, def: '5' }),
      fk('M_Shipper_ID', 'M_Shipper', { label: 'Shipper' }),
      str('TrackingNo', 60, { always: true, label: 'Tracking No' }),
      int('NoPackages', { label: 'No Packages' }),
      ...docColumns(),
    ],
  ),
  table('M_InOutLine', { identifiers: ['Line'] }, [
    fk('M_InOut_ID', 'M_InOut', { mandatory: true, updatable: false, label: 'Shipment/Receipt' }),
    int('Line', { mandatory: true, label: 'Line No' }),
    fk('C_OrderLine_ID', 'C_OrderLine', { label: 'Sales Order Line' }),
    fk('M_Product_ID', 'M_Product', { label: 'Product' }),
    fk('C_Charge_ID', 'C_Charge', { label: 'Charge' }),
    fk('M_Locator_ID', 'M_Locator', { label: 'Locator' }),
    fk('C_UOM_ID', 'C_UOM', { mandatory: true, label: 'UOM' }),
    qty('QtyEntered', { mandatory: true }),
    qty('MovementQty', { mandatory: true }),
    str('Description', 255),
    yn('Processed', false, { readOnly: true }),
  ]),
];

export const TABLE_BY_NAME = new Map(TABLES.map((t) => [t.name, t]));
export const TABLE_BY_LOWER = new Map(TABLES.map((t) => [t.lower, t]));

export function tableDef(name: string): TableDef {
  const t = TABLE_BY_NAME.get(name);
  if (!t) throw new Error(`unknown table ${name}`);
  return t;
}

/** Columns by property name, as the REST plugin accepts them: exact ColumnName or first letter lower-cased. */
export function propertyName(columnName: string): string | undefined {
  return columnName.includes('_') ? undefined : columnName.charAt(0).toLowerCase() + columnName.slice(1);
}

export function listName(listRef: string, value: string): string | undefined {
  return LISTS[listRef]?.find((e) => e.value === value)?.name;
}
