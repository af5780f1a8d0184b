// The ERP writer against the iDempiere sandbox, in-process: orders land once with the right lines, charges
// and totals; a cancellation voids; an unknown SKU blocks with the SKU named and resumes once mapped;
// changes before shipment update the ERP order; every call is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computedTotal, money, type CanonicalOrder } from '@oms/core';
import { waitFor } from '@oms/testing';
import {
  changeOrder,
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  startErpEnv,
  startWriter,
  type ErpEnv,
  type InProcessWriter,
  type SandboxOrder,
} from './fixtures';

let env: ErpEnv;
let w: InProcessWriter;

beforeAll(async () => {
  env = await startErpEnv('erpw', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

const byRef = (ref: string) => env.idempiere.orders().filter((o) => o.poReference === ref);

async function waitStates(ids: string[], states: string[] = ['written'], timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const rows = await env.database.db.order.findMany({ where: { id: { in: ids } } });
      return rows.length === ids.length && rows.every((r) => states.includes(r.erpState)) ? rows : null;
    },
    { timeoutMs, what: `orders in ${states.join('/')}` },
  );
}

function expectLinesMatch(so: SandboxOrder, order: CanonicalOrder) {
  // Every unit of every platform line is there at the right net price (a line may be split in two for cents).
  for (const l of order.lines) {
    const mine = so.lines.filter((x) => x.productValue === l.sku);
    expect(mine.length).toBeGreaterThan(0);
  }
  const units = (sku: string) => so.lines.filter((x) => x.productValue === sku).reduce((n, x) => n + x.qtyOrdered, 0);
  const skus = new Set(order.lines.map((l) => l.sku!));
  for (const sku of skus)
    expect(units(sku)).toBe(order.lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0));
  for (const x of so.lines) {
    expect(x.qtyEntered).toBe(x.qtyOrdered);
    expect(x.priceEntered).toBe(x.priceActual);
  }
  const freight = so.lines.filter((x) => x.chargeId === 200000);
  expect(freight.map((x) => x.priceActual)).toEqual(Number(order.shippingFee) ? [Number(order.shippingFee)] : []);
  const discount = so.lines.filter((x) => x.chargeId === 200001);
  expect(discount.map((x) => x.priceActual)).toEqual(Number(order.orderDiscount) ? [-Number(order.orderDiscount)] : []);
  expect(money(so.grandTotal)).toBe(order.total);
  expect(money(so.grandTotal)).toBe(computedTotal(order));
}

