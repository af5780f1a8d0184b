// The iDempiere REST client: typed model reads, writes with nested children, doc-actions and the batch
// endpoint, over one session (session.ts: login, token refresh) and one transport (http.ts: errors classified).
import { classifyHttpError, IdempiereError } from './errors';
import { Http, type Opened } from './http';
import { type DocAction, type IdRecord, type Page, type Query, queryString, tablePath } from './model';
import { TokenSession, type SessionOptions } from './session';

export type { IdempiereLogin } from './session';

export interface IdempiereClientOptions extends SessionOptions {
  /** Base URL up to and including /api/v1. */
  url: string;
  /** Per request; a request that takes longer counts as "unavailable". */
  timeoutMs?: number;
}

export interface BatchRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  /** Relative to /api, e.g. "v1/models/C_Order". */
  path: string;
  body?: unknown;
}

export interface BatchResult {
  statusCode: number;
  body: unknown;
  /** Set when statusCode is not 2xx: the classified error of this one request. */
  error?: IdempiereError;
}

export class IdempiereClient {
  private readonly session: TokenSession;
  private readonly timeoutMs: number;
  /** Counters for the benchmark and for metrics. */
  readonly stats = { requests: 0, logins: 0, refreshes: 0 };

  constructor(opts: IdempiereClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const http = new Http(opts.url.replace(/\/+$/, ''), this.timeoutMs, this.stats);
    this.session = new TokenSession(http, opts, this.stats);
  }

