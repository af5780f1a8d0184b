// iDempiere's business refusals block the order with iDempiere's own words, in the login's language, after one
// attempt: an order line whose product is not on the price list (MOrderLine.beforeSave, answered by
// ModelResourceImpl#createChild as 500 "Save error with exception: …"). The product is called "Padlock": a detail
// quoting it is data, not a lock timeout (docs/idempiere.md, "Error classes").
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

/** Creates a product that is on no price list, through the stand-in's own REST API; returns its id. */
async function productOnNoPriceList(env: ErpEnv, value: string): Promise<number> {
  const base = `${env.sandbox.urls.idempiere}/api/v1`;
  const c = env.sandbox.idempiere.credentials();
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    expect(res.status, path).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  };
  const { userName, password, ...parameters } = c;
  const login = await post('auth/tokens', { userName, password, parameters });
  const product = await post(
    'models/M_Product',
    { Value: value, Name: 'Padlock', C_UOM_ID: 100, M_Product_Category_ID: 105, C_TaxCategory_ID: 107 },
    login.token as string,
  );
  return product.id as number;
}

for (const [language, detail] of [
  ['en_US', 'Save error: Save error with exception: Product is not on PriceList - PADLOCK-01 - Padlock'],
  ['zh_TW', 'Save error: Save error with exception: 產品不在價格表中 - PADLOCK-01 - Padlock'],
] as const) {
  describe(`a refused order (IDEMPIERE_LANGUAGE=${language})`, () => {
    let env: ErpEnv;
    let w: InProcessWriter;

    beforeAll(async () => {
      env = await startErpEnv(`erpr${language.slice(0, 2)}`, { ERP_BATCH_SIZE: '10', IDEMPIERE_LANGUAGE: language });
      w = await startWriter(env);
    });
    afterAll(async () => {
      await w?.stop();
      await env?.close();
    });

    it('ends blocked with the translated iDempiere message, not failed after retries', async () => {
      const productId = await productOnNoPriceList(env, 'PADLOCK-01');
      const channel = await createChannel(env.database.db);
      await env.database.db.skuMapping.create({
        data: { channelId: channel.id, platformSku: 'PADLOCK-01', erpProductId: productId },
      });
      const order = makeOrder(801, { prefix: 'RF', lines: 2, skus: ['TW-1001', 'PADLOCK-01'] });
      const [row] = await insertOrders(env.database.db, channel.id, [order]);
      await enqueueWrites(w.queues, [row!]);
      const blocked = await waitFor(
        async () => {
          const r = await env.database.db.order.findUnique({ where: { id: row!.id } });
          return r && r.erpState !== 'pending' && r.erpState !== 'writing' ? r : null;
        },
        { timeoutMs: 20_000, what: 'the order to leave pending' },
      );
      expect(blocked.erpState).toBe('blocked');
      expect(blocked.erpReason).toContain(detail);
      expect(env.idempiere.orders().filter((o) => o.poReference === order.externalNumber)).toHaveLength(0);
      const job = await w.queues.get('erp-orders').getJob(`write-order-${row!.id}-${row!.contentHash.slice(0, 16)}`);
      // Permanent: completed (not failed), no retries burned: one refused create, never sent again.
      expect(job === undefined || (await job.getState()) === 'completed').toBe(true);
      const refused = await env.database.db.erpCall.count({ where: { orderId: row!.id, error: { not: null } } });
      expect(refused).toBe(1);
    });
  });
}
