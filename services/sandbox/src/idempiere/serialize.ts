// Records to JSON exactly as the REST plugin's default serializer writes them: id, uid, every non-null column
// by ColumnName (foreign keys and list values as {propertyLabel, id, identifier, model-name}), then model-name.
import { type ColumnDef, type TableDef, listName, tableDef } from './dictionary';
import type { Row, Store } from './store';

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The record's identifier as lookups show it: identifier columns joined with "_". */
export function identifierOf(store: Store, def: TableDef, row: Row): string {
  const parts: string[] = [];
  for (const name of def.identifiers) {
    const c = def.byName.get(name)!;
    const v = row[name];
    if (v === null || v === undefined) continue;
    if (c.type === 'Table') {
      const target = store.get(c.ref!, v as number);
      parts.push(target ? identifierOf(store, tableDef(c.ref!), target) : String(v));
    } else if (c.type === 'DateTime') parts.push(isoInstant(v as number));
    else parts.push(String(v));
  }
  return parts.join('_');
}

export function fkJson(store: Store, c: ColumnDef, id: number): Record<string, unknown> | undefined {
  const target = store.get(c.ref!, id);
  if (!target) {
    if (id === 0) return undefined; // 0 without a row means "none"
    return { propertyLabel: c.label, id, 'model-name': c.ref!.toLowerCase() };
  }
  return {
    propertyLabel: c.label,
    id,
    identifier: identifierOf(store, tableDef(c.ref!), target),
    'model-name': c.ref!.toLowerCase(),
  };
}

export function columnJson(store: Store, c: ColumnDef, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (c.type) {
    case 'Table':
    case 'Location':
      return fkJson(store, c, v as number);
    case 'List':
      return {
        propertyLabel: c.label,
        id: v,
        identifier: listName(c.ref!, v as string) ?? v,
        'model-name': 'ad_ref_list',
      };
    case 'DateTime':
      return isoInstant(v as number);
    default:
      return v;
  }
}

/** select: column names (canonical) to include; undefined = all. */
export function toJson(store: Store, def: TableDef, row: Row, select?: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row[def.key], uid: row[def.uu] };
  for (const c of def.columns) {
    if (c.type === 'ID' || c.type === 'UUID') continue;
    if (select && !select.has(c.name)) continue;
    const v = columnJson(store, c, row[c.name]);
    if (v !== undefined) out[c.name] = v;
  }
  out['model-name'] = def.lower;
  return out;
}