  /** Authenticated request; a 401 with the current token renews it once and repeats the request. */
  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    return (await (await this.session.open(method, path, body, timeoutMs)).body()) as T;
  }

  /** Logs in now (e.g. at start-up to fail early); normally the first request does it. */
  async connect(): Promise<void> {
    await this.session.token();
  }

  /** Ends the session on the server (best effort). */
  async logout(): Promise<void> {
    await this.session.logout();
  }

  // ---------------------------------------------------------------- models

  async get<T = IdRecord>(table: string, q: Query = {}): Promise<Page<T>> {
    const data = await this.request<Record<string, unknown>>('GET', `${tablePath(table)}${queryString(q)}`);
    const records = (Array.isArray(data?.records) ? data.records : []) as T[];
    return {
      records,
      rowCount: Number(data?.['row-count'] ?? records.length),
      pageCount: Number(data?.['page-count'] ?? 1),
      skip: Number(data?.['skip-records'] ?? q.skip ?? 0),
    };
  }

  /**
   * Every record matching the query, page by page (the server caps a page at 100 by default). Core Query adds no
   * ORDER BY without `$orderby`, so skip paging is always ordered on the table's unique key (docs/idempiere.md,
   * Reading models); a caller's order gets the key appended as a tie-breaker.
   */
  async getAll<T = IdRecord>(table: string, q: Query = {}, maxRecords = 10_000): Promise<T[]> {
    const top = q.top ?? 100;
    const key = `${table}_ID`;
    const orderby = !q.orderby
      ? key
      : q.orderby.split(',').some((p) => p.trim().split(/\s+/)[0] === key)
        ? q.orderby
        : `${q.orderby},${key}`;
    q = { ...q, orderby };
    const out: T[] = [];
    let skip = q.skip ?? 0;
    for (;;) {
      const page = await this.get<T>(table, { ...q, top, skip });
      out.push(...page.records);
      skip += page.records.length;
      if (page.records.length === 0 || skip >= page.rowCount || out.length >= maxRecords) return out;
    }
  }

  async getById<T = IdRecord>(table: string, id: number, q: Pick<Query, 'select' | 'expand'> = {}): Promise<T> {
    return this.request<T>('GET', `${tablePath(table)}/${id}${queryString(q)}`);
  }

  /** POST: children go in as arrays keyed by the child table name; `doc-action` runs in the same transaction. */
  async create<T = IdRecord>(table: string, body: Record<string, unknown>): Promise<T> {
    return this.request<T>('POST', tablePath(table), body);
  }

  async update<T = IdRecord>(table: string, id: number, body: Record<string, unknown>): Promise<T> {
    return this.request<T>('PUT', `${tablePath(table)}/${id}`, body);
  }

  async docAction<T = IdRecord>(table: string, id: number, action: DocAction): Promise<T> {
    return this.update<T>(table, id, { 'doc-action': action });
  }

  /**
   * Several writes in one HTTP request. With transaction=false each runs on its own and gets its own result;
   * with transaction=true the first failure rolls back all of them and the call throws.
   */
  async batch(requests: BatchRequest[], opts: { transaction: boolean }): Promise<BatchResult[]> {
    return (await this.batchStart(requests, opts)).results;
  }

  /**
   * A batch whose answer has started to arrive: iDempiere has committed it, the next write may go out while
   * `results` (reading and parsing a large reply) is still pending.
   */
  async batchStart(
    requests: BatchRequest[],
    opts: { transaction: boolean },
  ): Promise<{ results: Promise<BatchResult[]> }> {
    const r = await this.session.open(
      'POST',
      `batch?transaction=${opts.transaction}`,
      requests,
      this.batchTimeout(requests),
    );
    // The plugin checks the token again on every item: if it expired while iDempiere worked, the later items may
    // have been refused (401). Read the reply now and send them again (docs/idempiere.md, "Authentication and tokens").
    if (this.session.expired(r.token)) return { results: Promise.resolve(await this.afterExpiry(requests, opts, r)) };
    if (r.status >= 400) {
      // Whole-batch refusal: surface it now, classified.
      await r.body();
    }
    const results = r.body().then((data) => toResults(requests, data));
    // Handled by whoever awaits it; never an unhandled rejection in between.
    results.catch(() => undefined);
    return { results };
  }

  /** A batch holds many documents: it is allowed time in proportion (a timeout is treated as an outage and retried). */
  private batchTimeout(requests: BatchRequest[]): number {
    return this.timeoutMs + requests.length * 500;
  }

  /**
   * The answer of a batch whose token expired on the way. Items refused with 401 were not executed (RequestFilter
   * runs before the item), so they go again with a fresh token, in order, while that makes progress; a refused
   * transaction=true batch was rolled back as a whole and goes again once.
   */
  private async afterExpiry(
    requests: BatchRequest[],
    opts: { transaction: boolean },
    first: Opened & { token: string },
  ): Promise<BatchResult[]> {
    const path = `batch?transaction=${opts.transaction}`;
    if (opts.transaction) {
      try {
        return toResults(requests, await first.body());
      } catch (err) {
        if (!(err instanceof IdempiereError) || err.kind !== 'auth') throw err;
        await this.session.rejected(first.token);
        return toResults(
          requests,
          await (await this.session.open('POST', path, requests, this.batchTimeout(requests))).body(),
        );
      }
    }
    const results = toResults(requests, await first.body());
    let token = first.token;
    for (;;) {
      const refused = results.flatMap((x, i) => (x.statusCode === 401 ? [i] : []));
      if (!refused.length) return results;
      await this.session.rejected(token);
      const again = refused.map((i) => requests[i]!);
      const r = await this.session.open('POST', path, again, this.batchTimeout(again));
      token = r.token;
      const redone = toResults(again, await r.body());
      refused.forEach((i, k) => (results[i] = redone[k]!));
      // Refused again from the first item on: not the expiry but our credentials; the 401s stand (an outage).
      if (redone[0]?.statusCode === 401) return results;
    }
  }
}

/** One result per request: its status and body, and the classified error when it failed. */
function toResults(requests: BatchRequest[], data: unknown): BatchResult[] {
  const list = Array.isArray(data) ? data : [];
  if (list.length !== requests.length) {
    throw new IdempiereError('server', `iDempiere batch: ${requests.length} requests but ${list.length} results`);
  }
  return list.map((item, i) => {
    const x = (item ?? {}) as { status?: unknown; statusCode?: unknown; body?: unknown };
    const code = Number(x.statusCode ?? (typeof x.status === 'number' ? x.status : NaN));
    const statusCode = Number.isFinite(code) ? code : 500;
    const out: BatchResult = { statusCode, body: x.body };
    if (statusCode >= 400)
      out.error = classifyHttpError(statusCode, x.body, { method: requests[i]!.method, path: requests[i]!.path });
    return out;
  });
}
