// The sandbox's application dictionary: the tables and columns the iDempiere stand-in knows, with the column
// types, labels, mandatory/updatable flags and identifiers that the REST plugin derives from AD_Column.
// Only what order import, business partners, products and shipments need; names match iDempiere core exactly.
// Here: the lookups. Beside it: types.ts (the shapes), lists.ts (reference lists), columns.ts (how a column and a
// table are defined), tables.ts (the tables).
import { LISTS } from './lists';
import { TABLES } from './tables';
import type { TableDef } from './types';

export type { ColumnDef, ColumnType, ListEntry, TableDef } from './types';
export { LISTS } from './lists';
export { TABLES } from './tables';

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
