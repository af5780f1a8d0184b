// An iDempiere outage delays everything and loses nothing: the writer pauses the whole erp-orders queue
// (BullMQ rate limit) instead of burning each job's attempts, and resumes when iDempiere answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// iDempiere down for 30 s, then back: nothing is lost or doubled. ERP_OUTAGE_TEST_MS shortens it when iterating
// on the writer locally.
const DOWN_MS = Number(process.env.ERP_OUTAGE_TEST_MS ?? 30_000);

let env: ErpEnv;
let w: InProcessWriter;

beforeAll(async () => {
  env = await startErpEnv('erpout', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

describe('iDempiere outage', () => {
  it(
    `loses nothing when iDempiere is down for ${DOWN_MS / 1000} s, and writes each order once after`,
    async () => {
      const channel = await createChannel(env.database.db);
      const before = makeOrder(900, { prefix: 'OUT' });
      const [first] = await insertOrders(env.database.db, channel.id, [before]);
      await enqueueWrites(w.queues, [first!]);
      await waitFor(
        async () => (await env.database.db.order.findUnique({ where: { id: first!.id } }))?.erpState === 'written',
      );

      env.idempiere.setFaults({ downForMs: DOWN_MS });
      const downAt = Date.now();
      const orders = Array.from({ length: 30 }, (_, i) => makeOrder(901 + i, { prefix: 'OUT' }));
      const rows = await insertOrders(env.database.db, channel.id, orders);
      await enqueueWrites(w.queues, rows);
      const requestsAtStart = w.writer.ctx.client.stats.requests;

      await waitFor(
        async () =>
          (await env.database.db.order.count({ where: { id: { in: rows.map((r) => r.id) }, erpState: 'written' } })) ===
          rows.length,
        { timeoutMs: DOWN_MS + 30_000, intervalMs: 200, what: 'all orders written after the outage' },
      );
      expect(Date.now() - downAt).toBeGreaterThanOrEqual(DOWN_MS);
      // Paused, not hammering: a handful of probes during the outage, not one per job and attempt.
      expect(w.writer.ctx.client.stats.requests - requestsAtStart).toBeLessThan(40);

      const inErp = env.idempiere.orders().filter((o) => o.poReference?.startsWith('OUT'));
      expect(inErp).toHaveLength(orders.length + 1);
      expect(new Set(inErp.map((o) => o.poReference)).size).toBe(orders.length + 1);
      // No job failed and no order was given up on.
      const queue = w.queues.get('erp-orders');
      expect(await queue.getFailedCount()).toBe(0);
      expect(await env.database.db.order.count({ where: { erpState: { in: ['failed', 'blocked'] } } })).toBe(0);
      // On record for support: one successful create per order.
      const created = await env.database.db.erpCall.count({
        where: { orderId: { in: rows.map((r) => r.id) }, action: 'create', status: 201 },
      });
      expect(created).toBe(rows.length);
    },
    DOWN_MS + 60_000,
  );

  it('looks up orders whose reply was lost after iDempiere committed them, and creates none twice', async () => {
    const channel = await createChannel(env.database.db);
    const orders = Array.from({ length: 30 }, (_, i) => makeOrder(950 + i, { prefix: 'LR' }));
    const rows = await insertOrders(env.database.db, channel.id, orders);
    (env.idempiere as unknown as { setFaults(f: object): void }).setFaults({ lostReplyRate: 0.3 });
    await enqueueWrites(w.queues, rows);
    await waitFor(
      async () =>
        (await env.database.db.order.count({ where: { id: { in: rows.map((r) => r.id) }, erpState: 'written' } })) ===
        rows.length,
      { timeoutMs: 60_000, intervalMs: 200, what: 'all orders written despite lost replies' },
    );
    env.idempiere.clearFaults();
    const inErp = env.idempiere.orders().filter((o) => o.poReference?.startsWith('LR'));
    expect(inErp).toHaveLength(orders.length);
    expect(new Set(inErp.map((o) => o.poReference)).size).toBe(orders.length);
  }, 90_000);
});
