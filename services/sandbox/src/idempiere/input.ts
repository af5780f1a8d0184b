// Input of /models writes: JSON properties to columns (exact ColumnName or property name), values converted per
// column type, foreign keys in every documented form, the updatable/processed checks of a PUT
// (docs/idempiere.md, "Writing models and documents").
import { type ColumnDef, LISTS, type TableDef, propertyName, tableDef } from './dictionary';
import { lookupError, validation } from './errors';
import type { LoginContext } from './models';
import { visible } from './query';
import { identifierOf } from './serialize';
import type { Row, Store } from './store';

/** Keys of a body that are not columns (the plugin's own properties). */
const EXTRA_KEYS = new Set(['doc-action', 'id', 'identifier', 'model-name', 'tableName', 'uid']);

/** Nested child records of a write: the child table, its link column and the JSON items. */
export interface ChildGroup {
  table: string;
  link: string;
  items: unknown[];
}

/** What input conversion needs from the writer: the configured POReference length and inline locations. */
export interface InputHooks {
  poReferenceLength: number;
  /** C_Location_ID given as an object: creates or updates the location, returns its id */
  inlineLocation(value: Record<string, unknown>): number;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function sameValue(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return a === b;
}

export function changedColumns(def: TableDef, a: Row, b: Row): string[] {
  return def.columns.filter((c) => !sameValue(a[c.name], b[c.name])).map((c) => c.name);
}

/** The plugin's property-name rule: ColumnName exactly, or its property name (first letter lower-cased). */
export function resolveColumn(def: TableDef, key: string): ColumnDef {
  const exact = def.byName.get(key);
  if (exact) return exact;
  const ci = def.byLower.get(key.toLowerCase());
  if (ci && propertyName(ci.name) === key) return ci;
  if (ci) throw validation(`Wrong name for column ${key}, you must use ${ci.name}`);
  throw validation(`Column ${key} does not exist`);
}

/** Maps JSON properties onto row (in place); returns nested child arrays and the doc-action. */
export function applyInput(
  store: Store,
  ctx: LoginContext,
  def: TableDef,
  row: Row,
  body: Record<string, unknown>,
  isNew: boolean,
  hooks: InputHooks,
): { children: ChildGroup[]; docAction: string | undefined } {
  const children: ChildGroup[] = [];
  let docAction: string | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'doc-action') {
      docAction = isObject(value) ? String(value.id ?? '') : value === null ? undefined : String(value);
      continue;
    }
    if (EXTRA_KEYS.has(key) || key === '(delete)') continue;
    if (Array.isArray(value)) {
      const child = def.children.find((c) => c.table.toLowerCase() === key.toLowerCase());
      if (child) {
        children.push({ ...child, items: value });
        continue;
      }
    }
    const col = resolveColumn(def, key);
    // DefaultPOSerializer.fromJson sets a UU column given on insert (PO.saveNew keeps it); never on update
    if (col.type === 'UUID' && isNew && typeof value === 'string' && value !== '') {
      row[col.name] = value;
      continue;
    }
    if (col.type === 'ID' || col.type === 'UUID') continue;
    const converted = convertInput(store, ctx, col, value, hooks);
    if (isNew) {
      if (col.readOnly) continue; // computed by the server
      row[col.name] = converted;
    } else if (!sameValue(row[col.name], converted)) {
      if (col.readOnly || !col.updatable) throw validation(`Cannot update column ${col.name}: it is not updatable`);
      // DefaultPOSerializer.isUpdatable: on a processed record only always-updatable columns may change
      if (row.Processed === true && !col.alwaysUpdatable)
        throw validation(`Cannot update ${col.name} on processed record`);
      row[col.name] = converted;
    }
  }
  return { children, docAction };
}

