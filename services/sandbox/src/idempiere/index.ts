// iDempiere REST stand-in for the sandbox (issue 3, iDempiere part; shipments of issue 7).
//
// INTERFACE for whoever mounts it (services/sandbox main):
//   const idempiere = createIdempiereSandbox({ logger });
//   await idempiere.register(idempiereApp);        // the iDempiere port (SANDBOX_PORT + 5): serves /api/v1/...
//   await idempiere.registerControl(controlApp);   // the control port: adds /_sandbox/idempiere/... itself
//                                                  // (do NOT wrap it in another prefix)
//   idempiere.summary()      -> { orders, ordersByStatus, writes, overlappingWrites }   (for GET /_sandbox/state)
//   idempiere.credentials()  -> { userName, password, clientId, roleId, organizationId, warehouseId, language }
//   idempiere.setFaults({ latencyMs, jitterMs, errorRate, downForMs, processingMsPerOrder, lostReplyRate }) / clearFaults()
//   idempiere.reset()        -> back to the seed (login sessions survive; write log cleared)
//   idempiere.configure({ tokenExpiresInSeconds, refreshTokenExpiresInSeconds, poReferenceLength })
//   idempiere.ship({ orderId | documentNo | poReference, shipper, trackingNo, complete?, movementDate?, lines? })
// Control routes: POST /ship, GET /orders, GET /writes, POST /reset, POST /config, POST|DELETE /faults,
// GET /summary, GET /credentials — all under /_sandbox/idempiere.
//
// Behaviour notes a client must know are in README.md beside this file.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Auth, DEFAULT_AUTH_CONFIG } from './auth';
import { tableDef } from './dictionary';
import { type LoginContext, Models, type QueryParams, validation } from './models';
import { SEED, seed } from './seed';
import { RestError, type Row, Store } from './store';

export interface IdempiereFaults {
  /** fixed latency per request, spent before the request is handled (outside the sequence lock) */
  latencyMs?: number;
  /** extra random latency 0..jitterMs */
  jitterMs?: number;
  /** share of requests (0..1) answered 500 with a server-error body, before anything is written */
  errorRate?: number;
  /** from now, be down for this long */
  downForMs?: number;
  /** how "down" looks: '503' (default) answers 503; 'close' destroys the connection, as an unreachable host */
  downMode?: 'close' | '503';
  /** time spent inside the sequence lock for each C_Order created or completed by a write */
  processingMsPerOrder?: number;
  /**
   * share of successful writes (0..1) whose reply is lost: the change IS committed but the client gets 504, as
   * when a proxy times out in front of a slow server. Tests that a retried write does not duplicate.
   */
  lostReplyRate?: number;
}

export interface WriteLogEntry {
  seq: number;
  kind: string;
  method: string;
  path: string;
  /** epoch ms when the write request reached the server (after fault latency) */
  start: number;
  /** epoch ms when the sequence lock was acquired */
  locked: number;
  /** epoch ms when the response was ready */
  end: number;
  status: number;
  orders: number;
}

export interface IdempiereSummary {
  orders: number;
  ordersByStatus: Record<string, number>;
  writes: number;
  requests: number;
  overlappingWrites: number;
}

export interface IdempiereCredentials {
  userName: string;
  password: string;
  clientId: number;
  roleId: number;
  organizationId: number;
  warehouseId: number;
  language: string;
}

export interface ShipRequest {
  orderId?: number;
  documentNo?: string;
  poReference?: string;
  /** M_Shipper name or id */
  shipper: string | number;
  trackingNo?: string | null;
  /** default true: a completed shipment; false leaves it drafted */
  complete?: boolean;
  /** yyyy-MM-dd, default today */
  movementDate?: string;
  /**
   * A part shipment: only these products (M_Product Value or id), each `qty` (default: all that is left of it).
   * Without it everything left to ship goes.
   */
  lines?: { product: string | number; qty?: number }[];
}

