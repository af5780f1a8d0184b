// Shared by the iDempiere stand-in's conformance tests: one stand-in per test file on random ports (real HTTP,
// requests shaped as the REST plugin documents them, docs/idempiere.md), a logged-in token, and request helpers.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createIdempiereSandbox, type IdempiereSandbox } from '../idempiere/index';
import { CATALOG } from '../world/catalog';

/** The stand-in of the current test file and a token of a one-step login; set by useIdempiereSandbox's beforeAll. */
export let sandbox: IdempiereSandbox;
export let token: string;

let base: string;
let ctl: string;

/** Starts the stand-in before the file's tests and closes it after; faults are cleared before each test. */
export function useIdempiereSandbox(): void {
  let api: FastifyInstance | undefined;
  let control: FastifyInstance | undefined;
  beforeAll(async () => {
    sandbox = createIdempiereSandbox();
    api = Fastify();
    control = Fastify();
    await sandbox.register(api);
    await sandbox.registerControl(control);
    base = await api.listen({ port: 0, host: '127.0.0.1' });
    ctl = await control.listen({ port: 0, host: '127.0.0.1' });
    token = (await oneStepLogin()).token;
  });
  afterAll(async () => {
    await api?.close();
    await control?.close();
  });
  beforeEach(() => {
    sandbox.clearFaults();
  });
}

export interface Res {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

type CallOptions = { token?: string; body?: unknown; raw?: string };

async function call(method: string, url: string, opts: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined || opts.raw !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.raw ?? JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

/** A request to /api/v1 of the stand-in. */
export const rest = (method: string, path: string, opts: CallOptions = {}) =>
  call(method, `${base}/api/v1${path}`, opts);
/** A request to its control routes (/_sandbox/idempiere). */
export const ctrl = (method: string, path: string, body?: unknown) =>
  call(method, `${ctl}/_sandbox/idempiere${path}`, { body });
export const enc = encodeURIComponent;

export async function oneStepLogin(): Promise<{
  token: string;
  refresh_token: string;
  userId: number;
  clientId: number;
}> {
  const c = sandbox.credentials();
  const r = await rest('POST', '/auth/tokens', {
    body: {
      userName: c.userName,
      password: c.password,
      parameters: {
        clientId: c.clientId,
        roleId: c.roleId,
        organizationId: c.organizationId,
        warehouseId: c.warehouseId,
        language: c.language,
      },
    },
  });
  expect(r.status).toBe(200);
  return { ...r.body, clientId: c.clientId };
}

/** A valid nested order body; lines sell catalog products at list price, plus a freight charge line. */
export function orderBody(poReference: string, extra: Record<string, unknown> = {}) {
  const [p1, p2] = [CATALOG[0]!, CATALOG[1]!];
  return {
    AD_Org_ID: 11,
    C_DocTypeTarget_ID: 132,
    C_BPartner_ID: 118,
    M_Warehouse_ID: 103,
    M_PriceList_ID: 101,
    DateOrdered: '2026-11-20',
    POReference: poReference,
    IsSOTrx: true,
    C_OrderLine: [
      { M_Product_ID: p1.id, QtyEntered: 2, QtyOrdered: 2, PriceEntered: p1.price, PriceActual: p1.price },
      { M_Product_ID: p2.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: p2.price, PriceActual: p2.price },
      { C_Charge_ID: 200000, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 60, PriceActual: 60 },
    ],
    ...extra,
  };
}

export async function countOrders(poReference: string): Promise<number> {
  const r = await rest('GET', `/models/c_order?$filter=${enc(`POReference eq '${poReference}'`)}`, { token });
  expect(r.status).toBe(200);
  return r.body['row-count'];
}