function convertInput(store: Store, ctx: LoginContext, col: ColumnDef, value: unknown, hooks: InputHooks): unknown {
  if (value === null || value === undefined) return null;
  const wrong = () => validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
  switch (col.type) {
    case 'String': {
      if (isObject(value) || Array.isArray(value)) throw wrong();
      let s = String(value);
      const len = col.name === 'POReference' ? hooks.poReferenceLength : col.length;
      if (len && s.length > len) s = s.slice(0, len); // PO.set_Value truncates (warning in the server log only)
      return s;
    }
    case 'Integer': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+$/.test(value.trim())
            ? Number(value)
            : NaN;
      if (!Number.isInteger(n)) throw wrong();
      return n;
    }
    case 'Amount':
    case 'Quantity': {
      const n =
        typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw wrong();
      return n;
    }
    case 'YesNo':
      if (value === true || value === 'Y' || value === 'true') return true;
      if (value === false || value === 'N' || value === 'false') return false;
      throw wrong();
    case 'Date': {
      if (typeof value !== 'string') throw wrong();
      const m = /^(\d{4}-\d{2}-\d{2})/.exec(value.trim());
      if (!m || Number.isNaN(Date.parse(m[1]!))) throw wrong();
      return m[1];
    }
    case 'DateTime': {
      const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : NaN;
      if (Number.isNaN(ms)) throw wrong();
      return ms;
    }
    case 'List': {
      const code = isObject(value) ? value.id : value;
      if (typeof code !== 'string') throw wrong();
      if (!LISTS[col.ref!]?.some((e) => e.value === code))
        throw validation(`Invalid value for column ${col.name}: '${code}' is not in the list ${col.ref}`);
      return code;
    }
    case 'Location':
      if (
        isObject(value) &&
        Object.keys(value).some(
          (k) => k !== 'id' && k !== 'uid' && k !== 'model-name' && k !== 'identifier' && k !== 'propertyLabel',
        )
      ) {
        return hooks.inlineLocation(value);
      }
      return lookup(store, ctx, col, value);
    case 'Table':
      return lookup(store, ctx, col, value);
    default:
      return value;
  }
}

/** Foreign key input: number, {id}, {identifier}, {uid}, {lookupColumn, lookupValue}; negative id = null. */
function lookup(store: Store, ctx: LoginContext, col: ColumnDef, value: unknown): number | null {
  const target = tableDef(col.ref!);
  const notFound = (what: string) => validation(`Foreign ID ${what} not found in ${col.name}`);
  const byId = (id: number): number | null => {
    if (id < 0) return null;
    const r = store.get(target.name, id);
    if (!r || !visible(ctx, r)) {
      if (id === 0) return null;
      throw notFound(String(id));
    }
    return id;
  };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw validation(`Invalid value for column ${col.name}: ${value}`);
    return byId(value);
  }
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value.trim())) return byId(Number(value));
    throw validation(
      `Invalid value for column ${col.name}: ${JSON.stringify(value)} (send an id, {"identifier":…}, {"uid":…} or {"lookupColumn":…,"lookupValue":…})`,
    );
  }
  if (!isObject(value)) throw validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
  if (value.id !== undefined && value.id !== null) {
    const id = typeof value.id === 'number' ? value.id : Number(value.id);
    if (!Number.isInteger(id)) throw validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
    return byId(id);
  }
  if (typeof value.uid === 'string') {
    const r = store.getByUU(target.name, value.uid);
    if (!r || !visible(ctx, r)) throw lookupError(value, target.name);
    return r[target.key] as number;
  }
  if (value.identifier !== undefined) {
    const wanted = String(value.identifier);
    const first = target.identifiers[0]!;
    const usable = (r: Row) => visible(ctx, r) && r.IsActive !== false;
    // the first identifier column (indexed where it matters), then the full "a_b" identifier
    for (const r of store.lookupEq(target.name, first, wanted) ?? store.all(target.name)) {
      if (usable(r) && String(r[first]) === wanted) return r[target.key] as number;
    }
    if (target.identifiers.length > 1) {
      for (const r of store.all(target.name))
        if (usable(r) && identifierOf(store, target, r) === wanted) return r[target.key] as number;
    }
    throw lookupError(value, target.name);
  }
  if (value.lookupColumn !== undefined) {
    const lc = target.byLower.get(String(value.lookupColumn).toLowerCase());
    if (!lc) throw validation(`Column ${String(value.lookupColumn)} does not exist in ${target.name}`);
    const wanted = value.lookupValue;
    const indexed =
      typeof wanted === 'string' || typeof wanted === 'number'
        ? store.lookupEq(target.name, lc.name, wanted)
        : undefined;
    for (const r of indexed ?? store.all(target.name)) {
      if (!visible(ctx, r) || r.IsActive === false) continue;
      if (r[lc.name] !== null && r[lc.name] !== undefined && String(r[lc.name]) === String(wanted))
        return r[target.key] as number;
    }
    throw lookupError(value, target.name);
  }
  throw validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
}
