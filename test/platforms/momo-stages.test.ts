// momo gives prices only while an order is unsent: an order the OMS first sees later (its store was connected
// after the order moved on) cannot become a canonical order. A cancellation or a return of that kind needs no
// ERP order, so it waits, recorded; a shipped one needs a person, so it is blocked, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';

describe('momo orders first seen after the unsend stage', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('momo', { stores: 1, ordersPerStore: 200, days: 30, seed: 21 });
    await h.startWorker();
    const job = await h.getOrders(h.channels[0]!.id, 'first');
    expect(await h.waitDone(job)).toBe('completed');
  }, 120_000);
  afterAll(async () => h?.close());

  it('waits for cancellations and returns, blocks shipped ones, and imports the rest', async () => {
    const orders = await h.db.order.findMany({
      where: { channelId: h.channels[0]!.id },
      select: { externalId: true, status: true, normalized: true, erpState: true, erpReason: true },
    });
    const unpriced = orders.filter((o) => o.normalized === null);
    const undone = unpriced.filter((o) => o.status === 'cancelled' || o.status === 'returned');
    const shipped = unpriced.filter((o) => o.status !== 'cancelled' && o.status !== 'returned');
    expect(undone.length).toBeGreaterThan(0);
    expect(shipped.length).toBeGreaterThan(0);
    for (const o of undone) {
      expect(o.erpState, o.externalId).toBe('waiting');
      expect(o.erpReason).toMatch(
        /^(cancelled|returned) on the platform before it reached the ERP \(invalid momo order: .*salePrice: is missing: momo gives prices only while an order is unsent/,
      );
    }
    for (const o of shipped) {
      expect(o.erpState, o.externalId).toBe('blocked');
      expect(o.erpReason).toMatch(
        /salePrice: is missing: momo gives prices only while an order is unsent .* first seen in sending/,
      );
    }
    // Orders seen while unsent import as usual.
    expect(orders.filter((o) => o.normalized !== null && o.erpState === 'pending').length).toBeGreaterThan(0);
  });
});