export interface IdempiereConfig {
  tokenExpiresInSeconds?: number;
  refreshTokenExpiresInSeconds?: number;
  poReferenceLength?: number;
}

export interface IdempiereSandbox {
  register(app: FastifyInstance): Promise<void>;
  registerControl(app: FastifyInstance, opts?: { prefix?: string }): Promise<void>;
  summary(): IdempiereSummary;
  credentials(): IdempiereCredentials;
  setFaults(f: IdempiereFaults): void;
  clearFaults(): void;
  reset(): void;
  configure(c: IdempiereConfig): void;
  ship(req: ShipRequest): Record<string, unknown>;
  orders(): Record<string, unknown>[];
  writes(): { writes: WriteLogEntry[]; overlappingWrites: number; total: number };
}

interface MinimalLogger {
  debug?: (obj: unknown, msg?: string) => void;
  warn?: (obj: unknown, msg?: string) => void;
}

const MAX_LOG = 100_000;
const DEFAULT_PO_REFERENCE_LENGTH = 20;
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function errorBody(e: RestError) {
  return { title: e.title, status: e.status, detail: e.detail };
}

export function createIdempiereSandbox(opts: { logger?: MinimalLogger } = {}): IdempiereSandbox {
  const log = opts.logger;
  let store = new Store();
  seed(store);
  const auth = new Auth();
  const modelOptions = { poReferenceLength: DEFAULT_PO_REFERENCE_LENGTH, maxRecords: 100 };
  let models = new Models(store, modelOptions);

  let faults: Required<Omit<IdempiereFaults, 'downForMs'>> & { downUntil: number } = {
    latencyMs: 0,
    jitterMs: 0,
    errorRate: 0,
    processingMsPerOrder: 0,
    lostReplyRate: 0,
    downUntil: 0,
    downMode: '503',
  };

  // ---- the sequence lock and the write log
  let lockTail: Promise<void> = Promise.resolve();
  function acquireLock(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const prev = lockTail;
    lockTail = prev.then(() => mine);
    return prev.then(() => release);
  }
  let writeLog: WriteLogEntry[] = [];
  let writeCount = 0;
  /** Every request to /api/v1, reads included: what benchmarks divide by orders. */
  let requestCount = 0;
  let inFlightWrites = 0;
  let overlappingWrites = 0;

  /**
   * Every write: counts overlap with writes already in flight (two writers at once), waits for the sequence lock,
   * runs the change atomically (synchronously) and holds the lock until the processing time per order has passed.
   */
  async function write(
    method: string,
    path: string,
    kind: string,
    orders: number,
    fn: () => { status: number; body: unknown },
  ) {
    const start = Date.now();
    overlappingWrites += inFlightWrites;
    inFlightWrites++;
    let status = 500;
    let locked = start;
    try {
      const release = await acquireLock();
      locked = Date.now();
      try {
        // P is iDempiere's whole time per order: the sandbox's own work counts inside it, not on top of it.
        const due = locked + faults.processingMsPerOrder * orders;
        const result = fn();
        status = result.status;
        const left = due - Date.now();
        if (left > 0) await sleep(left);
        return result;
      } finally {
        release();
      }
    } finally {
      inFlightWrites--;
      writeCount++;
      const entry: WriteLogEntry = {
        seq: writeCount,
        kind,
        method,
        path,
        start,
        locked,
        end: Date.now(),
        status,
        orders,
      };
      if (writeLog.length >= MAX_LOG) writeLog.shift();
      writeLog.push(entry);
      log?.debug?.({ write: entry }, 'idempiere write');
    }
  }

  /** Runs one /models write in its own transaction and renders RestErrors as the plugin does. */
  function modelWrite(
    method: string,
    ctx: LoginContext,
    table: string,
    id: string | undefined,
    body: unknown,
  ): { status: number; body: unknown } {
    try {
      return store.transaction(() => {
        const def = models.table(table);
        if (method === 'POST') {
          if (id !== undefined) throw new RestError(404, 'Not Found', `No POST route for /models/${table}/${id}`);
          return { status: 201, body: models.create(ctx, def, body) };
        }
        if (id === undefined) throw new RestError(404, 'Not Found', `${method} needs /models/${table}/{id}`);
        if (method === 'PUT') return { status: 200, body: models.update(ctx, def, id, body) };
        return { status: 200, body: models.remove(ctx, def, id) };
      });
    } catch (err) {
      if (err instanceof RestError) return { status: err.status, body: errorBody(err) };
      log?.warn?.({ err }, 'idempiere sandbox: unexpected error');
      return {
        status: 500,
        body: { title: 'Server error', status: 500, detail: `Server error with exception: ${(err as Error).message}` },
      };
    }
  }

  /** Processing units of a write: each C_Order created or completed (a create+complete counts once). */
  function orderUnits(method: string, table: string, body: unknown): number {
    if (table.toLowerCase() !== 'c_order') return 0;
    if (method === 'POST') return 1;
    if (method === 'PUT' && body && typeof body === 'object' && !Array.isArray(body)) {
      const a = (body as Record<string, unknown>)['doc-action'];
      const code = a && typeof a === 'object' ? (a as Record<string, unknown>).id : a;
      return code === 'CO' || code === 'PR' ? 1 : 0;
    }
    return 0;
  }

  function docActionOf(body: unknown): string {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return '';
    const a = (body as Record<string, unknown>)['doc-action'];
    const code = a && typeof a === 'object' ? (a as Record<string, unknown>).id : a;
    return typeof code === 'string' ? ` ${code}` : '';
  }

  /** Replies to a write; a lost-reply fault turns a committed success into a 504. */
  function sendWrite(reply: FastifyReply, status: number, body: unknown) {
    if (status < 300 && faults.lostReplyRate > 0 && Math.random() < faults.lostReplyRate) {
      return send(reply, 504, {
        title: 'Gateway Timeout',
        status: 504,
        detail: 'No reply from iDempiere in time (the request may have been processed)',
      });
    }
    return send(reply, status, body);
  }

  // ---- request helpers
  function send(reply: FastifyReply, status: number, body: unknown) {
    return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }

  /** Bearer check; returns the claims or answers 401 itself (empty body when the header is missing). */
  function authed(req: FastifyRequest, reply: FastifyReply, roleRequired: boolean) {
    try {
      const claims = auth.authenticate(req.headers.authorization, roleRequired);
      if (!claims) {
        void reply.code(401).send();
        return null;
      }
      return claims;
    } catch (err) {
      if (err instanceof RestError) {
        void send(reply, err.status, errorBody(err));
        return null;
      }
      throw err;
    }
  }

  function handle(reply: FastifyReply, fn: () => unknown, status = 200) {
    try {
      return send(reply, status, fn());
    } catch (err) {
      if (err instanceof RestError) return send(reply, err.status, errorBody(err));
      throw err;
    }
  }

  const q = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const queryParams = (req: FastifyRequest): QueryParams => ({
    filter: q(req).$filter,
    orderby: q(req).$orderby,
    select: q(req).$select,
    top: q(req).$top,
    skip: q(req).$skip,
    expand: q(req).$expand,
  });

  async function register(app: FastifyInstance): Promise<void> {
    await app.register(
      async (api) => {
        // Accept an empty JSON body (DELETE with a content-type) like JAX-RS does; bad JSON is a 400.
        api.removeContentTypeParser('application/json');
        api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
          const text = String(body ?? '');
          if (!text.trim()) return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch (e) {
            const err = new RestError(400, 'Bad Request', `Invalid JSON: ${(e as Error).message}`);
            done(err, undefined);
          }
        });
        api.setErrorHandler((err, _req, reply) => {
          if (err instanceof RestError) return send(reply, err.status, errorBody(err));
          const status =
            typeof (err as { statusCode?: number }).statusCode === 'number'
              ? (err as { statusCode: number }).statusCode
              : 500;
          return send(reply, status, {
            title: status >= 500 ? 'Server error' : 'Bad Request',
            status,
            detail: (err as Error).message,
          });
        });
        api.setNotFoundHandler((req, reply) =>
          send(reply, 404, { title: 'Not Found', status: 404, detail: `No resource for ${req.method} ${req.url}` }),
        );

        // Faults: downtime, latency (outside the lock), random server errors.
        api.addHook('onRequest', async (req, reply) => {
          requestCount++;
          if (faults.downUntil > Date.now()) {
            if (faults.downMode === 'close') {
              reply.hijack();
              req.raw.socket.destroy();
              return reply;
            }
            return send(reply, 503, {
              title: 'Service Unavailable',
              status: 503,
              detail: 'iDempiere is down (sandbox fault)',
            });
          }
          const l = faults.latencyMs + (faults.jitterMs > 0 ? Math.random() * faults.jitterMs : 0);
          if (l > 0) await sleep(l);
          if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
            return send(reply, 500, {
              title: 'Server error',
              status: 500,
              detail:
                'Server error with exception: org.postgresql.util.PSQLException: An I/O error occurred while sending to the backend.',
            });
          }
          return undefined;
        });

        api.get('/health', async (_req, reply) => send(reply, 200, { status: 'UP' }));
        api.get('/auth/jwk', async (_req, reply) => send(reply, 200, {}));

        // -------- auth
        api.post('/auth/tokens', async (req, reply) => handle(reply, () => auth.login(req.body)));
        api.put('/auth/tokens', async (req, reply) => {
          const claims = authed(req, reply, false);
          if (!claims) return reply;
          return handle(reply, () => auth.selectRole(claims, req.body));
        });
        api.get('/auth/roles', async (req, reply) => {
          const claims = authed(req, reply, false);
          if (!claims) return reply;
          return handle(reply, () => auth.roles(claims, Number(q(req).client)));
        });
        api.get('/auth/organizations', async (req, reply) => {
          const claims = authed(req, reply, false);
          if (!claims) return reply;
          return handle(reply, () => auth.organizations(claims, Number(q(req).client), Number(q(req).role)));
        });
        api.get('/auth/warehouses', async (req, reply) => {
          const claims = authed(req, reply, false);
          if (!claims) return reply;
          return handle(reply, () =>
            auth.warehouses(claims, Number(q(req).client), Number(q(req).role), Number(q(req).organization)),
          );
        });
        api.get('/auth/language', async (req, reply) => {
          const claims = authed(req, reply, false);
          if (!claims) return reply;
          return handle(reply, () => auth.language(Number(q(req).client)));
        });
        api.post('/auth/refresh', async (req, reply) => handle(reply, () => auth.refreshToken(req.body)));
        api.post('/auth/logout', async (req, reply) => handle(reply, () => auth.logout(req.body)));

        // -------- models: read
        api.get('/models', async (req, reply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          return handle(reply, () => ({
            models: [
              ...new Set([
                'AD_Client',
                'C_Order',
                'C_OrderLine',
                'C_BPartner',
                'C_BPartner_Location',
                'C_Location',
                'AD_User',
                'M_Product',
                'M_InOut',
                'M_InOutLine',
                'M_Shipper',
              ]),
            ].map((n) => ({
              'model-name': n.toLowerCase(),
              name: n,
            })),
          }));
        });
        api.get('/models/:table', async (req, reply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          const { table } = req.params as { table: string };
          try {
            const def = models.table(table);
            const r = models.query(auth.loginContext(claims), def, queryParams(req));
            void reply
              .header('X-Page-Count', r.pageCount)
              .header('X-Records-Size', r.top)
              .header('X-Skip-Records', r.skip)
              .header('X-Row-Count', r.rowCount)
              .header('X-Array-Count', r.records.length);
            return send(reply, 200, {
              'page-count': r.pageCount,
              'records-size': r.top,
              'skip-records': r.skip,
              'row-count': r.rowCount,
              'array-count': r.records.length,
              records: r.records,
            });
          } catch (err) {
            if (err instanceof RestError) return send(reply, err.status, errorBody(err));
            throw err;
          }
        });
        api.get('/models/:table/:id', async (req, reply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          const { table, id } = req.params as { table: string; id: string };
          return handle(reply, () =>
            models.getOne(auth.loginContext(claims), models.table(table), id, queryParams(req)),
          );
        });
        api.get('/models/:table/:id/:column', async (req, reply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          const { table, id, column } = req.params as { table: string; id: string; column: string };
          return handle(reply, () => {
            const def = models.table(table);
            const json = models.getOne(auth.loginContext(claims), def, id, { select: column });
            const col = def.byLower.get(column.toLowerCase());
            if (!col || json[col.name] === undefined)
              throw new RestError(404, 'Invalid property name', `No match found for table name: ${column}`);
            return { [col.name]: json[col.name] };
          });
        });

        // -------- models: write (sequence lock, write log)
        const writeRoute = (method: 'POST' | 'PUT' | 'DELETE') => async (req: FastifyRequest, reply: FastifyReply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          const { table, id } = req.params as { table: string; id?: string };
          const ctx = auth.loginContext(claims);
          const r = await write(
            method,
            req.url,
            `${method} ${table.toLowerCase()}${docActionOf(req.body)}`,
            orderUnits(method, table, req.body),
            () => modelWrite(method, ctx, table, id, req.body),
          );
          return sendWrite(reply, r.status, r.body);
        };
        api.post('/models/:table', writeRoute('POST'));
        api.put('/models/:table/:id', writeRoute('PUT'));
        api.delete('/models/:table/:id', writeRoute('DELETE'));

        // -------- batch
        api.post('/batch', async (req, reply) => {
          const claims = authed(req, reply, true);
          if (!claims) return reply;
          const ctx = auth.loginContext(claims);
          const items = req.body;
          if (!Array.isArray(items))
            return send(reply, 400, {
              title: 'Bad Request',
              status: 400,
              detail: 'The batch body must be a JSON array of {method, path, body}',
            });
          const transaction = String(q(req).transaction ?? 'true').toLowerCase() !== 'false';
          let units = 0;
          for (const it of items) {
            const parsed = parseBatchItem(it);
            if (parsed.ok) units += orderUnits(parsed.method, parsed.table, parsed.body);
          }
          const r = await write('POST', req.url, `batch${transaction ? '' : ' (no transaction)'}`, units, () =>
            runBatch(ctx, items, transaction),
          );
          return sendWrite(reply, r.status, r.body);
        });
      },
      { prefix: '/api/v1' },
    );
  }

  type BatchItem =
    | { ok: true; method: string; table: string; id?: string; body: unknown }
    | { ok: false; status: number; message: string };

  function parseBatchItem(it: unknown): BatchItem {
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

  function runBatch(ctx: LoginContext, items: unknown[], transaction: boolean): { status: number; body: unknown } {
    const results: { status: string; statusCode: number; body: unknown }[] = [];
    const runOne = (it: unknown) => {
      const p = parseBatchItem(it);
      const r = p.ok ? modelWrite(p.method, ctx, p.table, p.id, p.body) : { status: p.status, body: p.message };
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
      store.transaction(() => {
        for (const it of items) if (!runOne(it)) throw ROLLBACK;
      });
      return { status: 200, body: results };
    } catch (err) {
      if (err === ROLLBACK) return { status: 400, body: results };
      throw err;
    }
  }

  // ---- shipments and control
  function resolveShipper(s: string | number): number {
    if (typeof s === 'number' || /^\d+$/.test(String(s))) {
      const row = store.get('M_Shipper', Number(s));
      if (!row) throw validation(`M_Shipper ${s} does not exist`);
      return Number(s);
    }
    for (const r of store.all('M_Shipper')) if (r.Name === s) return r.M_Shipper_ID as number;
    for (const r of store.all('M_Shipper'))
      if (String(r.Name).toLowerCase() === String(s).toLowerCase()) return r.M_Shipper_ID as number;
    throw validation(`M_Shipper '${s}' does not exist`);
  }

  function findOrder(req: ShipRequest): Row {
    let found: Row | undefined;
    if (req.orderId !== undefined) found = store.get('C_Order', Number(req.orderId));
    else if (req.documentNo !== undefined) {
      for (const r of store.all('C_Order')) if (r.DocumentNo === req.documentNo) found = r;
    } else if (req.poReference !== undefined) {
      const wanted = String(req.poReference);
      const truncated = wanted.slice(0, modelOptions.poReferenceLength);
      for (const r of store.all('C_Order')) if (r.POReference === wanted || r.POReference === truncated) found = r;
    } else throw validation('Give orderId, documentNo or poReference');
    if (!found)
      throw new RestError(
        404,
        'Record not found',
        `No C_Order matching ${JSON.stringify(req.orderId ?? req.documentNo ?? req.poReference)}`,
      );
    return found;
  }

  function ship(req: ShipRequest): Record<string, unknown> {
    if (!req || typeof req !== 'object') throw validation('Body must be an object');
    if (req.shipper === undefined || req.shipper === null || req.shipper === '')
      throw validation('shipper is required (M_Shipper name or id)');
    return store.transaction(() => {
      const order = findOrder(req);
      if (order.DocStatus !== 'CO')
        throw validation(
          `Order ${String(order.DocumentNo)} is ${String(order.DocStatus)}, only completed orders can be shipped`,
        );
      const shipperId = resolveShipper(req.shipper);
      // Product lines are shipped; charge lines (freight, discounts) only when the order has no product at all.
      const all = store.children('C_OrderLine', order.C_Order_ID as number);
      const shippable = all.some((l) => l.M_Product_ID) ? all.filter((l) => l.M_Product_ID) : all;
      const leftOf = (l: Row) => Number(l.QtyOrdered ?? 0) - Number(l.QtyDelivered ?? 0);
      let toShip = shippable.filter((l) => leftOf(l) > 0).map((l) => ({ line: l, qty: leftOf(l) }));
      if (req.lines) {
        // A part shipment: the asked quantity of each product, taken from its order lines in turn.
        const picked: { line: Row; qty: number }[] = [];
        for (const want of req.lines) {
          const productId = /^\d+$/.test(String(want.product))
            ? Number(want.product)
            : [...store.all('M_Product')].find((p) => p.Value === want.product)?.M_Product_ID;
          const candidates = toShip.filter((t) => t.line.M_Product_ID === productId);
          if (candidates.length === 0)
            throw validation(`Order ${String(order.DocumentNo)} has no ${String(want.product)} left to ship`);
          let rest = want.qty ?? candidates.reduce((n, t) => n + t.qty, 0);
          for (const t of candidates) {
            const q = Math.min(rest, t.qty);
            if (q > 0) picked.push({ line: t.line, qty: q });
            rest -= q;
          }
          if (rest > 0)
            throw validation(
              `Order ${String(order.DocumentNo)} has less than ${want.qty} of ${String(want.product)} left to ship`,
            );
        }
        toShip = picked;
      }
      if (toShip.length === 0) throw validation(`Order ${String(order.DocumentNo)} has nothing left to ship`);
      const ctx: LoginContext = {
        clientId: order.AD_Client_ID as number,
        orgId: order.AD_Org_ID as number,
        warehouseId: order.M_Warehouse_ID as number,
        roleId: SEED.roleAdmin,
        userId: SEED.userId,
        language: SEED.language,
      };
      const body: Record<string, unknown> = {
        C_Order_ID: order.C_Order_ID,
        C_DocType_ID: SEED.docTypeShipment,
        M_Shipper_ID: shipperId,
        TrackingNo: req.trackingNo ?? null,
        DeliveryViaRule: 'S',
        M_InOutLine: toShip.map(({ line: l, qty: q }) => ({
          C_OrderLine_ID: l.C_OrderLine_ID,
          M_Product_ID: l.M_Product_ID ?? null,
          C_Charge_ID: l.C_Charge_ID ?? null,
          QtyEntered: q,
          MovementQty: q,
        })),
      };
      if (req.movementDate) body.MovementDate = req.movementDate;
      if (req.complete !== false) body['doc-action'] = 'CO';
      return models.create(ctx, tableDef('M_InOut'), body);
    });
  }

  function orders(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const o of store.all('C_Order')) {
      const bp = store.get('C_BPartner', o.C_BPartner_ID as number);
      const lines = store.children('C_OrderLine', o.C_Order_ID as number).map((l) => {
        const p = l.M_Product_ID ? store.get('M_Product', l.M_Product_ID as number) : undefined;
        const c = l.C_Charge_ID ? store.get('C_Charge', l.C_Charge_ID as number) : undefined;
        return {
          id: l.C_OrderLine_ID,
          line: l.Line,
          productId: l.M_Product_ID ?? null,
          productValue: p?.Value ?? null,
          chargeId: l.C_Charge_ID ?? null,
          chargeName: c?.Name ?? null,
          description: l.Description ?? null,
          qtyEntered: l.QtyEntered,
          qtyOrdered: l.QtyOrdered,
          qtyDelivered: l.QtyDelivered,
          priceEntered: l.PriceEntered,
          priceActual: l.PriceActual,
          priceList: l.PriceList,
          lineNetAmt: l.LineNetAmt,
        };
      });
      const shipments = store.children('M_InOut', o.C_Order_ID as number).map((s) => ({
        id: s.M_InOut_ID,
        documentNo: s.DocumentNo,
        docStatus: s.DocStatus,
        shipperId: s.M_Shipper_ID ?? null,
        shipper: s.M_Shipper_ID ? (store.get('M_Shipper', s.M_Shipper_ID as number)?.Name ?? null) : null,
        trackingNo: s.TrackingNo ?? null,
        movementDate: s.MovementDate,
      }));
      out.push({
        id: o.C_Order_ID,
        documentNo: o.DocumentNo,
        poReference: o.POReference ?? null,
        description: o.Description ?? null,
        docStatus: o.DocStatus,
        processed: o.Processed,
        orgId: o.AD_Org_ID,
        docTypeTargetId: o.C_DocTypeTarget_ID,
        dateOrdered: o.DateOrdered,
        warehouseId: o.M_Warehouse_ID,
        priceListId: o.M_PriceList_ID,
        bpartner: bp ? { id: bp.C_BPartner_ID, value: bp.Value, name: bp.Name } : null,
        bpartnerLocationId: o.C_BPartner_Location_ID,
        totalLines: o.TotalLines,
        grandTotal: o.GrandTotal,
        lines,
        shipments,
      });
    }
    return out;
  }

  function summary(): IdempiereSummary {
    const ordersByStatus: Record<string, number> = {};
    let n = 0;
    for (const o of store.all('C_Order')) {
      n++;
      const s = o.DocStatus as string;
      ordersByStatus[s] = (ordersByStatus[s] ?? 0) + 1;
    }
    return { orders: n, ordersByStatus, writes: writeCount, requests: requestCount, overlappingWrites };
  }

  function setFaults(f: IdempiereFaults): void {
    const num = (name: string, v: unknown, max = Number.MAX_SAFE_INTEGER) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max)
        throw new Error(`fault ${name} must be a number between 0 and ${max}, got ${JSON.stringify(v)}`);
      return v;
    };
    const next = { ...faults };
    if (f.latencyMs !== undefined) next.latencyMs = num('latencyMs', f.latencyMs);
    if (f.jitterMs !== undefined) next.jitterMs = num('jitterMs', f.jitterMs);
    if (f.errorRate !== undefined) next.errorRate = num('errorRate', f.errorRate, 1);
    if (f.processingMsPerOrder !== undefined)
      next.processingMsPerOrder = num('processingMsPerOrder', f.processingMsPerOrder);
    if (f.lostReplyRate !== undefined) next.lostReplyRate = num('lostReplyRate', f.lostReplyRate, 1);
    if (f.downForMs !== undefined) next.downUntil = Date.now() + num('downForMs', f.downForMs);
    if (f.downMode !== undefined) {
      if (f.downMode !== 'close' && f.downMode !== '503')
        throw new Error(`fault downMode must be 'close' or '503', got ${JSON.stringify(f.downMode)}`);
      next.downMode = f.downMode;
    }
    faults = next;
  }

  function clearFaults(): void {
    faults = {
      latencyMs: 0,
      jitterMs: 0,
      errorRate: 0,
      processingMsPerOrder: 0,
      lostReplyRate: 0,
      downUntil: 0,
      downMode: '503',
    };
  }

  function reset(): void {
    store = new Store();
    seed(store);
    models = new Models(store, modelOptions);
    writeLog = [];
    writeCount = 0;
    requestCount = 0;
    overlappingWrites = 0;
  }

  function configure(c: IdempiereConfig): void {
    const pos = (name: string, v: unknown) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
        throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
      return v;
    };
    if (c.tokenExpiresInSeconds !== undefined)
      auth.config.tokenExpiresInSeconds = pos('tokenExpiresInSeconds', c.tokenExpiresInSeconds);
    if (c.refreshTokenExpiresInSeconds !== undefined)
      auth.config.refreshTokenExpiresInSeconds = pos('refreshTokenExpiresInSeconds', c.refreshTokenExpiresInSeconds);
    if (c.poReferenceLength !== undefined)
      modelOptions.poReferenceLength = pos('poReferenceLength', c.poReferenceLength);
  }

  function credentials(): IdempiereCredentials {
    return {
      userName: SEED.userName,
      password: SEED.password,
      clientId: SEED.clientId,
      roleId: SEED.roleAdmin,
      organizationId: SEED.orgHQ,
      warehouseId: SEED.warehouseHQ,
      language: SEED.language,
    };
  }

  function writes() {
    return { writes: writeLog, overlappingWrites, total: writeCount };
  }

  async function registerControl(app: FastifyInstance, o: { prefix?: string } = {}): Promise<void> {
    await app.register(
      async (c) => {
        const bad = (reply: FastifyReply, err: unknown) => {
          if (err instanceof RestError) return send(reply, err.status, errorBody(err));
          return send(reply, 400, { title: 'Bad Request', status: 400, detail: (err as Error).message });
        };
        c.post('/ship', async (req, reply) => {
          try {
            return send(reply, 201, ship((req.body ?? {}) as ShipRequest));
          } catch (err) {
            return bad(reply, err);
          }
        });
        c.get('/orders', async (_req, reply) => send(reply, 200, orders()));
        c.get('/writes', async (_req, reply) => send(reply, 200, writes()));
        c.get('/summary', async (_req, reply) => send(reply, 200, summary()));
        c.get('/credentials', async (_req, reply) => send(reply, 200, credentials()));
        c.post('/reset', async (_req, reply) => {
          reset();
          return send(reply, 200, summary());
        });
        c.post('/config', async (req, reply) => {
          try {
            configure((req.body ?? {}) as IdempiereConfig);
            return send(reply, 200, { ...auth.config, poReferenceLength: modelOptions.poReferenceLength });
          } catch (err) {
            return bad(reply, err);
          }
        });
        c.post('/faults', async (req, reply) => {
          try {
            setFaults((req.body ?? {}) as IdempiereFaults);
            return send(reply, 200, { ok: true });
          } catch (err) {
            return bad(reply, err);
          }
        });
        c.delete('/faults', async (_req, reply) => {
          clearFaults();
          return send(reply, 200, { ok: true });
        });
      },
      { prefix: o.prefix ?? '/_sandbox/idempiere' },
    );
  }

  return {
    register,
    registerControl,
    summary,
    credentials,
    setFaults,
    clearFaults,
    reset,
    configure,
    ship,
    orders,
    writes,
  };
}

export { DEFAULT_AUTH_CONFIG };
