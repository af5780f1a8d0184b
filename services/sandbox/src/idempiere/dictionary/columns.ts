// Builders of the dictionary: a column with its AD_Column flags, and a table with the standard columns every
// iDempiere table has (client, org, active, created/updated and by whom) plus, for documents, the status columns.
import type { ColumnDef, ColumnType, TableDef } from './types';

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

export function col(name: string, type: ColumnType, ref: string | undefined, o: ColOpts = {}): ColumnDef {
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
export const str = (name: string, length: number, o: ColOpts = {}) => col(name, 'String', undefined, { ...o, length });
export const fk = (name: string, table: string, o: ColOpts = {}) => col(name, 'Table', table, o);
export const amt = (name: string, o: ColOpts = {}) => col(name, 'Amount', undefined, { def: 0, ...o });
export const qty = (name: string, o: ColOpts = {}) => col(name, 'Quantity', undefined, { def: 0, ...o });
export const int = (name: string, o: ColOpts = {}) => col(name, 'Integer', undefined, { def: 0, ...o });
export const yn = (name: string, def: boolean, o: ColOpts = {}) => col(name, 'YesNo', undefined, { def, ...o });
export const date = (name: string, o: ColOpts = {}) => col(name, 'Date', undefined, o);
export const dt = (name: string, o: ColOpts = {}) => col(name, 'DateTime', undefined, o);
export const list = (name: string, ref: string, o: ColOpts = {}) => col(name, 'List', ref, o);
export const loc = (name: string, o: ColOpts = {}) => col(name, 'Location', 'C_Location', o);

interface TableOpts {
  identifiers: string[];
  children?: { table: string; link: string }[];
  document?: boolean;
}

export function table(name: string, opts: TableOpts, columns: ColumnDef[]): TableDef {
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

export const docColumns = (): ColumnDef[] => [
  list('DocStatus', 'DocStatus', { mandatory: true, updatable: false, label: 'Document Status', def: 'DR' }),
  list('DocAction', 'DocAction', { mandatory: true, label: 'Document Action', def: 'CO' }),
  yn('Processed', false, { readOnly: true }),
  yn('Processing', false),
  yn('IsApproved', false, { label: 'Approved' }),
  yn('Posted', false, { readOnly: true }),
];
