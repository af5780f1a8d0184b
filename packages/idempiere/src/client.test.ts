// The client's token handling against a small real HTTP server that enforces iDempiere's rules:
// a step-1 token cannot read models, refresh tokens are single-use and reusing one revokes the chain.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IdempiereClient } from './client';
import { IdempiereError } from './errors';

function jwt(claims: Record<string, unknown>): string {
  const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b({ alg: 'HS512', kid: 'idempiere' })}.${b(claims)}.sig`;
}

const state = {
  tokenLifetimeS: 3600,
  logins: 0,
  refreshes: 0,
  reused: 0,
  access: new Set<string>(),
  refresh: new Set<string>(),
  spent: new Set<string>(),
  n: 0,
  refreshDelayMs: 0,
  modelUrls: [] as string[],
};

function issue(): { token: string; refresh_token: string } {
  state.n++;
  const token = jwt({
    sub: 'GardenAdmin',
    AD_User_ID: 101,
    AD_Client_ID: 11,
    AD_Role_ID: 102,
    n: state.n,
    exp: Math.floor(Date.now() / 1000) + state.tokenLifetimeS,
  });
  const refresh_token = `rt-${state.n}`;
  state.access.add(token);
  state.refresh.add(refresh_token);
  return { token, refresh_token };
}

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : {};
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (req.method === 'POST' && req.url === '/api/v1/auth/tokens') {
        if (body.password !== 'GardenAdmin')
          return send(401, { title: 'Authenticate error', status: 401, detail: 'User not found' });
        state.logins++;
        return send(200, { clients: [{ id: 11, name: 'GardenWorld' }], token: 'step1' }); // ignores `parameters`: forces two steps
      }
      if (req.method === 'PUT' && req.url === '/api/v1/auth/tokens') {
        if (bearer !== 'step1') return send(401, { title: 'Invalid token', status: 401 });
        return send(200, { userId: 101, language: 'en_US', ...issue() });
      }
      if (req.method === 'POST' && req.url === '/api/v1/auth/refresh') {
        if (!body.clientId || !body.userId) return send(401, { title: 'No clientId provided', status: 401 });
        if (state.spent.has(body.refresh_token)) {
          state.reused++;
          state.access.clear(); // breach: the whole chain dies
          state.refresh.clear();
          return send(401, { title: 'Invalid refresh token', status: 401 });
        }
        if (!state.refresh.has(body.refresh_token)) return send(401, { title: 'Invalid refresh token', status: 401 });
        state.spent.add(body.refresh_token);
        state.refresh.delete(body.refresh_token);
        state.refreshes++;
        if (state.refreshDelayMs) await new Promise((r) => setTimeout(r, state.refreshDelayMs));
        return send(200, issue());
      }
      if (req.url?.startsWith('/api/v1/models/')) {
        state.modelUrls.push(decodeURIComponent(req.url));
        if (!state.access.has(bearer)) return send(401, { title: 'Token expired', status: 401 });
        const exp = JSON.parse(Buffer.from(bearer.split('.')[1]!, 'base64url').toString()).exp as number;
        if (exp * 1000 < Date.now()) return send(401, { title: 'The Token has expired', status: 401 });
        if (req.url.startsWith('/api/v1/models/c_order/404'))
          return send(404, { title: 'Record not found', status: 404, detail: 'No record found matching id: 404' });
        return send(200, {
          'row-count': 1,
          'page-count': 1,
          'skip-records': 0,
          records: [{ id: 1, DocumentNo: '1000' }],
        });
      }
      send(404, { title: 'Not found', status: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  Object.assign(state, { tokenLifetimeS: 3600, logins: 0, refreshes: 0, reused: 0, refreshDelayMs: 0 });
  state.access.clear();
  state.refresh.clear();
  state.spent.clear();
  state.modelUrls.length = 0;
});

const login = {
  userName: 'GardenAdmin',
  password: 'GardenAdmin',
  clientId: 11,
  roleId: 102,
  organizationId: 11,
  warehouseId: 103,
  language: 'en_US',
};

describe('IdempiereClient paging', () => {
  // core Query adds no ORDER BY without $orderby: skip paging must be ordered on a unique key
  it('orders every getAll page on the table key, appending it to a caller order', async () => {
    const c = new IdempiereClient({ url, ...login });
    await c.getAll('C_OrderLine', { select: ['Line'] });
    await c.getAll('M_InOut', { orderby: 'Updated asc' });
    await c.getAll('C_Order', { orderby: 'C_Order_ID desc' });
    expect(state.modelUrls).toEqual([
      expect.stringContaining('$orderby=C_OrderLine_ID&'),
      expect.stringContaining('$orderby=Updated asc,M_InOut_ID&'),
      expect.stringContaining('$orderby=C_Order_ID desc&'),
    ]);
  });
});

describe('IdempiereClient auth', () => {
  it('logs in once (two steps) for many concurrent callers', async () => {
    const c = new IdempiereClient({ url, ...login });
    const pages = await Promise.all(Array.from({ length: 20 }, () => c.get('c_order')));
    expect(pages.every((p) => p.records[0]?.DocumentNo === '1000')).toBe(true);
    expect(state.logins).toBe(1);
    expect(c.stats.logins).toBe(1);
  });

  it('refreshes before expiry, single flight, never reusing a refresh token', async () => {
    state.tokenLifetimeS = 3; // margin is a fifth of the lifetime
    const c = new IdempiereClient({ url, ...login, refreshMarginMs: 60_000 });
    await c.connect();
    await new Promise((r) => setTimeout(r, 2_700));
    state.refreshDelayMs = 100;
    await Promise.all(Array.from({ length: 10 }, () => c.get('c_order')));
    expect(state.refreshes).toBe(1);
    await new Promise((r) => setTimeout(r, 2_700));
    await Promise.all(Array.from({ length: 10 }, () => c.get('c_order')));
    expect(state.refreshes).toBe(2);
    expect(state.reused).toBe(0);
    expect(state.logins).toBe(1);
  }, 15_000);

  it('logs in again when the chain was revoked', async () => {
    const c = new IdempiereClient({ url, ...login });
    await c.get('c_order');
    state.access.clear();
    state.refresh.clear(); // revoked server-side: the refresh is refused too
    const page = await c.get('c_order');
    expect(page.records).toHaveLength(1);
    expect(state.logins).toBe(2);
    expect(state.reused).toBe(0);
  });

  it('reports wrong credentials and missing records as classified errors', async () => {
    const bad = new IdempiereClient({ url, ...login, password: 'wrong' });
    const err = await bad.get('c_order').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdempiereError);
    expect((err as IdempiereError).kind).toBe('auth');
    expect((err as IdempiereError).message).toContain('User not found');
    const c = new IdempiereClient({ url, ...login });
    const nf = await c.getById('c_order', 404).catch((e: unknown) => e);
    expect((nf as IdempiereError).kind).toBe('not_found');
  });

  it('reports an unreachable server as unavailable (an outage)', async () => {
    const c = new IdempiereClient({ url: 'http://127.0.0.1:9/api/v1', ...login, timeoutMs: 2_000 });
    const err = (await c.get('c_order').catch((e: unknown) => e)) as IdempiereError;
    expect(err.kind).toBe('unavailable');
    expect(err.outage).toBe(true);
  });
});
