// The /models resource: reads with $filter/$select/$orderby/$top/$skip/$expand, and writes (POST/PUT/DELETE)
// with nested children, foreign keys in every documented input form, dictionary defaults, the core model
// rules of MOrder/MOrderLine/MInOut (beforeSave), mandatory checks and document actions.
// Writes are synchronous and meant to run inside Store.transaction(): any RestError thrown undoes everything.
import { randomUUID } from 'node:crypto';
import { type ColumnDef, LISTS, TABLE_BY_LOWER, type TableDef, propertyName, tableDef } from './dictionary';
import { compileFilter, compileOrderBy, parseSelect, splitTopLevel } from './filter';
import { SEED } from './seed';
import { identifierOf, toJson } from './serialize';
import { RestError, type Row, type Store } from './store';

export interface LoginContext {
  clientId: number;
  roleId: number;
  orgId: number;
  warehouseId: number;
  userId: number;
  language: string;
}

export interface ModelOptions {
  /** C_Order.POReference / M_InOut.POReference length; longer values are truncated as PO.set_Value does */
  poReferenceLength: number;
  maxRecords: number;
}

const EXTRA_KEYS = new Set(['doc-action', 'id', 'identifier', 'model-name', 'tableName', 'uid']);
const MAX_RECORDS = 100;

export const validation = (detail: string) => new RestError(400, 'Validation Error', detail);
export const saveError = (detail: string) => new RestError(500, 'Save error', `Save error with exception: ${detail}`);
export const docActionError = (detail: string) => new RestError(500, 'Failed Processing Document', detail);

