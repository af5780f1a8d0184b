// One /models write in its own transaction, and POST /api/v1/batch: items {method, path, body}; with
// transaction=true the first failure stops and rolls everything back (HTTP 400), without it every item commits
// or fails alone and the HTTP status is 200 (docs/idempiere.md, "Batch").
import type { LoginContext } from './models';
import { errorBody } from './reply';
import type { IdempiereState } from './state';
import { RestError, type Row } from './store';

export type WriteResult = { status: number; body: unknown };

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Runs one /models write in its own transaction and renders RestErrors as the plugin does. */
export function modelWrite(
  state: IdempiereState,
  method: string,
  ctx: LoginContext,
  table: string,
  id: string | undefined,
  body: unknown,
  committed?: (row: Row) => Row | null,
): WriteResult {
  const { store, models } = state;
  try {
    return store.transaction(() => {
      const def = models.table(table);
      if (method === 'POST') {
        if (id !== undefined) throw new RestError(404, 'Not Found', `No POST route for /models/${table}/${id}`);
        return { status: 201, body: models.create(ctx, def, body) };
      }
      if (id === undefined) throw new RestError(404, 'Not Found', `${method} needs /models/${table}/{id}`);
      if (method === 'PUT') return { status: 200, body: models.update(ctx, def, id, body, committed) };
      return { status: 200, body: models.remove(ctx, def, id) };
    });
  } catch (err) {
    if (err instanceof RestError) return { status: err.status, body: errorBody(err, ctx.language) };
    state.log?.warn?.({ err }, 'idempiere sandbox: unexpected error');
    return {
      status: 500,
      body: { title: 'Server error', status: 500, detail: `Server error with exception: ${(err as Error).message}` },
    };
  }
}

type BatchItem =
  | { ok: true; method: string; table: string; id?: string; body: unknown }
  | { ok: false; status: number; message: string };

export function parseBatchItem(it: unknown): BatchItem {
  if (!it || typeof it !== 'object')
    return { ok: false, status: 400, message: 'Each batch item must be an object {method, path, body}' };
  const o = it as Record<string, unknown>;
  const method = String(o.method ?? '').toUpperCase();
  if (!['POST', 'PUT', 'DELETE'].includes(method))
    return { ok: false, status: 400, message: `Unsupported Method: ${method}` };
  const path = String(o.path ?? '')
    .replace(/^\/+/, '')
    .replace(/^api\//, '')
    .split('?')[0]!;
  const m = /^v1\/models\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return { ok: false, status: 404, message: `No resource for path ${String(o.path)}` };
  return { ok: true, method, table: m[1]!, id: m[2], body: o.body };
}

export function runBatch(
  state: IdempiereState,
  ctx: LoginContext,
  items: unknown[],
  transaction: boolean,
  /** RequestFilter again for item i (auth.ts itemFilter): its 401 reply once the token has expired, else null */
  itemAuth?: (i: number) => WriteResult | null,
): WriteResult {
  const results: { status: string; statusCode: number; body: unknown }[] = [];
  const committed = transaction ? committedView(state, items) : undefined;
  const runOne = (it: unknown) => {
    const p = parseBatchItem(it);
    const denied = itemAuth?.(results.length);
    const r = denied
      ? denied
      : p.ok
        ? modelWrite(state, p.method, ctx, p.table, p.id, p.body, committed)
        : { status: p.status, body: p.message };
    results.push({ status: REASONS[r.status] ?? String(r.status), statusCode: r.status, body: r.body });
    return r.status === 200 || r.status === 201 || r.status === 202;
  };
  if (!transaction) {
    // each item commits or fails on its own; the reply carries every item's status
    for (const it of items) runOne(it);
    return { status: 200, body: results };
  }
  const ROLLBACK = Symbol('rollback');
  try {
    state.store.transaction(() => {
      for (const it of items) if (!runOne(it)) throw ROLLBACK;
    });
    return { status: 200, body: results };
  } catch (err) {
    if (err === ROLLBACK) return { status: 400, body: results };
    throw err;
  }
}

/**
 * What a PUT inside a transactional batch reads: the record as committed before the batch began. The plugin's
 * POParser loads through RestUtils.getPO with trxName null, so it does not see the uncommitted writes of earlier
 * items (docs/idempiere.md, "Batch"): "RE, then PUT with header changes" fails on the second item with
 * "Cannot update <col> on processed record". Taken once, before any item runs.
 */
function committedView(state: IdempiereState, items: unknown[]): (row: Row) => Row | null {
  // the store changes rows in place, so the live row object is the key of its snapshot
  const before = new Map<Row, Row>();
  for (const it of items) {
    const p = parseBatchItem(it);
    if (!p.ok || p.method !== 'PUT' || p.id === undefined) continue;
    let name: string;
    try {
      name = state.models.table(p.table).name;
    } catch {
      continue;
    }
    const row = /^\d+$/.test(p.id) ? state.store.get(name, Number(p.id)) : state.store.getByUU(name, p.id);
    if (row) before.set(row, { ...row });
  }
  return (row: Row) => before.get(row) ?? null;
}
