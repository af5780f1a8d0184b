// The REST plugin's routes under /api/v1: auth (one- and two-step login, refresh, logout), /models reads and
// writes, and batch. Writes go through the sequence lock and the write log (writes.ts); faults apply before any
// route (faults.ts). Behaviour a client must know is in README.md beside this file.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { modelWrite, runBatch, parseBatchItem } from './batch';
import type { QueryParams } from './models';
import { errorBody, handle, send } from './reply';
import type { IdempiereState } from './state';
import { RestError } from './store';
import { docActionOf, orderUnits } from './writes';

/** The tables GET /models lists. */
const LISTED_MODELS = [
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
];

const q = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
const queryParams = (req: FastifyRequest): QueryParams => ({
  filter: q(req).$filter,
  orderby: q(req).$orderby,
  select: q(req).$select,
  top: q(req).$top,
  skip: q(req).$skip,
  expand: q(req).$expand,
});

export async function registerApi(app: FastifyInstance, state: IdempiereState): Promise<void> {
  const { auth, faults, writes } = state;

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

      api.addHook('onRequest', async (req, reply) => {
        writes.requests++;
        return faults.beforeRequest(req, reply);
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
          models: [...new Set(LISTED_MODELS)].map((n) => ({ 'model-name': n.toLowerCase(), name: n })),
        }));
      });
      api.get('/models/:table', async (req, reply) => {
        const claims = authed(req, reply, true);
        if (!claims) return reply;
        const { table } = req.params as { table: string };
        try {
          const { models } = state;
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
        const { models } = state;
        return handle(reply, () => models.getOne(auth.loginContext(claims), models.table(table), id, queryParams(req)));
      });
      api.get('/models/:table/:id/:column', async (req, reply) => {
        const claims = authed(req, reply, true);
        if (!claims) return reply;
        const { table, id, column } = req.params as { table: string; id: string; column: string };
        const { models } = state;
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
        const r = await writes.run(
          method,
          req.url,
          `${method} ${table.toLowerCase()}${docActionOf(req.body)}`,
          orderUnits(method, table, req.body),
          () => modelWrite(state, method, ctx, table, id, req.body),
        );
        return faults.sendWrite(reply, r.status, r.body);
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
        const unitsBefore: number[] = [];
        for (const it of items) {
          unitsBefore.push(units);
          const parsed = parseBatchItem(it);
          if (parsed.ok) units += orderUnits(parsed.method, parsed.table, parsed.body);
        }
        const r = await writes.run('POST', req.url, `batch${transaction ? '' : ' (no transaction)'}`, units, () => {
          // item i starts once the processing time P of the orders before it has passed (auth.ts itemFilter)
          const t0 = Date.now();
          const p = faults.processingMsPerOrder;
          const at = (i: number) => Math.max(Date.now(), t0 + p * unitsBefore[i]!);
          return runBatch(state, ctx, items, transaction, (i) => auth.itemFilter(req.headers.authorization, at(i)));
        });
        return faults.sendWrite(reply, r.status, r.body);
      });
    },
    { prefix: '/api/v1' },
  );
}