function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}
function today(): string {
  return new Date().toISOString().slice(0, 10);
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface QueryParams {
  filter?: string;
  orderby?: string;
  select?: string;
  top?: string;
  skip?: string;
  expand?: string;
}

export class Models {
  constructor(
    private store: Store,
    readonly options: ModelOptions,
  ) {}

  /** Resolves a table name from the URL (case-insensitive), or 404 as the plugin answers. */
  table(name: string): TableDef {
    const def = TABLE_BY_LOWER.get(name.toLowerCase());
    if (!def) throw new RestError(404, 'Invalid table name', `No match found for table name: ${name}`);
    return def;
  }

  private visible(ctx: LoginContext, row: Row): boolean {
    const c = row.AD_Client_ID;
    return c === 0 || c === ctx.clientId;
  }

  // ---------------------------------------------------------------- read

  query(ctx: LoginContext, def: TableDef, q: QueryParams) {
    const filter = compileFilter(def, q.filter);
    const onlyActive = !(q.filter ?? '').toLowerCase().includes('isactive');
    const select = parseSelect(def, q.select);
    let top = parseIntParam('$top', q.top);
    const skip = Math.max(0, parseIntParam('$skip', q.skip));
    const max = this.options.maxRecords || MAX_RECORDS;
    if (top <= 0 || top > max) top = max;
    const matched: Row[] = [];
    let candidates: Iterable<Row> | undefined;
    for (const h of filter?.hints ?? []) {
      candidates = this.store.lookupEq(def.name, h.column, h.value);
      if (candidates) break;
    }
    for (const row of candidates ?? this.store.all(def.name)) {
      if (!this.visible(ctx, row)) continue;
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
    const rowCount = matched.length;
    const pageCount = rowCount > top ? Math.ceil(rowCount / top) : 1;
    const page = matched.slice(skip, skip + top);
    const records = page.map((row) => this.withExpand(ctx, def, row, toJson(this.store, def, row, select), q.expand));
    return { pageCount, top, skip, rowCount, records };
  }

  getOne(ctx: LoginContext, def: TableDef, idOrUU: string, q: QueryParams): Record<string, unknown> {
    const row = this.find(ctx, def, idOrUU);
    const select = parseSelect(def, q.select);
    return this.withExpand(ctx, def, row, toJson(this.store, def, row, select), q.expand);
  }

  find(ctx: LoginContext, def: TableDef, idOrUU: string): Row {
    const row = /^\d+$/.test(idOrUU) ? this.store.get(def.name, Number(idOrUU)) : this.store.getByUU(def.name, idOrUU);
    if (!row) throw new RestError(404, 'Record not found', `No record found matching id ${idOrUU}`);
    if (!this.visible(ctx, row))
      throw new RestError(403, 'Access denied', `Access denied for record with id ${idOrUU}`);
    return row;
  }

  /** $expand=C_OrderLine or C_OrderLine($select=...;$filter=...;$orderby=...;$top=...) for child tables. */
  private withExpand(
    ctx: LoginContext,
    def: TableDef,
    row: Row,
    json: Record<string, unknown>,
    expand: string | undefined,
  ) {
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
      let rows = this.store
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
        const j = toJson(this.store, childDef, r, select);
        delete j[child.link];
        delete j['model-name'];
        return j;
      });
    }
    return json;
  }

  // ---------------------------------------------------------------- write

  /** POST /models/{table}: returns [httpStatus, body]. */
  create(ctx: LoginContext, def: TableDef, body: unknown): Record<string, unknown> {
    if (!isObject(body)) throw validation('The request body must be a JSON object');
    const row = this.newRow(ctx, def);
    const { children, docAction } = this.applyInput(ctx, def, row, body, true);
    this.save(ctx, def, row, true, undefined);
    const childJson = this.saveChildren(ctx, def, row, children, false);
    const processMsg = this.runDocAction(ctx, def, row, docAction);
    return this.reply(def, row, childJson, processMsg);
  }

  /** PUT /models/{table}/{id} */
  update(ctx: LoginContext, def: TableDef, idOrUU: string, body: unknown): Record<string, unknown> {
    if (!isObject(body)) throw validation('The request body must be a JSON object');
    const row = this.find(ctx, def, idOrUU);
    const id = row[def.key] as number;
    const working: Row = { ...row };
    const { children, docAction } = this.applyInput(ctx, def, working, body, false);
    const changed = changedColumns(def, row, working);
    if (changed.length > 0) this.save(ctx, def, working, false, row);
    const saved = this.store.get(def.name, id)!;
    const childJson = this.saveChildren(ctx, def, saved, children, true);
    const processMsg = this.runDocAction(ctx, def, saved, docAction);
    return this.reply(def, saved, childJson, processMsg);
  }

  /** DELETE /models/{table}/{id} */
  remove(ctx: LoginContext, def: TableDef, idOrUU: string): Record<string, unknown> {
    const row = this.find(ctx, def, idOrUU);
    this.deleteRow(def, row);
    return { msg: 'Deleted' };
  }

  private deleteRow(def: TableDef, row: Row): void {
    const id = row[def.key] as number;
    if (def.isDocument && row.Processed === true) {
      throw new RestError(
        500,
        'Delete error',
        `Delete error with exception: Cannot delete processed document ${row.DocumentNo ?? id}`,
      );
    }
    if (def.name === 'C_OrderLine' || def.name === 'M_InOutLine') {
      const parentTable = def.name === 'C_OrderLine' ? 'C_Order' : 'M_InOut';
      const parent = this.store.get(parentTable, row[`${parentTable}_ID`] as number);
      if (parent?.Processed === true)
        throw new RestError(
          500,
          'Delete error',
          'Delete error with exception: ParentComplete - the document is processed',
        );
    }
    // children go with the parent (cascade), as the model's beforeDelete does for order lines
    for (const child of def.children) {
      for (const c of this.store.children(child.table, id)) this.deleteRow(tableDef(child.table), c);
    }
    this.store.delete(def.name, id);
    if (def.name === 'C_OrderLine') this.updateOrderTotals(row.C_Order_ID as number);
  }

  private reply(def: TableDef, row: Row, children: Record<string, unknown[]>, processMsg: string | undefined) {
    const json = toJson(this.store, def, this.store.get(def.name, row[def.key] as number)!);
    delete json['model-name'];
    for (const [k, v] of Object.entries(children)) json[k] = v;
    if (processMsg !== undefined) json['doc-processmsg'] = processMsg;
    json['model-name'] = def.lower;
    return json;
  }

  private newRow(ctx: LoginContext, def: TableDef): Row {
    const row: Row = {};
    for (const c of def.columns) row[c.name] = c.defaultValue ?? null;
    row[def.key] = 0; // assigned at save
    row.AD_Client_ID = ctx.clientId;
    row.AD_Org_ID = null;
    return row;
  }

  /** Maps JSON properties onto row (in place); returns nested child arrays and the doc-action. */
  private applyInput(ctx: LoginContext, def: TableDef, row: Row, body: Record<string, unknown>, isNew: boolean) {
    const children: { table: string; link: string; items: unknown[] }[] = [];
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
      if (col.type === 'ID' || col.type === 'UUID') continue;
      const converted = this.convertInput(ctx, col, value);
      if (isNew) {
        if (col.readOnly) continue; // computed by the server
        row[col.name] = converted;
      } else if (!sameValue(row[col.name], converted)) {
        if (col.readOnly || !col.updatable) throw validation(`Cannot update column ${col.name}: it is not updatable`);
        if (def.isDocument && row.Processed === true && !col.alwaysUpdatable) {
          throw validation(`Cannot update column ${col.name}: the record is processed`);
        }
        if (!def.isDocument && row.Processed === true && !col.alwaysUpdatable) {
          throw validation(`Cannot update column ${col.name}: the record is processed`);
        }
        row[col.name] = converted;
      }
    }
    return { children, docAction };
  }

  private convertInput(ctx: LoginContext, col: ColumnDef, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    const wrong = () => validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
    switch (col.type) {
      case 'String': {
        if (isObject(value) || Array.isArray(value)) throw wrong();
        let s = String(value);
        const len = col.name === 'POReference' ? this.options.poReferenceLength : col.length;
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
          return this.inlineLocation(ctx, value);
        }
        return this.lookup(ctx, col, value);
      case 'Table':
        return this.lookup(ctx, col, value);
      default:
        return value;
    }
  }

  /** Foreign key input: number, {id}, {identifier}, {uid}, {lookupColumn, lookupValue}; negative id = null. */
  private lookup(ctx: LoginContext, col: ColumnDef, value: unknown): number | null {
    const target = tableDef(col.ref!);
    const notFound = (what: string) => validation(`Foreign ID ${what} not found in ${col.name}`);
    const byId = (id: number): number | null => {
      if (id < 0) return null;
      const r = this.store.get(target.name, id);
      if (!r || !this.visible(ctx, r)) {
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
      const r = this.store.getByUU(target.name, value.uid);
      if (!r || !this.visible(ctx, r)) throw notFound(value.uid);
      return r[target.key] as number;
    }
    if (value.identifier !== undefined) {
      const wanted = String(value.identifier);
      const first = target.identifiers[0]!;
      const usable = (r: Row) => this.visible(ctx, r) && r.IsActive !== false;
      // the first identifier column (indexed where it matters), then the full "a_b" identifier
      for (const r of this.store.lookupEq(target.name, first, wanted) ?? this.store.all(target.name)) {
        if (usable(r) && String(r[first]) === wanted) return r[target.key] as number;
      }
      if (target.identifiers.length > 1) {
        for (const r of this.store.all(target.name))
          if (usable(r) && identifierOf(this.store, target, r) === wanted) return r[target.key] as number;
      }
      throw notFound(`identifier '${wanted}'`);
    }
    if (value.lookupColumn !== undefined) {
      const lc = target.byLower.get(String(value.lookupColumn).toLowerCase());
      if (!lc) throw validation(`Column ${String(value.lookupColumn)} does not exist in ${target.name}`);
      const wanted = value.lookupValue;
      const indexed =
        typeof wanted === 'string' || typeof wanted === 'number'
          ? this.store.lookupEq(target.name, lc.name, wanted)
          : undefined;
      for (const r of indexed ?? this.store.all(target.name)) {
        if (!this.visible(ctx, r) || r.IsActive === false) continue;
        if (r[lc.name] !== null && r[lc.name] !== undefined && String(r[lc.name]) === String(wanted))
          return r[target.key] as number;
      }
      throw notFound(`${lc.name}=${JSON.stringify(wanted)}`);
    }
    throw validation(`Invalid value for column ${col.name}: ${JSON.stringify(value)}`);
  }

  /** C_Location_ID as an inline object: id 0 (or none) creates a location, id N updates it. */
  private inlineLocation(ctx: LoginContext, value: Record<string, unknown>): number {
    const def = tableDef('C_Location');
    const id = typeof value.id === 'number' ? value.id : 0;
    if (id > 0) {
      const existing = this.store.get('C_Location', id);
      if (!existing) throw validation(`Foreign ID ${id} not found in C_Location_ID`);
      const working = { ...existing };
      this.applyInput(ctx, def, working, value, false);
      this.save(ctx, def, working, false, existing);
      return id;
    }
    const row = this.newRow(ctx, def);
    this.applyInput(ctx, def, row, value, true);
    this.save(ctx, def, row, true, undefined);
    return row[def.key] as number;
  }

  /** Defaults, model beforeSave, mandatory check, then insert (new) — for updates the caller writes the patch. */
  private save(ctx: LoginContext, def: TableDef, row: Row, isNew: boolean, old: Row | undefined): void {
    if (isNew) {
      if (row.AD_Org_ID === null || row.AD_Org_ID === undefined) row.AD_Org_ID = ctx.orgId;
    }
    this.beforeSave(ctx, def, row, isNew, old);
    const missing = def.columns.filter(
      (c) =>
        c.mandatory &&
        c.type !== 'ID' &&
        c.type !== 'UUID' &&
        (row[c.name] === null || row[c.name] === undefined || row[c.name] === ''),
    );
    if (missing.length > 0) throw validation(`FillMandatory ${missing.map((c) => c.name).join(', ')}`);
    const now = Date.now();
    row.Updated = now;
    row.UpdatedBy = ctx.userId;
    if (isNew) {
      row[def.key] = this.store.newId(def.name);
      row[def.uu] = randomUUID();
      row.Created = now;
      row.CreatedBy = ctx.userId;
      this.store.insert(def.name, row);
    } else if (old) {
      const patch: Row = {};
      for (const c of def.columns) if (!sameValue(row[c.name], old[c.name])) patch[c.name] = row[c.name];
      this.store.update(def.name, old[def.key] as number, patch);
    }
    this.afterSave(def, row);
  }

  private saveChildren(
    ctx: LoginContext,
    def: TableDef,
    parent: Row,
    groups: { table: string; link: string; items: unknown[] }[],
    isUpdate: boolean,
  ) {
    const out: Record<string, unknown[]> = {};
    const parentId = parent[def.key] as number;
    for (const g of groups) {
      const childDef = tableDef(g.table);
      const saved: Row[] = [];
      for (const item of g.items) {
        if (!isObject(item)) continue;
        let existing: Row | undefined;
        if (isUpdate) {
          if (typeof item.id === 'number') existing = this.store.get(childDef.name, item.id);
          else if (typeof item.uid === 'string') existing = this.store.getByUU(childDef.name, item.uid);
          if (existing && existing[g.link] !== parentId) existing = undefined;
        }
        if (existing && item['(delete)'] === true) {
          this.deleteRow(childDef, existing);
          continue;
        }
        const nested = Object.fromEntries(Object.entries(item).filter(([k]) => k !== g.link));
        if (existing) {
          const working = { ...existing };
          const { children } = this.applyInput(ctx, childDef, working, nested, false);
          this.save(ctx, childDef, working, false, existing);
          const id = existing[childDef.key] as number;
          const row = this.store.get(childDef.name, id)!;
          this.saveChildren(ctx, childDef, row, children, true);
          saved.push(row);
        } else {
          const row = this.newRow(ctx, childDef);
          row[g.link] = parentId;
          const { children } = this.applyInput(ctx, childDef, row, nested, true);
          row[g.link] = parentId;
          this.save(ctx, childDef, row, true, undefined);
          this.saveChildren(ctx, childDef, row, children, false);
          saved.push(row);
        }
      }
      if (saved.length > 0) out[g.table] = saved.map((r) => r); // serialized in reply() after doc-action
    }
    // serialize now-final rows
    const json: Record<string, unknown[]> = {};
    for (const [table, rows] of Object.entries(out)) {
      const cd = tableDef(table);
      json[table] = (rows as Row[]).map((r) => toJson(this.store, cd, this.store.get(table, r[cd.key] as number) ?? r));
    }
    return json;
  }

  // ---------------------------------------------------------------- model rules (beforeSave/afterSave)

  private beforeSave(ctx: LoginContext, def: TableDef, row: Row, isNew: boolean, old: Row | undefined): void {
    switch (def.name) {
      case 'C_Order':
        return this.orderBeforeSave(ctx, row, isNew, old);
      case 'C_OrderLine':
        return this.orderLineBeforeSave(ctx, row, isNew);
      case 'C_BPartner':
        if (!row.Value) row.Value = this.store.nextDocumentNo(-1);
        if (!row.C_BP_Group_ID) row.C_BP_Group_ID = SEED.bpGroup;
        return;
      case 'C_BPartner_Location':
        if (!row.Name || row.Name === '.') {
          const loc = row.C_Location_ID ? this.store.get('C_Location', row.C_Location_ID as number) : undefined;
          row.Name = loc ? [loc.City, loc.Address1].filter(Boolean).join(' ').slice(0, 60) || '.' : '.';
        }
        return;
      case 'C_Location':
        // the login context's default country (GardenWorld: United States) when none is given
        if (!row.C_Country_ID) row.C_Country_ID = SEED.countryUS;
        return;
      case 'M_InOut':
        return this.inOutBeforeSave(ctx, row, isNew);
      case 'M_InOutLine':
        return this.inOutLineBeforeSave(row, isNew);
      default:
        return;
    }
  }

  private afterSave(def: TableDef, row: Row): void {
    if (def.name === 'C_OrderLine') this.updateOrderTotals(row.C_Order_ID as number);
  }

  private orderBeforeSave(ctx: LoginContext, row: Row, isNew: boolean, old: Row | undefined): void {
    if (isNew) {
      row.C_DocType_ID = 0;
      row.DocStatus = 'DR';
      row.DocAction = 'CO';
      row.Processed = false;
      row.IsSOTrx = row.IsSOTrx ?? true;
    }
    if (!row.AD_Org_ID) row.AD_Org_ID = ctx.orgId;
    if (!row.C_DocTypeTarget_ID) row.C_DocTypeTarget_ID = SEED.docTypeStandardOrder;
    if (!row.C_BPartner_ID) row.C_BPartner_ID = SEED.templateBPartner;
    const bp = this.store.get('C_BPartner', row.C_BPartner_ID as number);
    if (!row.C_BPartner_Location_ID) {
      const locs = this.store
        .children('C_BPartner_Location', row.C_BPartner_ID as number)
        .filter((l) => l.IsActive !== false);
      const ship = locs.find((l) => l.IsShipTo === true) ?? locs[0];
      if (ship) row.C_BPartner_Location_ID = ship.C_BPartner_Location_ID;
    }
    if (!row.Bill_BPartner_ID) row.Bill_BPartner_ID = row.C_BPartner_ID;
    if (!row.Bill_Location_ID) row.Bill_Location_ID = row.C_BPartner_Location_ID;
    if (!row.M_Warehouse_ID) {
      if (ctx.warehouseId > 0) row.M_Warehouse_ID = ctx.warehouseId;
      else throw validation('FillMandatory M_Warehouse_ID');
    }
    if (!row.M_PriceList_ID) row.M_PriceList_ID = (bp?.M_PriceList_ID as number | null) || SEED.priceList;
    const pl = this.store.get('M_PriceList', row.M_PriceList_ID as number);
    if (pl) row.C_Currency_ID = pl.C_Currency_ID;
    if (!row.C_PaymentTerm_ID)
      row.C_PaymentTerm_ID = (bp?.C_PaymentTerm_ID as number | null) || SEED.paymentTermDefault;
    if (!row.SalesRep_ID) row.SalesRep_ID = ctx.userId;
    if (!row.DateOrdered) row.DateOrdered = today();
    if (!row.DatePromised) row.DatePromised = row.DateOrdered;
    if (!row.DateAcct) row.DateAcct = row.DateOrdered;
    row.DeliveryRule ??= 'A';
    row.DeliveryViaRule ??= 'P';
    row.PaymentRule ??= 'P';
    row.InvoiceRule ??= 'D';
    row.FreightCostRule ??= 'I';
    row.PriorityRule ??= '5';
    if (!row.DocumentNo) row.DocumentNo = this.store.nextDocumentNo(row.C_DocTypeTarget_ID as number);
    if (!isNew && old && (old.M_PriceList_ID !== row.M_PriceList_ID || old.DateOrdered !== row.DateOrdered)) {
      const hasProducts = this.store.children('C_OrderLine', row.C_Order_ID as number).some((l) => l.M_Product_ID);
      if (hasProducts && old.M_PriceList_ID !== row.M_PriceList_ID)
        throw saveError('CannotChangePl - the price list cannot change once lines with products exist');
      if (hasProducts)
        throw saveError('CannotChangeDateOrdered - DateOrdered cannot change once lines with products exist');
    }
  }

  private orderLineBeforeSave(_ctx: LoginContext, row: Row, isNew: boolean): void {
    const order = this.store.get('C_Order', row.C_Order_ID as number);
    if (!order) throw validation('FillMandatory C_Order_ID');
    if (order.Processed === true)
      throw saveError('ParentComplete - the order is processed; re-activate it (doc-action RE) to change lines');
    if (isNew) {
      row.AD_Org_ID = order.AD_Org_ID;
      if (!row.Line) {
        const lines = this.store.children('C_OrderLine', order.C_Order_ID as number);
        row.Line = lines.reduce((m, l) => Math.max(m, (l.Line as number) ?? 0), 0) + 10;
      }
    }
    row.M_Warehouse_ID ??= order.M_Warehouse_ID;
    row.C_Currency_ID = order.C_Currency_ID;
    row.C_BPartner_ID ??= order.C_BPartner_ID;
    row.C_BPartner_Location_ID ??= order.C_BPartner_Location_ID;
    row.DateOrdered ??= order.DateOrdered;
    row.DatePromised ??= order.DatePromised;
    // product and charge are exclusive: the charge wins (MOrderLine.beforeSave)
    if (row.C_Charge_ID && row.M_Product_ID) row.M_Product_ID = null;
    const product = row.M_Product_ID ? this.store.get('M_Product', row.M_Product_ID as number) : undefined;
    if (!row.C_UOM_ID) row.C_UOM_ID = (product?.C_UOM_ID as number | undefined) ?? SEED.uom;
    if (!row.C_Tax_ID) row.C_Tax_ID = SEED.taxStandard;
    if (product) {
      const price = this.productPrice(
        order.M_PriceList_ID as number,
        product.M_Product_ID as number,
        order.DateOrdered as string,
      );
      const docType = this.store.get('C_DocType', order.C_DocTypeTarget_ID as number);
      if (!price && docType?.IsNoPriceListCheck !== true) {
        throw saveError(
          `ProductNotOnPriceList - product ${String(product.Value)} is not on the price list of the order`,
        );
      }
      // No callouts on /models: only when both PriceActual and PriceList are 0 does the model take the list price.
      if (price && !row.PriceActual && !row.PriceList) {
        row.PriceActual = price.PriceStd;
        row.PriceEntered = price.PriceStd;
        row.PriceList = price.PriceList;
        row.PriceLimit = price.PriceLimit;
      }
    }
    row.LineNetAmt = round2(Number(row.QtyOrdered ?? 0) * Number(row.PriceActual ?? 0));
  }

  private productPrice(priceListId: number, productId: number, date: string): Row | undefined {
    // the product's price on the newest version of the price list valid at the order date
    let best: { version: Row; price: Row } | undefined;
    for (const price of this.store.lookupEq('M_ProductPrice', 'M_Product_ID', productId) ?? []) {
      if (price.IsActive === false) continue;
      const version = this.store.get('M_PriceList_Version', price.M_PriceList_Version_ID as number);
      if (!version || version.M_PriceList_ID !== priceListId || version.IsActive === false) continue;
      if ((version.ValidFrom as string) > date) continue;
      if (best && (best.version.ValidFrom as string) >= (version.ValidFrom as string)) continue;
      best = { version, price };
    }
    return best?.price;
  }

  /** TotalLines = sum of line amounts; GrandTotal adds tax only when the price list is not tax-included. */
  updateOrderTotals(orderId: number): void {
    const order = this.store.get('C_Order', orderId);
    if (!order) return;
    const lines = this.store.children('C_OrderLine', orderId).filter((l) => l.IsActive !== false);
    const totalLines = round2(lines.reduce((s, l) => s + Number(l.LineNetAmt ?? 0), 0));
    const pl = this.store.get('M_PriceList', order.M_PriceList_ID as number);
    let grand = totalLines;
    if (pl && pl.IsTaxIncluded !== true) {
      const byTax = new Map<number, number>();
      for (const l of lines)
        byTax.set(l.C_Tax_ID as number, (byTax.get(l.C_Tax_ID as number) ?? 0) + Number(l.LineNetAmt ?? 0));
      for (const [taxId, base] of byTax)
        grand += round2((base * Number(this.store.get('C_Tax', taxId)?.Rate ?? 0)) / 100);
      grand = round2(grand);
    }
    if (order.TotalLines !== totalLines || order.GrandTotal !== grand)
      this.store.update('C_Order', orderId, { TotalLines: totalLines, GrandTotal: grand });
  }

  private inOutBeforeSave(ctx: LoginContext, row: Row, isNew: boolean): void {
    if (isNew) {
      row.DocStatus = 'DR';
      row.DocAction = 'CO';
      row.Processed = false;
    }
    if (!row.C_DocType_ID) row.C_DocType_ID = SEED.docTypeShipment;
    const order = row.C_Order_ID ? this.store.get('C_Order', row.C_Order_ID as number) : undefined;
    if (order) {
      row.C_BPartner_ID ??= order.C_BPartner_ID;
      row.C_BPartner_Location_ID ??= order.C_BPartner_Location_ID;
      row.M_Warehouse_ID ??= order.M_Warehouse_ID;
      row.POReference ??= order.POReference;
      if (isNew) row.AD_Org_ID = order.AD_Org_ID;
    }
    if (!row.M_Warehouse_ID && ctx.warehouseId > 0) row.M_Warehouse_ID = ctx.warehouseId;
    if (!row.MovementDate) row.MovementDate = today();
    if (!row.DateAcct) row.DateAcct = row.MovementDate;
    if (!row.DocumentNo) row.DocumentNo = this.store.nextDocumentNo(row.C_DocType_ID as number);
  }

  private inOutLineBeforeSave(row: Row, isNew: boolean): void {
    const inout = this.store.get('M_InOut', row.M_InOut_ID as number);
    if (!inout) throw validation('FillMandatory M_InOut_ID');
    if (inout.Processed === true) throw saveError('ParentComplete - the shipment is processed');
    if (isNew) {
      row.AD_Org_ID = inout.AD_Org_ID;
      if (!row.Line) {
        const lines = this.store.children('M_InOutLine', inout.M_InOut_ID as number);
        row.Line = lines.reduce((m, l) => Math.max(m, (l.Line as number) ?? 0), 0) + 10;
      }
    }
    if (!row.C_UOM_ID) row.C_UOM_ID = SEED.uom;
    if (!row.M_Locator_ID) {
      for (const l of this.store.all('M_Locator')) {
        if (l.M_Warehouse_ID === inout.M_Warehouse_ID && l.IsDefault === true) row.M_Locator_ID = l.M_Locator_ID;
      }
    }
  }

  // ---------------------------------------------------------------- document actions

  /** Runs doc-action after save and children; a failure throws (500) and the caller's transaction rolls back. */
  runDocAction(ctx: LoginContext, def: TableDef, row: Row, action: string | undefined): string | undefined {
    if (!def.isDocument || action === undefined || action.trim() === '' || action === '--') return undefined;
    if (!LISTS.DocAction!.some((e) => e.value === action)) throw docActionError(`Invalid document action: ${action}`);
    const id = row[def.key] as number;
    const status = row.DocStatus as string;
    const notValid = () =>
      docActionError(
        `Document action ${action} is not valid for document status ${status} (${String(row.DocumentNo)})`,
      );
    const set = (patch: Row) =>
      this.store.update(def.name, id, { ...patch, Updated: Date.now(), UpdatedBy: ctx.userId });
    const isOrder = def.name === 'C_Order';
    const lineTable = isOrder ? 'C_OrderLine' : 'M_InOutLine';
    const lines = () => this.store.children(lineTable, id).filter((l) => l.IsActive !== false);
    const setLinesProcessed = (processed: boolean) => {
      for (const l of lines())
        if (l.Processed !== processed)
          this.store.update(lineTable, l[`${lineTable}_ID`] as number, { Processed: processed });
    };
    switch (action) {
      case 'PR':
      case 'CO': {
        if (!['DR', 'IP', 'IN'].includes(status)) throw notValid();
        if (lines().length === 0) throw docActionError('@NoLines@');
        if (isOrder && row.DeliveryViaRule === 'S' && !row.M_Shipper_ID)
          throw docActionError('@FillMandatory@ @M_Shipper_ID@');
        if (action === 'PR') {
          set({ DocStatus: 'IP', DocAction: 'CO' });
          return '';
        }
        const patch: Row = { DocStatus: 'CO', DocAction: 'CL', Processed: true, IsApproved: true };
        if (isOrder) patch.C_DocType_ID = row.C_DocTypeTarget_ID;
        set(patch);
        setLinesProcessed(true);
        if (!isOrder) this.applyDelivery(row, +1);
        return '';
      }
      case 'VO': {
        if (!['DR', 'IP', 'IN', 'CO', 'WP', 'AP', 'NA'].includes(status)) throw notValid();
        if (isOrder) {
          if (lines().some((l) => Number(l.QtyDelivered ?? 0) !== 0))
            throw docActionError('@QtyDelivered@ - the order has shipments; void them first');
          for (const l of lines()) {
            const qtyOrdered = Number(l.QtyOrdered ?? 0);
            if (qtyOrdered !== 0) {
              const desc = [l.Description, `Voided (${qtyOrdered})`].filter(Boolean).join(' | ');
              this.store.update('C_OrderLine', l.C_OrderLine_ID as number, {
                QtyOrdered: 0,
                QtyEntered: 0,
                LineNetAmt: 0,
                Description: desc.slice(0, 255),
              });
            }
          }
          this.updateOrderTotals(id);
        } else if (status === 'CO') {
          this.applyDelivery(row, -1);
        }
        set({ DocStatus: 'VO', DocAction: '--', Processed: true });
        setLinesProcessed(true);
        return '';
      }
      case 'CL': {
        if (status !== 'CO') throw notValid();
        if (isOrder) {
          for (const l of lines()) {
            const delivered = Number(l.QtyDelivered ?? 0);
            if (Number(l.QtyOrdered ?? 0) !== delivered) {
              this.store.update('C_OrderLine', l.C_OrderLine_ID as number, {
                QtyOrdered: delivered,
                LineNetAmt: round2(delivered * Number(l.PriceActual ?? 0)),
              });
            }
          }
          this.updateOrderTotals(id);
        }
        set({ DocStatus: 'CL', DocAction: '--', Processed: true });
        return '';
      }
      case 'RE': {
        if (!isOrder) throw docActionError('ReActivate not allowed for shipments: reverse them instead');
        if (status !== 'CO') throw notValid();
        if (lines().some((l) => Number(l.QtyDelivered ?? 0) !== 0))
          throw docActionError('@Shipped@ - the order has shipments and cannot be re-activated');
        set({ DocStatus: 'IP', DocAction: 'CO', Processed: false, IsApproved: false });
        setLinesProcessed(false);
        return '';
      }
      default:
        throw notValid();
    }
  }

  /** A completed (or voided) shipment moves QtyDelivered on the order lines it ships. */
  private applyDelivery(inout: Row, sign: 1 | -1): void {
    for (const l of this.store.children('M_InOutLine', inout.M_InOut_ID as number)) {
      if (!l.C_OrderLine_ID) continue;
      const ol = this.store.get('C_OrderLine', l.C_OrderLine_ID as number);
      if (!ol) continue;
      this.store.update('C_OrderLine', ol.C_OrderLine_ID as number, {
        QtyDelivered: round2(Number(ol.QtyDelivered ?? 0) + sign * Number(l.MovementQty ?? 0)),
      });
    }
  }
}

function changedColumns(def: TableDef, a: Row, b: Row): string[] {
  return def.columns.filter((c) => !sameValue(a[c.name], b[c.name])).map((c) => c.name);
}

function sameValue(a: unknown, b: unknown): boolean {
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  return a === b;
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

function parseIntParam(name: string, v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  if (!/^-?\d+$/.test(v.trim()))
    throw new RestError(400, 'GET Error', `Get POs with exception: ${name} must be an integer, got '${v}'`);
  return Number(v);
}
