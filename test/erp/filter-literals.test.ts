// SKUs and platform order numbers holding the characters the real $filter parser breaks on (`'`, `,`, `(`, `)`:
// DefaultQueryConverter splits `in` lists on every comma, counts parentheses inside quotes, and ConvertedQuery
// keeps '' as two quotes) go through the real writer path: each product and each order exists exactly once, and
// the other orders of the same batch are written (docs/idempiere.md, Reading models).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oms/testing';
import { createChannel, enqueueWrites, insertOrders, makeOrder, startErpEnv, startWriter } from './fixtures';
import type { ErpEnv, InProcessWriter } from './fixtures';

let env: ErpEnv;
let w: InProcessWriter;

beforeAll(async () => {
  env = await startErpEnv('erpfl', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

async function waitWritten(ids: string[]) {
  return waitFor(
    async () => {
      const rows = await env.database.db.order.findMany({ where: { id: { in: ids } } });
      return rows.length === ids.length && rows.every((r) => r.erpState === 'written') ? rows : null;
    },
    { timeoutMs: 30_000, what: 'orders written' },
  );
}

describe('user data with filter metacharacters', () => {
  it("creates and finds SKUs and order numbers with ' , ( ) exactly once, next to ordinary orders", async () => {
    const channel = await createChannel(env.database.db);
    await env.database.db.channel.update({ where: { id: channel.id }, data: { allowCreateProducts: true } });
    const odd = ["O'NEIL-1", 'A,B', 'CUP(L)', "'Q"];
    const orders = [
      makeOrder(1, { prefix: 'FL', lines: 2, skus: ['TW-1001', odd[0]!] }),
      { ...makeOrder(2, { prefix: 'FL', lines: 2, skus: [odd[1]!, odd[2]!] }), externalNumber: "#10'01,(2)" },
      { ...makeOrder(3, { prefix: 'FL', lines: 1, skus: [odd[3]!] }), externalNumber: 'A,B (3)' },
      makeOrder(4, { prefix: 'FL', lines: 3, skus: ['TW-1002', odd[0]!, odd[1]!] }),
      makeOrder(5, { prefix: 'FL', lines: 1 }),
    ];
    const before = env.idempiere.orders().length;
    const rows = await insertOrders(env.database.db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    const written = await waitWritten(rows.map((r) => r.id));
    // the same orders again (a retried job): found by POReference, no second C_Order
    await enqueueWrites(w.queues, rows);
    await new Promise((r) => setTimeout(r, 1500));
    await waitWritten(rows.map((r) => r.id));
    const sos = env.idempiere.orders().slice(before);
    expect(sos).toHaveLength(orders.length);
    expect(new Set(written.map((r) => r.erpOrderId)).size).toBe(orders.length);
    for (const sku of odd) {
      const lines = sos.flatMap((o) => o.lines).filter((l) => l.productValue === sku);
      expect(lines.length, sku).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => l.productId)).size, sku).toBe(1);
    }
    const created = await env.database.db.erpCall.count({ where: { action: 'create-product', status: 201 } });
    expect(created).toBe(odd.length);
  }, 60_000);
});
