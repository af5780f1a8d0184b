// The iDempiere REST client: one login per process, bearer token refreshed before it expires with the
// single-use refresh token (never sent twice), a fresh login when the chain is revoked; typed model reads,
// writes with nested children, doc-actions and the batch endpoint; errors classified (errors.ts).
import type { Logger } from '@oms/logger';
import { classifyHttpError, classifyNetworkError, IdempiereError } from './errors';
import type { Filter } from './filter';

export interface IdempiereLogin {
  userName: string;
  password: string;
  clientId: number;
  roleId: number;
  organizationId: number;
  warehouseId: number;
  language: string;
}

export interface IdempiereClientOptions extends IdempiereLogin {
  /** Base URL up to and including /api/v1. */
  url: string;
  /** Per request; a request that takes longer counts as "unavailable". */
  timeoutMs?: number;
  /** Refresh this long before the access token expires (capped at a fifth of its lifetime). */
  refreshMarginMs?: number;
  log?: Logger;
}

/** A record as the REST API returns it: columns by name, `id`, `uid`, FKs as {id, identifier}. */
export type IdRecord = { id: number; uid?: string; 'model-name'?: string } & Record<string, unknown>;

export interface Page<T> {
  records: T[];
  rowCount: number;
  pageCount: number;
  skip: number;
}

export interface Query {
  filter?: Filter | string;
  select?: readonly string[];
  orderby?: string;
  top?: number;
  skip?: number;
  expand?: string;
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

export type DocAction = 'CO' | 'PR' | 'VO' | 'CL' | 'RE' | 'RC' | '--';

interface Session {
  token: string;
  /** null once used: a refresh token is single-use and reusing one revokes the whole chain. */
  refreshToken: string | null;
  expiresAt: number;
  lifetimeMs: number;
  userId: number;
  clientId: number;
}

/** The id in a FK value, whatever form it has ({id, identifier}, a number, or null). */
export function fkId(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value : null;
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'number') return id > 0 ? id : null;
    if (typeof id === 'string' && /^\d+$/.test(id)) return Number(id);
  }
  return null;
}

/** The code of a list value (DocStatus "CO") or its identifier for a FK. */
export function listValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as { id?: unknown; identifier?: unknown };
    if (typeof v.id === 'string') return v.id;
    if (typeof v.identifier === 'string') return v.identifier;
  }
  return null;
}

function jwtExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

