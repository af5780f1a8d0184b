// Tokens that expire while iDempiere works: the plugin checks the bearer token again on every batch item, so a
// batch that outlasts its token has its later items refused with 401 (docs/idempiere.md, "Authentication and
// tokens"). The client renews the token before a request that could outlast it, and sends refused items again with
// a fresh one; every order is written once, none blocked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IdempiereClient, type BatchRequest } from '@oms/idempiere';
import { CATALOG } from '@oms/sandbox';
import { waitFor } from '@oms/testing';
import {
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  startErpEnv,
  startWriter,
  type ErpEnv,
  type InProcessWriter,
} from './fixtures';

let env: ErpEnv;
let w: InProcessWriter | undefined;

const configure = (c: { tokenExpiresInSeconds: number }) =>
  (env.sandbox.idempiere as unknown as { configure(c: object): void }).configure(c);

beforeAll(async () => {
  env = await startErpEnv('erptoken', { ERP_BATCH_SIZE: '10' });
});
afterEach(async () => {
  await w?.stop();
  w = undefined;
  env.idempiere.clearFaults();
  configure({ tokenExpiresInSeconds: 3600 });
});
afterAll(async () => {
  await env?.close();
});

function client(timeoutMs?: number): IdempiereClient {
  const creds = env.sandbox.idempiere.credentials() as { userName: string; password: string };
  return new IdempiereClient({
    url: `${env.sandbox.urls.idempiere}/api/v1`,
    userName: creds.userName,
    password: creds.password,
    clientId: 11,
    roleId: 102,
    organizationId: 11,
    warehouseId: 103,
    language: 'en_US',
    timeoutMs,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A C_Order of the sandbox catalog's first product, found by its POReference. */
function orderItem(poReference: string): BatchRequest {
  return {
    method: 'POST',
    path: 'v1/models/C_Order',
    body: {
      AD_Org_ID: 11,
      C_DocTypeTarget_ID: 132,
      C_BPartner_ID: 118,
      M_Warehouse_ID: 103,
      M_PriceList_ID: 101,
      DateOrdered: '2026-11-20',
      POReference: poReference,
      IsSOTrx: true,
      C_OrderLine: [{ M_Product_ID: CATALOG[0]!.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: CATALOG[0]!.price }],
    },
  };
}

const countByReference = () => {
  const n = new Map<string, number>();
  for (const o of env.idempiere.orders()) if (o.poReference) n.set(o.poReference, (n.get(o.poReference) ?? 0) + 1);
  return n;
};

describe('token lifetime and batches', () => {
  it('renews the token before a batch whose timeout is longer than the token has left, not before a short GET', async () => {
    configure({ tokenExpiresInSeconds: 10 });
    // GET: timeout 1 s, margin a fifth of 10 s; a batch of 8: 1 s + 8 × 0.5 s = 5 s (half the lifetime)
    const c = client(1_000);
    await c.connect();
    const exp = Math.floor(Date.now() / 1000) * 1000 + 10_000;
    await sleep(Math.max(0, exp - 4_200 - Date.now()));
    await c.get('M_Product', { top: 1 });
    expect(c.stats.refreshes).toBe(0);
    const missing = Array.from({ length: 8 }, () => ({
      method: 'POST' as const,
      path: 'v1/models/NoSuchTable',
      body: {},
    }));
    await c.batch(missing, { transaction: false });
    expect(c.stats.refreshes).toBe(1);
    expect(c.stats.logins).toBe(1);
  }, 20_000);

  it('sends the items refused after the expiry again with a fresh token: each order once (transaction=false)', async () => {
    configure({ tokenExpiresInSeconds: 2 });
    env.idempiere.setFaults({ processingMsPerOrder: 700 });
    const c = client();
    const refs = [0, 1, 2, 3, 4].map((i) => `TOK-NT-${i}`);
    const results = await c.batch(refs.map(orderItem), { transaction: false });
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(c.stats.refreshes).toBeGreaterThanOrEqual(1);
    const n = countByReference();
    for (const ref of refs) expect(n.get(ref)).toBe(1);
  }, 30_000);

  it('sends a transactional batch rolled back on an expired token again once, with a fresh token', async () => {
    configure({ tokenExpiresInSeconds: 4 });
    env.idempiere.setFaults({ processingMsPerOrder: 900 });
    const c = client();
    await c.connect();
    // 2.2 s left: more than half the lifetime (no renewal before), less than the 2.7 s until the 4th item starts
    const exp = Math.floor(Date.now() / 1000) * 1000 + 4_000;
    await sleep(Math.max(0, exp - 2_200 - Date.now()));
    const refs = [0, 1, 2, 3].map((i) => `TOK-TX-${i}`);
    const results = await c.batch(refs.map(orderItem), { transaction: true });
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(c.stats.refreshes).toBe(1);
    const n = countByReference();
    for (const ref of refs) expect(n.get(ref)).toBe(1);
  }, 30_000);

  it('the writer: batches outlasting a 5 s token write every order exactly once, none blocked', async () => {
    configure({ tokenExpiresInSeconds: 5 });
    // 10 orders per batch at P = 800 ms: 8 s per batch, longer than any token
    env.idempiere.setFaults({ processingMsPerOrder: 800, latencyMs: 20 });
    w = await startWriter(env);
    const channel = await createChannel(env.database.db);
    const orders = Array.from({ length: 20 }, (_, i) => makeOrder(7000 + i, { prefix: 'TOK' }));
    const rows = await insertOrders(env.database.db, channel.id, orders);
    const batchesBefore = env.idempiere.writes().writes.filter((x) => x.kind.startsWith('batch')).length;
    await enqueueWrites(w.queues, rows);
    const ids = rows.map((r) => r.id);
    await waitFor(
      async () =>
        (await env.database.db.order.count({
          where: { id: { in: ids }, erpState: { in: ['written', 'blocked'] } },
        })) === rows.length,
      { timeoutMs: 90_000, intervalMs: 250, what: 'every order written' },
    );
    const saved = await env.database.db.order.findMany({ where: { id: { in: ids } } });
    expect(saved.filter((o) => o.erpState !== 'written').map((o) => o.erpReason)).toEqual([]);
    // exactly one C_Order per POReference in the stand-in
    const n = countByReference();
    for (const o of saved) expect(n.get(o.erpReference!)).toBe(1);
    expect(env.idempiere.orders().filter((o) => o.poReference?.includes('TOK0000')).length).toBe(rows.length);
    // the token did expire inside batches: refused items went out again, and no order saw a 401
    const batches = env.idempiere.writes().writes.filter((x) => x.kind.startsWith('batch')).length - batchesBefore;
    expect(batches).toBeGreaterThan(2);
    expect(await env.database.db.erpCall.count({ where: { orderId: { in: ids }, status: 401 } })).toBe(0);
    expect(w.writer.ctx.client.stats.logins).toBe(1);
  }, 120_000);
});
