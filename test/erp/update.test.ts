// Updating an order changed on the platform, as the real plugin allows it (docs/idempiere.md, "Batch"): RE on its
// own, then one PUT with the changes and CO. The write is interrupted between the two steps, and after the last
// one, and the order is still finished once: one ERP order, its lines changed in place, no line twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computedTotal, money, type CanonicalOrder } from '@oms/core';
import { createIdempiereClient } from '@oms/idempiere';
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
} from './fixtures';

let env: ErpEnv;
let w: InProcessWriter;

beforeAll(async () => {
  env = await startErpEnv('erpupd', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

const byRef = (ref: string) => env.idempiere.orders().filter((o) => o.poReference === ref);
const row = (id: string) => env.database.db.order.findUnique({ where: { id } });
const writesSince = (n: number) =>
  env.idempiere
    .writes()
    .writes.slice(n)
    .map((x) => x.kind);

/** A written order, then its first line's quantity +2: returns what the update must write. */
async function writtenThenChanged(i: number) {
  const channel = await createChannel(env.database.db);
  const order = makeOrder(i, { prefix: 'UPD', lines: 2 });
  const [r] = await insertOrders(env.database.db, channel.id, [order]);
  await enqueueWrites(w.queues, [r!]);
  await waitFor(async () => (await row(r!.id))?.erpState === 'written', { what: 'order written' });
  const erp = byRef(order.externalNumber)[0]!;
  expect(erp.docStatus).toBe('CO');
  const changed: CanonicalOrder = {
    ...order,
    lines: [{ ...order.lines[0]!, quantity: order.lines[0]!.quantity + 2 }, ...order.lines.slice(1)],
    updatedAt: '2026-11-22T00:00:00.000Z',
  };
  const total = computedTotal({ ...changed, total: '0' });
  const hash = await changeOrder(env.database.db, r!.id, { ...changed, total });
  return { id: r!.id, order, erp, hash, total };
}

/** Exactly one ERP order, completed, with the new total and as many lines as before (changed in place). */
function expectFinishedOnce(ref: string, before: { id: number; lines: unknown[] }, total: string) {
  const after = byRef(ref);
  expect(after).toHaveLength(1);
  expect(after[0]!.id).toBe(before.id);
  expect(after[0]!.docStatus).toBe('CO');
  expect(after[0]!.lines).toHaveLength(before.lines.length);
  expect(money(after[0]!.grandTotal)).toBe(total);
}

describe('updating a changed order: RE, then one PUT with the changes and CO', () => {
  it('an order left In Progress by a writer that died after the RE is found by its DocStatus and finished', async () => {
    const c = await writtenThenChanged(801);
    // What a writer killed right after its RE committed leaves behind: the ERP order In Progress.
    const client = createIdempiereClient(env.config);
    await client.docAction('C_Order', c.erp.id, 'RE');
    await client.logout();
    expect(byRef(c.order.externalNumber)[0]!.docStatus).toBe('IP');
    const mark = env.idempiere.writes().total;

    await w.queues.add('writeOrder', { orderId: c.id, contentHash: c.hash });
    await waitFor(async () => (await row(c.id))?.erpWrittenHash === c.hash, { what: 'update written' });
    expectFinishedOnce(c.order.externalNumber, c.erp, c.total);
    // no second RE: the IP order is completed by the one PUT
    expect(writesSince(mark)).toEqual(['PUT c_order CO']);
    expect((await row(c.id))?.erpState).toBe('written');
  });

  it('a finish iDempiere refuses leaves the order In Progress and hands it to the operator', async () => {
    const c = await writtenThenChanged(803);
    // a product that exists but is not on the channel's price list: MOrderLine.beforeSave refuses the new line
    const client = createIdempiereClient(env.config);
    await client.create('M_Product', {
      Value: 'NOPRICE-1',
      Name: 'Not on the price list',
      C_UOM_ID: env.config.IDEMPIERE_PRODUCT_UOM_ID,
      M_Product_Category_ID: env.config.IDEMPIERE_PRODUCT_CATEGORY_ID,
      C_TaxCategory_ID: env.config.IDEMPIERE_PRODUCT_TAX_CATEGORY_ID,
      ProductType: 'I',
      IsStocked: true,
    });
    await client.logout();
    const canon: CanonicalOrder = { ...c.order, updatedAt: '2026-11-23T00:00:00.000Z' };
    const extra = { ...canon.lines[0]!, lineId: 'x-1', sku: 'NOPRICE-1', quantity: 1, discount: '0' };
    const withExtra = { ...canon, lines: [...canon.lines, extra] };
    const hash = await changeOrder(env.database.db, c.id, {
      ...withExtra,
      total: computedTotal({ ...withExtra, total: '0' }),
    });
    await w.queues.add('writeOrder', { orderId: c.id, contentHash: hash });
    const flagged = await waitFor(
      async () => {
        const r = await row(c.id);
        return r?.erpState === 'needs_attention' ? r : null;
      },
      { what: 'order handed to the operator' },
    );
    expect(flagged.erpReason).toMatch(/left In Progress/);
    expect(byRef(c.order.externalNumber)).toHaveLength(1);
    expect(byRef(c.order.externalNumber)[0]!.docStatus).toBe('IP');
  });

  it('a failure after the RE (its reply lost) is retried and finishes the order once', async () => {
    const c = await writtenThenChanged(802);
    const mark = env.idempiere.writes().total;
    // every write commits but its reply is lost (504): the RE is in, the writer does not know it
    env.idempiere.setFaults({ lostReplyRate: 1 });
    await w.queues.add('writeOrder', { orderId: c.id, contentHash: c.hash });
    await waitFor(async () => writesSince(mark).includes('PUT c_order RE'), { what: 'the RE' });
    env.idempiere.clearFaults();
    await waitFor(async () => (await row(c.id))?.erpWrittenHash === c.hash, {
      what: 'update written',
      timeoutMs: 30_000,
    });
    expectFinishedOnce(c.order.externalNumber, c.erp, c.total);
  }, 40_000);
});
