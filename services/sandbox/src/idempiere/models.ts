// The /models resource, generic over tables: reads (query.ts), and writes (POST/PUT/DELETE) with nested
// children, input conversion (input.ts), dictionary defaults, the core model rules of each table (rules/),
// mandatory checks and document actions (doc-actions.ts). Writes are synchronous and meant to run inside
// Store.transaction(): any RestError thrown undoes everything.
import { randomUUID } from 'node:crypto';
import { TABLE_BY_LOWER, type TableDef, tableDef } from './dictionary';
import { runDocAction } from './doc-actions';
import { childSaveError, validation } from './errors';
import { parseSelect } from './filter';
import { type ChildGroup, applyInput, changedColumns, isObject, sameValue } from './input';
import { queryRows, visible, withExpand } from './query';
import { afterSave, beforeSave, updateOrderTotals } from './rules';
import { toJson } from './serialize';
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

  // ---------------------------------------------------------------- read

  query(ctx: LoginContext, def: TableDef, q: QueryParams) {
    return queryRows(this.store, this.options.maxRecords, ctx, def, q);
  }

  getOne(ctx: LoginContext, def: TableDef, idOrUU: string, q: QueryParams): Record<string, unknown> {
    const row = this.find(ctx, def, idOrUU);
    const select = parseSelect(def, q.select);
    return withExpand(this.store, def, row, toJson(this.store, def, row, select), q.expand);
  }

  find(ctx: LoginContext, def: TableDef, idOrUU: string): Row {
    const row = /^\d+$/.test(idOrUU) ? this.store.get(def.name, Number(idOrUU)) : this.store.getByUU(def.name, idOrUU);
    if (!row) throw new RestError(404, 'Record not found', `No record found matching id ${idOrUU}`);
    if (!visible(ctx, row)) throw new RestError(403, 'Access denied', `Access denied for record with id ${idOrUU}`);
    return row;
  }

  // ---------------------------------------------------------------- write

  /** POST /models/{table} */
  create(ctx: LoginContext, def: TableDef, body: unknown): Record<string, unknown> {
    if (!isObject(body)) throw validation('The request body must be a JSON object');
    const row = this.newRow(ctx, def);
    const { children, docAction } = this.applyInput(ctx, def, row, body, true);
    this.save(ctx, def, row, true, undefined);
    let childJson: Record<string, unknown[]>;
    try {
      childJson = this.saveChildren(ctx, def, row, children, false);
    } catch (err) {
      throw err instanceof RestError ? childSaveError(err) : err;
    }
    const processMsg = runDocAction(this.store, ctx, def, row, docAction);
    return this.reply(def, row, childJson, processMsg);
  }

  /**
   * PUT /models/{table}/{id}. `committed` is what a read outside the request's transaction sees (a transactional
   * batch: POParser / RestUtils.getPO load with trxName null): the updatable checks and the document action then
   * work on that stale record, and only the columns the body changes are written (PO.saveEx writes changed
   * columns). null: the record does not exist outside the transaction.
   */
  update(
    ctx: LoginContext,
    def: TableDef,
    idOrUU: string,
    body: unknown,
    committed?: (row: Row) => Row | null,
  ): Record<string, unknown> {
    if (!isObject(body)) throw validation('The request body must be a JSON object');
    const row = this.find(ctx, def, idOrUU);
    const base = committed ? committed(row) : row;
    if (!base) throw new RestError(404, 'Record not found', `No record found matching id ${idOrUU}`);
    const id = row[def.key] as number;
    const working: Row = { ...base };
    const { children, docAction } = this.applyInput(ctx, def, working, body, false);
    const changed = changedColumns(def, base, working);
    if (changed.length > 0) {
      const merged: Row = { ...row };
      for (const c of changed) merged[c] = working[c];
      this.save(ctx, def, merged, false, row);
    }
    const saved = this.store.get(def.name, id)!;
    const childJson = this.saveChildren(ctx, def, saved, children, true);
    // the document action runs on the PO as loaded (its DocStatus may be stale)
    const acting = base === row ? saved : { ...saved, DocStatus: base.DocStatus, DocAction: base.DocAction };
    const processMsg = runDocAction(this.store, ctx, def, acting, docAction);
    return this.reply(def, saved, childJson, processMsg);
  }

  /** DELETE /models/{table}/{id} */
  remove(ctx: LoginContext, def: TableDef, idOrUU: string): Record<string, unknown> {
    const row = this.find(ctx, def, idOrUU);
    this.deleteRow(def, row);
    return { msg: 'Deleted' };
  }

  private deleteRow(def: TableDef, row: Row, title = 'Delete error'): void {
    const id = row[def.key] as number;
    // MOrderLine.beforeDelete: a line with QtyReserved != 0 cannot be deleted (PO.deleteEx: "Reserved Quantity=n");
    // MOrder.reActivateIt keeps the reservations, so this holds for re-activated orders too
    if (def.name === 'C_OrderLine' && Number(row.QtyReserved ?? 0) !== 0)
      throw new RestError(500, title, `Reserved Quantity=${Number(row.QtyReserved)}`);
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
    if (def.name === 'C_OrderLine') updateOrderTotals(this.store, row.C_Order_ID as number);
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

  private applyInput(ctx: LoginContext, def: TableDef, row: Row, body: Record<string, unknown>, isNew: boolean) {
    return applyInput(this.store, ctx, def, row, body, isNew, {
      poReferenceLength: this.options.poReferenceLength,
      inlineLocation: (value) => this.inlineLocation(ctx, value),
    });
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

  /** Defaults, model beforeSave, mandatory check, then insert (new) or write the changed columns (update). */
  private save(ctx: LoginContext, def: TableDef, row: Row, isNew: boolean, old: Row | undefined): void {
    if (isNew) {
      if (row.AD_Org_ID === null || row.AD_Org_ID === undefined) row.AD_Org_ID = ctx.orgId;
    }
    beforeSave(this.store, ctx, def, row, isNew, old);
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
      if (typeof row[def.uu] !== 'string' || !row[def.uu]) row[def.uu] = randomUUID();
      else if (this.store.getByUU(def.name, row[def.uu] as string))
        throw new RestError(
          500,
          'Save error',
          `duplicate key value violates unique constraint "${def.uu.toLowerCase()}_idx"`,
        );
      row.Created = now;
      row.CreatedBy = ctx.userId;
      this.store.insert(def.name, row);
    } else if (old) {
      const patch: Row = {};
      for (const c of def.columns) if (!sameValue(row[c.name], old[c.name])) patch[c.name] = row[c.name];
      this.store.update(def.name, old[def.key] as number, patch);
    }
    afterSave(this.store, def, row);
  }

  /** Nested children: on a PUT an item with the id of an existing child updates (or "(delete)"s) it. */
  private saveChildren(ctx: LoginContext, def: TableDef, parent: Row, groups: ChildGroup[], isUpdate: boolean) {
    const out: Record<string, unknown[]> = {};
    const parentId = parent[def.key] as number;
    for (const g of groups) {
      const childDef = tableDef(g.table);
      const saved: Row[] = [];
      for (const item of g.items) {
        if (!isObject(item)) continue;
        let existing: Row | undefined;
        if (isUpdate) {
          // ModelResourceImpl.loadPO: by id (or uid) with the access filter only; the parent link is not checked
          if (typeof item.id === 'number') existing = this.store.get(childDef.name, item.id);
          else if (typeof item.uid === 'string') existing = this.store.getByUU(childDef.name, item.uid);
          if (existing && !visible(ctx, existing)) existing = undefined;
        }
        if (isUpdate && item['(delete)'] === true) {
          if (!existing) throw new RestError(404, 'Delete Error', 'Cannot delete non-existing record');
          this.deleteRow(childDef, existing, 'Save error');
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
}
