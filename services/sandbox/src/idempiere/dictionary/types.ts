// The shapes of the application dictionary: a column's type and AD_Column flags, a table with its key, UU column,
// identifiers and the child tables a write may nest.

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