function jwtClaim(token: string, name: string): unknown {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return (JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

export function queryString(q: Query = {}): string {
  const parts: string[] = [];
  if (q.filter !== undefined) parts.push(`$filter=${encodeURIComponent(String(q.filter))}`);
  if (q.select?.length) parts.push(`$select=${encodeURIComponent(q.select.join(','))}`);
  if (q.orderby) parts.push(`$orderby=${encodeURIComponent(q.orderby)}`);
  if (q.top !== undefined) parts.push(`$top=${q.top}`);
  if (q.skip !== undefined) parts.push(`$skip=${q.skip}`);
  if (q.expand) parts.push(`$expand=${encodeURIComponent(q.expand)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function tablePath(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`invalid table name "${table}"`);
  return `models/${table}`;
}

export class IdempiereClient {
  private session: Session | null = null;
  private authFlight: Promise<Session> | null = null;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly marginMs: number;
  /** Counters for the benchmark and for metrics. */
  readonly stats = { requests: 0, logins: 0, refreshes: 0 };

  constructor(private readonly opts: IdempiereClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.marginMs = opts.refreshMarginMs ?? 60_000;
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Sends a request and resolves as soon as the status line is in (iDempiere has finished the work by then);
   * `body()` reads and parses the reply and throws the classified error for a 4xx/5xx.
   */
  private async open(
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
    timeoutMs = this.timeoutMs,
  ): Promise<{ status: number; body: () => Promise<unknown> }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const where = { method, path: path.split('?')[0] };
    this.stats.requests++;
    let res: Response;
    try {
      res = await fetch(`${this.base}/${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw classifyNetworkError(err, where);
    }
    return {
      status: res.status,
      body: async () => {
        let raw: string;
        try {
          raw = await res.text();
        } catch (err) {
          throw classifyNetworkError(err, where);
        }
        let data: unknown = raw;
        if (raw) {
          try {
            data = JSON.parse(raw);
          } catch {
            // not JSON (proxy error page): keep the text for the message
          }
        } else data = undefined;
        if (res.status >= 400) throw classifyHttpError(res.status, data, where);
        return data;
      },
    };
  }

  private async http(
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
    timeoutMs = this.timeoutMs,
  ): Promise<{ status: number; data: unknown }> {
    const r = await this.open(method, path, body, bearer, timeoutMs);
    return { status: r.status, data: await r.body() };
  }

  // ---------------------------------------------------------------- auth

  /** Logs in (one step when the server accepts `parameters`, else two steps). */
  private async login(): Promise<Session> {
    const o = this.opts;
    const params = {
      clientId: o.clientId,
      roleId: o.roleId,
      organizationId: o.organizationId,
      warehouseId: o.warehouseId,
      language: o.language,
    };
    this.stats.logins++;
    const first = (
      await this.http('POST', 'auth/tokens', { userName: o.userName, password: o.password, parameters: params })
    ).data as Record<string, unknown>;
    let reply = first;
    if (typeof first?.refresh_token !== 'string') {
      // Step 2: the step-1 token only selects the role; it cannot read models.
      if (typeof first?.token !== 'string')
        throw new IdempiereError('auth', 'iDempiere login: no token in the reply of POST auth/tokens');
      reply = (await this.http('PUT', 'auth/tokens', params, first.token)).data as Record<string, unknown>;
    }
    const session = this.toSession(reply, 'login');
    this.opts.log?.info(
      { userId: session.userId, clientId: session.clientId, expiresAt: new Date(session.expiresAt).toISOString() },
      'logged in to iDempiere',
    );
    return session;
  }

  private toSession(reply: Record<string, unknown>, what: string): Session {
    const token = reply?.token;
    const refreshToken = reply?.refresh_token;
    if (typeof token !== 'string' || typeof refreshToken !== 'string') {
      throw new IdempiereError('auth', `iDempiere ${what}: the reply has no token or refresh_token`);
    }
    const now = Date.now();
    const expiresAt = jwtExpiry(token) ?? now + 60 * 60_000;
    const userId = Number(reply.userId ?? jwtClaim(token, 'AD_User_ID') ?? this.session?.userId);
    const clientId = Number(reply.clientId ?? jwtClaim(token, 'AD_Client_ID') ?? this.opts.clientId);
    return { token, refreshToken, expiresAt, lifetimeMs: Math.max(1_000, expiresAt - now), userId, clientId };
  }

  private async refresh(refreshToken: string, old: Session): Promise<Session> {
    this.stats.refreshes++;
    const reply = (
      await this.http('POST', 'auth/refresh', {
        refresh_token: refreshToken,
        clientId: old.clientId,
        userId: old.userId,
      })
    ).data as Record<string, unknown>;
    const s = this.toSession({ userId: old.userId, clientId: old.clientId, ...reply }, 'refresh');
    this.opts.log?.debug({ expiresAt: new Date(s.expiresAt).toISOString() }, 'refreshed the iDempiere token');
    return s;
  }

  /** Single flight: every caller waiting for a token shares one refresh (or login). */
  private renew(): Promise<Session> {
    this.authFlight ??= (async () => {
      try {
        const old = this.session;
        if (old?.refreshToken) {
          const rt = old.refreshToken;
          old.refreshToken = null; // spent from now on, whatever happens
          try {
            this.session = await this.refresh(rt, old);
            return this.session;
          } catch (err) {
            // Revoked or expired chain: log in again. Other failures (iDempiere down) surface as they are.
            if (!(err instanceof IdempiereError) || err.kind !== 'auth') throw err;
            this.opts.log?.warn({ err: err.message }, 'iDempiere refresh refused; logging in again');
          }
        }
        this.session = null;
        this.session = await this.login();
        return this.session;
      } finally {
        this.authFlight = null;
      }
    })();
    return this.authFlight;
  }

  private async token(): Promise<string> {
    const s = this.session;
    if (s && !this.authFlight) {
      const margin = Math.min(this.marginMs, s.lifetimeMs / 5);
      if (Date.now() < s.expiresAt - margin) return s.token;
    }
    return (await this.renew()).token;
  }

  /** Authenticated request, resolved at the status line; a 401 with the current token renews it once and repeats. */
  private async openAuthed(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<{ status: number; body: () => Promise<unknown> }> {
    const token = await this.token();
    const first = await this.open(method, path, body, token, timeoutMs);
    if (first.status !== 401) return first;
    // 401 means the request was not executed, so repeating it is safe.
    await first.body().catch(() => undefined);
    if (this.session?.token === token) {
      this.session.expiresAt = 0;
      await this.renew();
    }
    return this.open(method, path, body, await this.token(), timeoutMs);
  }

  /** Authenticated request; a 401 with the current token renews it once and repeats the request. */
  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    return (await (await this.openAuthed(method, path, body, timeoutMs)).body()) as T;
  }

  /** Logs in now (e.g. at start-up to fail early); normally the first request does it. */
  async connect(): Promise<void> {
    await this.token();
  }

  async logout(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await this.http('POST', 'auth/logout', { token: s.token }).catch(() => undefined);
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
    const r = await this.openAuthed(
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
