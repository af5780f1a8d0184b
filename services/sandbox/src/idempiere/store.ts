// The in-memory database: one Map per table, an index of child rows by parent, and transactions by undo log
// (a failed request or batch puts every row back as it was, like a rolled-back DB transaction).
import { randomUUID } from 'node:crypto';
import { TABLES, type TableDef, tableDef } from './dictionary';

export type Row = Record<string, unknown>;

/** An error that the REST layer renders as {title, status, detail}. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
  }
}

interface TableData {
  def: TableDef;
  rows: Map<number, Row>;
  byUU: Map<string, number>;
}

/** child table -> link column (e.g. C_OrderLine -> C_Order_ID), indexed for "lines of this order" lookups */
const LINKS: Record<string, string> = {};
for (const t of TABLES) for (const c of t.children) LINKS[c.table] = c.link;
// shipments are looked up by order too
LINKS['M_InOut'] = 'C_Order_ID';

/** Columns with an equality index (the lookups the ERP writer and shipment polling do on every order). */
const EQ_INDEXED: Record<string, string[]> = {
  C_Order: ['POReference', 'DocumentNo', 'C_BPartner_ID'],
  C_OrderLine: ['C_Order_ID', 'M_Product_ID'],
  M_InOut: ['C_Order_ID', 'DocumentNo', 'POReference'],
  M_InOutLine: ['M_InOut_ID', 'C_OrderLine_ID'],
  C_BPartner: ['Value', 'Name'],
  C_BPartner_Location: ['C_BPartner_ID'],
  AD_User: ['C_BPartner_ID', 'EMail'],
  M_Product: ['Value', 'SKU', 'UPC', 'Name'],
  M_ProductPrice: ['M_Product_ID'],
};

export class Store {
  private tables = new Map<string, TableData>();
  /** next id per table; like AD_Sequence table ids it is NOT rolled back */
  private nextIds = new Map<string, number>();
  /** document number sequences per doc type; rolled back with the transaction (row lock in the real server) */
  private docSeq = new Map<number, { prefix: string; next: number }>();
  /** childTable -> parentId -> child ids */
  private childIdx = new Map<string, Map<number, Set<number>>>();
  /** table -> column -> value -> ids */
  private eqIdx = new Map<string, Map<string, Map<unknown, Set<number>>>>();
  private undo: (() => void)[] | null = null;
  private depth = 0;

  constructor() {
    for (const def of TABLES) {
      this.tables.set(def.name, { def, rows: new Map(), byUU: new Map() });
      this.nextIds.set(def.name, 1_000_000);
    }
    for (const child of Object.keys(LINKS)) this.childIdx.set(child, new Map());
    for (const [table, cols] of Object.entries(EQ_INDEXED))
      this.eqIdx.set(table, new Map(cols.map((c) => [c, new Map()])));
  }

  /** Rows whose column equals value, in id order; undefined when the column has no index. */
  lookupEq(table: string, column: string, value: unknown): Row[] | undefined {
    const idx = this.eqIdx.get(table)?.get(column);
    if (!idx) return undefined;
    const ids = idx.get(value);
    if (!ids) return [];
    const t = this.data(table);
    const out: Row[] = [];
    for (const id of ids) {
      const r = t.rows.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => (a[t.def.key] as number) - (b[t.def.key] as number));
  }

  private data(table: string): TableData {
    const t = this.tables.get(table);
    if (!t) throw new Error(`unknown table ${table}`);
    return t;
  }

  newId(table: string): number {
    const id = this.nextIds.get(table) ?? 1_000_000;
    this.nextIds.set(table, id + 1);
    return id;
  }

  defineDocSequence(docTypeId: number, prefix: string, next: number): void {
    this.docSeq.set(docTypeId, { prefix, next });
  }

  nextDocumentNo(docTypeId: number): string {
    let seq = this.docSeq.get(docTypeId);
    if (!seq) {
      seq = { prefix: '', next: 1_000_000 };
      this.docSeq.set(docTypeId, seq);
    }
    const s = seq;
    const value = s.next;
    s.next = value + 1;
    this.record(() => {
      s.next = value;
    });
    return `${s.prefix}${value}`;
  }

  get(table: string, id: number): Row | undefined {
    return this.data(table).rows.get(id);
  }

