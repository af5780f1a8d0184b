// A shipped order is never voided: core MOrder.voidIt reverse-corrects completed shipments (createReversals), so the
// writer re-reads the lines' QtyDelivered right before the VO. Here a shipment completes between the writer's first
// check (the M_InOut list) and the VO, and the order goes to the operator instead (docs/idempiere.md, "Writing
// models and documents").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempiereClient, createErpWriter, createIdempiereClient, writeOrders, type Query } from '@oms/idempiere';
import { createLogger } from '@oms/logger';
import { waitFor } from '@oms/testing';
import {
  changeOrder,
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  producerQueues,
  startErpEnv,
  startWriter,
  type ErpEnv,
  type InProcessWriter,
} from './fixtures';

let env: ErpEnv;
let w: InProcessWriter;

beforeAll(async () => {
  env = await startErpEnv('erpvoid', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

describe('void of a cancelled order', () => {
  it('re-checks deliveries right before the VO: a shipment completed after the first check is not reversed', async () => {
    const channel = await createChannel(env.database.db);
    const order = makeOrder(951, { prefix: 'VOID', lines: 2 });
    const [row] = await insertOrders(env.database.db, channel.id, [order]);
    await enqueueWrites(w.queues, [row!]);
    const written = await waitFor(async () => {
      const r = await env.database.db.order.findUnique({ where: { id: row!.id } });
      return r?.erpState === 'written' ? r : null;
    });
    await w.stop();
    w = undefined as unknown as InProcessWriter;

    // The warehouse ships the order right after the writer looked at its M_InOut list.
    const base = createIdempiereClient(env.config);
    let shippedAfterCheck = false;
    const client = Object.assign(Object.create(IdempiereClient.prototype) as IdempiereClient, base, {
      get: async (table: string, q: Query = {}) => {
        const page = await base.get(table, q);
        if (table === 'M_InOut' && !shippedAfterCheck) {
          shippedAfterCheck = true;
          env.idempiere.ship({ orderId: written.erpOrderId!, shipper: '黑貓宅急便', trackingNo: 'LATE-1' });
        }
        return page;
      },
    });
    const q = producerQueues(env);
    const log = createLogger({ service: 'erp-writer', level: 'silent', format: 'json' });
    const writer = createErpWriter({ config: env.config, db: env.database.db, log, queues: q.queues, client });
    const hash = await changeOrder(env.database.db, row!.id, {
      ...order,
      status: 'cancelled',
      platformStatus: 'CANCELLED',
    });
    const outcomes = await writeOrders(writer.ctx, [row!.id]);
    await base.logout();
    await q.close();

    expect(shippedAfterCheck).toBe(true);
    expect(outcomes.get(row!.id)?.state).toBe('needs_attention');
    const after = await env.database.db.order.findUnique({ where: { id: row!.id } });
    expect(after).toMatchObject({ erpState: 'needs_attention', erpWrittenHash: hash });
    expect(after!.erpReason).toMatch(/shipped meanwhile/);
    const erp = env.idempiere.orders().find((o) => o.id === written.erpOrderId)!;
    expect(erp.docStatus).toBe('CO');
    expect(env.idempiere.writes().writes.some((x) => x.kind === 'PUT c_order VO')).toBe(false);
  });
});