describe('erp-writer against the iDempiere sandbox', () => {
  it('writes a scenario of orders once each, with lines, charges and totals equal to the platform', async () => {
    const channel = await createChannel(env.database.db);
    const orders = Array.from({ length: 40 }, (_, i) => makeOrder(i + 1, { buyers: 15, prefix: 'SC' }));
    const rows = await insertOrders(env.database.db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    // The same jobs again (a re-sync) add nothing: same deterministic ids, or already written.
    await enqueueWrites(w.queues, rows);
    const saved = await waitStates(rows.map((r) => r.id));

    for (const [i, o] of orders.entries()) {
      const found = byRef(o.externalNumber);
      expect(found, o.externalNumber).toHaveLength(1);
      const so = found[0]!;
      expect(so.docStatus).toBe('CO');
      expectLinesMatch(so, o);
      const row = saved.find((r) => r.id === rows[i]!.id)!;
      expect(row.erpOrderId).toBe(so.id);
      expect(row.erpDocumentNo).toBe(so.documentNo);
      expect(row.erpWrittenHash).toBe(row.contentHash);
    }
    // One customer per buyer, created once, reused by the buyer's later orders.
    const buyers = new Set(orders.map((o) => o.buyer.id));
    const written = env.idempiere.orders().filter((o) => o.poReference?.startsWith('SC'));
    const customers = new Set(written.map((o) => o.bpartner!.id));
    expect(customers.size).toBe(buyers.size);
    expect(await env.database.db.customer.count({ where: { channelId: channel.id, erpCustomerId: { gt: 0 } } })).toBe(
      buyers.size,
    );
    // Every order's create is recorded with its document number.
    const calls = await env.database.db.erpCall.findMany({ where: { orderId: rows[0]!.id } });
    expect(calls.find((c) => c.action === 'create')).toMatchObject({
      status: 201,
      documentNo: saved.find((r) => r.id === rows[0]!.id)!.erpDocumentNo,
    });
    // Batched: far fewer write requests than orders.
    expect(env.idempiere.writes().writes.filter((x) => x.kind.startsWith('batch')).length).toBeLessThan(
      orders.length / 2,
    );
  });

  it('voids a cancelled order that has not shipped, and flags one that has', async () => {
    const channel = await createChannel(env.database.db);
    const orders = [makeOrder(501, { prefix: 'CX' }), makeOrder(502, { prefix: 'CX' })];
    const rows = await insertOrders(env.database.db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    await waitStates(rows.map((r) => r.id));
    // The second one ships in iDempiere first.
    env.idempiere.ship({ poReference: orders[1]!.externalNumber, shipper: '黑貓宅急便', trackingNo: 'TC123' });

    const hashes = await Promise.all(
      orders.map((o, i) =>
        changeOrder(env.database.db, rows[i]!.id, { ...o, status: 'cancelled', platformStatus: 'CANCELLED' }),
      ),
    );
    await enqueueWrites(
      w.queues,
      rows.map((r, i) => ({ id: r.id, contentHash: hashes[i]! })),
    );
    const done = await waitFor(async () => {
      const got = await env.database.db.order.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return got.every((r) => r.erpWrittenHash === r.contentHash) ? got : null;
    });
    const voided = done.find((r) => r.id === rows[0]!.id)!;
    expect(voided).toMatchObject({ erpState: 'written', erpDocStatus: 'VO' });
    expect(byRef(orders[0]!.externalNumber)[0]!.docStatus).toBe('VO');
    const shipped = done.find((r) => r.id === rows[1]!.id)!;
    expect(shipped.erpState).toBe('needs_attention');
    expect(shipped.erpReason).toMatch(/cancelled on the platform but already shipped/);
    expect(byRef(orders[1]!.externalNumber)[0]!.docStatus).toBe('CO');
  });

  it('creates the ERP order only once the status allows it, and flags a return after delivery', async () => {
    const channel = await createChannel(env.database.db);
    const order = makeOrder(801, { prefix: 'ST', status: 'pending_payment' });
    const [row] = await insertOrders(env.database.db, channel.id, [order]);
    await enqueueWrites(w.queues, [row!]);
    const [waiting] = await waitStates([row!.id], ['waiting']);
    expect(waiting!.erpReason).toMatch(/pending_payment/);
    expect(byRef(order.externalNumber)).toHaveLength(0);

    const paid = await changeOrder(env.database.db, row!.id, { ...order, status: 'paid' });
    await w.queues.add('writeOrder', { orderId: row!.id, contentHash: paid });
    await waitStates([row!.id]);
    expect(byRef(order.externalNumber)).toHaveLength(1);

    env.idempiere.ship({ poReference: order.externalNumber, shipper: 'UPS', trackingNo: '1Z' });
    const returned = await changeOrder(env.database.db, row!.id, {
      ...order,
      status: 'returned',
      platformStatus: 'RETURNED',
    });
    await w.queues.add('writeOrder', { orderId: row!.id, contentHash: returned });
    const [flagged] = await waitStates([row!.id], ['needs_attention']);
    expect(flagged!.erpReason).toMatch(/returned on the platform after shipment/);
    expect(byRef(order.externalNumber)[0]!.docStatus).toBe('CO');
  });

  it('blocks an unknown SKU naming it, and writes the order after a SKU mapping is added and it is retried', async () => {
    const channel = await createChannel(env.database.db);
    const order = makeOrder(601, { prefix: 'SK', lines: 2, skus: ['TW-1001', 'NO-SUCH-SKU'] });
    const [row] = await insertOrders(env.database.db, channel.id, [order]);
    await enqueueWrites(w.queues, [row!]);
    const [blocked] = await waitStates([row!.id], ['blocked']);
    expect(blocked!.erpReason).toContain('"NO-SUCH-SKU"');
    expect(byRef(order.externalNumber)).toHaveLength(0);
    const job = await w.queues.get('erp-orders').getJob(`write-order-${row!.id}-${row!.contentHash.slice(0, 16)}`);
    // Permanent: completed (not failed), no retries burned.
    expect(job === undefined || (await job.getState()) === 'completed').toBe(true);

    await env.database.db.skuMapping.create({
      data: { channelId: channel.id, platformSku: 'NO-SUCH-SKU', erpProductId: 200010 },
    });
    // The operator's retry: pending again and a new job.
    await env.database.db.order.update({ where: { id: row!.id }, data: { erpState: 'pending', erpReason: null } });
    await w.queues.add('writeOrder', { orderId: row!.id, contentHash: row!.contentHash });
    await waitStates([row!.id]);
    const so = byRef(order.externalNumber);
    expect(so).toHaveLength(1);
    expect(so[0]!.lines.some((l) => l.productId === 200010)).toBe(true);
  });

  it('creates products for unknown SKUs when the channel allows it, once per SKU', async () => {
    const channel = await createChannel(env.database.db);
    await env.database.db.channel.update({ where: { id: channel.id }, data: { allowCreateProducts: true } });
    const orders = [
      makeOrder(851, { prefix: 'NP', lines: 2, skus: ['TW-1003', 'NEW-SKU-1'] }),
      makeOrder(852, { prefix: 'NP', lines: 1, skus: ['NEW-SKU-1'] }),
    ];
    const rows = await insertOrders(env.database.db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    await waitStates(rows.map((r) => r.id));
    const lines = orders
      .flatMap((o) => byRef(o.externalNumber)[0]!.lines)
      .filter((l) => l.productValue === 'NEW-SKU-1');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lines.map((l) => l.productId)).size).toBe(1);
    for (const o of orders) expect(money(byRef(o.externalNumber)[0]!.grandTotal)).toBe(o.total);
    const created = await env.database.db.erpCall.count({ where: { action: 'create-product', status: 201 } });
    expect(created).toBe(1);
  });

  it('updates an order changed before shipment (reactivate, change, complete)', async () => {
    const channel = await createChannel(env.database.db);
    const order = makeOrder(701, { prefix: 'UP', lines: 2 });
    const [row] = await insertOrders(env.database.db, channel.id, [order]);
    await enqueueWrites(w.queues, [row!]);
    await waitStates([row!.id]);
    const before = byRef(order.externalNumber)[0]!;
    const writesBefore = env.idempiere.writes().total;

    // A status-only change writes nothing to the ERP.
    const h1 = await changeOrder(env.database.db, row!.id, {
      ...order,
      status: 'ready_to_ship',
      updatedAt: '2026-11-21T00:00:00.000Z',
    });
    await w.queues.add('writeOrder', { orderId: row!.id, contentHash: h1 });
    await waitFor(
      async () => (await env.database.db.order.findUnique({ where: { id: row!.id } }))?.erpWrittenHash === h1,
    );
    expect(env.idempiere.writes().total).toBe(writesBefore);

    const changed = {
      ...order,
      lines: [{ ...order.lines[0]!, quantity: order.lines[0]!.quantity + 2 }, ...order.lines.slice(1)],
      updatedAt: '2026-11-22T00:00:00.000Z',
    };
    const total = computedTotal({ ...changed, total: '0' });
    const h2 = await changeOrder(env.database.db, row!.id, { ...changed, total });
    await w.queues.add('writeOrder', { orderId: row!.id, contentHash: h2 });
    await waitFor(
      async () => (await env.database.db.order.findUnique({ where: { id: row!.id } }))?.erpWrittenHash === h2,
    );
    const after = byRef(order.externalNumber);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before.id);
    expect(after[0]!.docStatus).toBe('CO');
    expect(money(after[0]!.grandTotal)).toBe(total);
  });
});
