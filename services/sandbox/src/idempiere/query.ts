// Reads of /models: $filter (with index hints), $orderby, $top/$skip paging, $select and $expand of child
// tables, over the rows the login's tenant may see (docs/idempiere.md, "Reading models").
import { type TableDef, tableDef } from './dictionary';
import { compileFilter, compileOrderBy, parseSelect, splitTopLevel } from './filter';
import type { LoginContext, QueryParams } from './models';
import { toJson } from './serialize';
import { RestError, type Row, type Store } from './store';

const MAX_RECORDS = 100;

/** A record is visible to the login's tenant and to System (client 0). */
export function visible(ctx: LoginContext, row: Row): boolean {
  const c = row.AD_Client_ID;
  return c === 0 || c === ctx.clientId;
}

/** GET /models/{table}: one page of the matching records and the paging figures. */
export function queryRows(store: Store, maxRecords: number, ctx: LoginContext, def: TableDef, q: QueryParams) {
  const filter = compileFilter(def, q.filter);
  const onlyActive = !(q.filter ?? '').toLowerCase().includes('isactive');
  const select = parseSelect(def, q.select);
  let top = parseIntParam('$top', q.top);
  const skip = Math.max(0, parseIntParam('$skip', q.skip));
  const max = maxRecords || MAX_RECORDS;
  if (top <= 0 || top > max) top = max;
  const matched: Row[] = [];
  let candidates: Iterable<Row> | undefined;
  for (const h of filter?.hints ?? []) {
    candidates = store.lookupEq(def.name, h.column, h.value);
    if (candidates) break;
  }
  for (const row of candidates ?? store.all(def.name)) {
    if (!visible(ctx, row)) continue;
    if (onlyActive && row.IsActive === false) continue;
    if (filter && !filter(row)) continue;
    matched.push(row);
  }
  // An invalid $orderby is ignored by the plugin (isValidOrderBy false), not refused.
  let orderBy: ((a: Row, b: Row) => number) | undefined;
  try {
    orderBy = compileOrderBy(def, q.orderby);
  } catch {
    orderBy = undefined;
  }
  if (orderBy && q.orderby) matched.sort(orderBy);
  else unordered(matched, def.key, q.filter ?? '');
  const rowCount = matched.length;
  const pageCount = rowCount > top ? Math.ceil(rowCount / top) : 1;
  const page = matched.slice(skip, skip + top);
  const records = page.map((row) => withExpand(store, def, row, toJson(store, def, row, select), q.expand));
  return { pageCount, top, skip, rowCount, records };
}

/**
 * Without a valid $orderby, ModelHelper#buildQueryFromRequest adds no ORDER BY and neither does core Query, so
 * the database returns rows in no guaranteed order. The stand-in shuffles them by a hash of the key and the filter
 * text: stable for the pages of one query (so paging on it is merely unsafe, as on PostgreSQL), but never key or
 * insertion order, so a client relying on an implicit order fails its tests.
 */
function unordered(rows: Row[], key: string, filter: string): void {
  let seed = 0x811c9dc5;
  for (let i = 0; i < filter.length; i++) seed = Math.imul(seed ^ filter.charCodeAt(i), 0x01000193);
  const rank = (row: Row) => {
    let h = Math.imul(seed ^ Number(row[key]), 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  };
  const ranks = new Map(rows.map((r) => [r, rank(r)]));
  rows.sort((a, b) => ranks.get(a)! - ranks.get(b)! || Number(a[key]) - Number(b[key]));
}

/** $expand=C_OrderLine or C_OrderLine($select=...;$filter=...;$orderby=...;$top=...) for child tables. */
export function withExpand(
  store: Store,
  def: TableDef,
  row: Row,
  json: Record<string, unknown>,
  expand: string | undefined,
): Record<string, unknown> {
  if (!expand || !expand.trim()) return json;
  for (const part of splitTopLevel(expand, ',')) {
    const m = /^([A-Za-z_0-9]+)\s*(?:\((.*)\))?$/s.exec(part.trim());
    if (!m) continue;
    const child = def.children.find((c) => c.table.toLowerCase() === m[1]!.toLowerCase());
    if (!child) continue; // the plugin skips unknown detail tables
    const childDef = tableDef(child.table);
    const opts: QueryParams = {};
    for (const o of splitTopLevel(m[2] ?? '', ';')) {
      const eq = o.indexOf('=');
      if (eq < 0) continue;
      const k = o.slice(0, eq).trim().toLowerCase();
      const v = o.slice(eq + 1);
      if (k === '$select') opts.select = v;
      else if (k === '$filter') opts.filter = v;
      else if (k === '$orderby') opts.orderby = v;
      else if (k === '$top') opts.top = v;
    }
    const filter = compileFilter(childDef, opts.filter);
    const select = parseSelect(childDef, opts.select);
    let rows = store
      .children(child.table, row[def.key] as number)
      .filter((r) => r.IsActive !== false && (!filter || filter(r)));
    if (opts.orderby) {
      try {
        rows = rows.sort(compileOrderBy(childDef, opts.orderby));
      } catch {
        /* ignored like the top-level $orderby */
      }
    }
    const top = opts.top ? parseIntParam('$top', opts.top) : 0;
    if (top > 0) rows = rows.slice(0, top);
    if (rows.length === 0) continue;
    json[child.table] = rows.map((r) => {
      const j = toJson(store, childDef, r, select);
      delete j[child.link];
      delete j['model-name'];
      return j;
    });
  }
  return json;
}

function parseIntParam(name: string, v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  if (!/^-?\d+$/.test(v.trim()))
    throw new RestError(400, 'GET Error', `Get POs with exception: ${name} must be an integer, got '${v}'`);
  return Number(v);
}