  getByUU(table: string, uu: string): Row | undefined {
    const t = this.data(table);
    const id = t.byUU.get(uu);
    return id === undefined ? undefined : t.rows.get(id);
  }

  /** All rows of a table in id order (Map keeps insertion order; ids only grow). */
  all(table: string): IterableIterator<Row> {
    return this.data(table).rows.values();
  }

  count(table: string): number {
    return this.data(table).rows.size;
  }

  children(childTable: string, parentId: number): Row[] {
    const ids = this.childIdx.get(childTable)?.get(parentId);
    if (!ids) return [];
    const t = this.data(childTable);
    const out: Row[] = [];
    for (const id of ids) {
      const r = t.rows.get(id);
      if (r) out.push(r);
    }
    return out.sort((a, b) => (a[t.def.key] as number) - (b[t.def.key] as number));
  }

  private indexChild(table: string, row: Row, add: boolean): void {
    const cols = this.eqIdx.get(table);
    if (cols) {
      const id = row[tableDef(table).key] as number;
      for (const [col, idx] of cols) {
        const v = row[col];
        if (v === null || v === undefined) continue;
        let set = idx.get(v);
        if (add) {
          if (!set) idx.set(v, (set = new Set()));
          set.add(id);
        } else if (set) {
          set.delete(id);
          if (set.size === 0) idx.delete(v);
        }
      }
    }
    const link = LINKS[table];
    if (!link) return;
    const parent = row[link];
    if (typeof parent !== 'number') return;
    const idx = this.childIdx.get(table)!;
    const id = row[tableDef(table).key] as number;
    if (add) {
      let set = idx.get(parent);
      if (!set) idx.set(parent, (set = new Set()));
      set.add(id);
    } else {
      idx.get(parent)?.delete(id);
    }
  }

  /** Inserts a row (which must carry its key); fills the UU when missing. */
  insert(table: string, row: Row): Row {
    const t = this.data(table);
    const id = row[t.def.key] as number;
    if (t.rows.has(id)) throw new Error(`duplicate key ${table} ${id}`);
    if (!row[t.def.uu]) row[t.def.uu] = randomUUID();
    t.rows.set(id, row);
    t.byUU.set(row[t.def.uu] as string, id);
    this.indexChild(table, row, true);
    this.record(() => {
      this.indexChild(table, row, false);
      t.rows.delete(id);
      t.byUU.delete(row[t.def.uu] as string);
    });
    return row;
  }

  /** Changes columns of a row in place (callers hold references to it). */
  update(table: string, id: number, patch: Row): Row {
    const t = this.data(table);
    const row = t.rows.get(id);
    if (!row) throw new Error(`no ${table} ${id}`);
    const before: Row = {};
    for (const k of Object.keys(patch)) before[k] = row[k];
    this.indexChild(table, row, false);
    Object.assign(row, patch);
    this.indexChild(table, row, true);
    this.record(() => {
      this.indexChild(table, row, false);
      Object.assign(row, before);
      this.indexChild(table, row, true);
    });
    return row;
  }

  delete(table: string, id: number): void {
    const t = this.data(table);
    const row = t.rows.get(id);
    if (!row) return;
    this.indexChild(table, row, false);
    t.rows.delete(id);
    t.byUU.delete(row[t.def.uu] as string);
    this.record(() => {
      t.rows.set(id, row);
      t.byUU.set(row[t.def.uu] as string, id);
      this.indexChild(table, row, true);
    });
  }

  private record(fn: () => void): void {
    if (this.undo) this.undo.push(fn);
  }

  /**
   * Runs fn as one transaction: if it throws, every change it made is undone. Nested calls are savepoints of the
   * outer transaction (a batch with transaction=true wraps its requests). fn must be synchronous: nothing else
   * may run in between, which also makes every write atomic for readers.
   */
  transaction<T>(fn: () => T): T {
    if (!this.undo) this.undo = [];
    const mark = this.undo.length;
    this.depth++;
    try {
      const result = fn();
      return result;
    } catch (err) {
      const log = this.undo;
      while (log.length > mark) log.pop()!();
      throw err;
    } finally {
      this.depth--;
      if (this.depth === 0) this.undo = null;
    }
  }
}
