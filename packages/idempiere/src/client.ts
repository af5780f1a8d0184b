// The iDempiere REST client: typed model reads, writes with nested children, doc-actions and the batch
// endpoint, over one session (session.ts: login, token refresh) and one transport (http.ts: errors classified).
import { classifyHttpError, IdempiereError } from './errors';
import { Http } from './http';
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

  /** Every record matching the query, page by page (the server caps a page at 100 by default). */
  async getAll<T = IdRecord>(table: string, q: Query = {}, maxRecords = 10_000): Promise<T[]> {
    const top = q.top ?? 100;
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
    // A batch holds many documents: allow it time in proportion (a timeout is treated as an outage and retried).
    const r = await this.session.open(
      'POST',
      `batch?transaction=${opts.transaction}`,
      requests,
      this.timeoutMs + requests.length * 500,
    );
    if (r.status >= 400) {
      // Whole-batch refusal: surface it now, classified.
      await r.body();
    }
    const results = r.body().then((data) => {
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
    });
    // Handled by whoever awaits it; never an unhandled rejection in between.
    results.catch(() => undefined);
    return { results };
  }
}
