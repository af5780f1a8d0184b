// Every order names its business partner location, so core MOrder.beforeSave does not call setBPartner and the
// channel's price list, payment term and payment rule stay (docs/idempiere.md, "Order import: columns and core
// behaviour"): a default customer with its own price list, payment rule and term does not leak into the C_Order,
// and a new buyer's order references the location created with it in the same batch ({"uid": …}).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempiereClient, f, fkId, listValue, type IdempiereClient, type IdRecord } from '@oms/idempiere';
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
let w: InProcessWriter;
let client: IdempiereClient;

beforeAll(async () => {
  env = await startErpEnv('erploc', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
  client = createIdempiereClient(env.config);
});
afterAll(async () => {
  await client?.logout();
  await w?.stop();
  await env?.close();
});

const HEADER = ['M_PriceList_ID', 'PaymentRule', 'C_PaymentTerm_ID', 'C_BPartner_ID', 'C_BPartner_Location_ID'];

async function writeOne(customerMode: 'per_buyer' | 'default_customer', i: number) {
  const channel = await createChannel(env.database.db, { customerMode });
  const order = makeOrder(i, { prefix: 'LOC', lines: 2 });
  const [row] = await insertOrders(env.database.db, channel.id, [order]);
  await enqueueWrites(w.queues, [row!]);
  const written = await waitFor(
    async () => {
      const r = await env.database.db.order.findUnique({ where: { id: row!.id } });
      return r && r.erpState !== 'pending' && r.erpState !== 'writing' ? r : null;
    },
    { what: 'order decided' },
  );
  expect(written.erpState, written.erpReason ?? '').toBe('written');
  return client.getById<IdRecord>('C_Order', written.erpOrderId!, { select: HEADER });
}

describe('the channel mapping lands on the C_Order', () => {
  it("a default customer's own price list, payment rule and term do not replace the channel's", async () => {
    await client.update('C_BPartner', 118, { M_PriceList_ID: 102, PaymentRule: 'S', C_PaymentTerm_ID: 100 });
    const own = (await client.getAll<IdRecord>('C_BPartner_Location', { filter: f.eq('C_BPartner_ID', 118) })).map(
      (l) => l.id,
    );
    const o = await writeOne('default_customer', 901);
    expect(fkId(o.C_BPartner_ID)).toBe(118);
    expect(own).toContain(fkId(o.C_BPartner_Location_ID));
    expect(fkId(o.M_PriceList_ID)).toBe(101);
    expect(fkId(o.C_PaymentTerm_ID)).toBe(105);
    expect(['K', 'B']).toContain(listValue(o.PaymentRule));
  });

  it("a new buyer's order references the location created with the customer in the same batch", async () => {
    const o = await writeOne('per_buyer', 902);
    const bp = fkId(o.C_BPartner_ID)!;
    expect(bp).not.toBe(118);
    const loc = await client.getById<IdRecord>('C_BPartner_Location', fkId(o.C_BPartner_Location_ID)!, {
      select: ['C_BPartner_ID'],
    });
    expect(fkId(loc.C_BPartner_ID)).toBe(bp);
    expect(fkId(o.M_PriceList_ID)).toBe(101);
  });
});
