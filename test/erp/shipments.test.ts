// Shipments, the iDempiere side (docs/idempiere.md, Shipments): completed M_InOut of OMS orders become
// oms_shipment rows with the platform's carrier and a push-shipment job on the platform queue; no carrier mapping
// blocks with the shipper named and goes out once mapped; tracking numbers assigned by the platform are written
// back to the M_InOut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oms/testing';
import { POLL_SHIPMENTS_SCHEDULER, SHIPMENT_CURSOR, pollShipments } from '@oms/idempiere';
import { createLogger } from '@oms/logger';
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

beforeAll(async () => {
  env = await startErpEnv('erpship', { ERP_BATCH_SIZE: '10' });
  w = await startWriter(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.close();
});

describe('shipments from iDempiere', () => {
  it('records completed shipments of OMS orders once, maps carriers, blocks unmapped shippers, writes tracking back', async () => {
    const db = env.database.db;
    const channel = await createChannel(db, { kind: 'cyberbiz' });
    await db.carrierMapping.create({
      data: { channelId: channel.id, erpShipperName: '黑貓宅急便', platformCarrier: 'TCAT' },
    });
    const orders = Array.from({ length: 4 }, (_, i) => makeOrder(3000 + i, { prefix: 'SH' }));
    const rows = await insertOrders(db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    await waitFor(
      async () => (await db.order.count({ where: { channelId: channel.id, erpState: 'written' } })) === rows.length,
    );

    // A shipment of an order the OMS did not write is ignored.
    const foreign = await w.writer.ctx.client.create('C_Order', {
      C_BPartner_ID: 118,
      C_OrderLine: [{ M_Product_ID: 200001, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 10, PriceActual: 10 }],
      'doc-action': 'CO',
    });
    env.idempiere.ship({ orderId: foreign.id, shipper: 'UPS', trackingNo: 'NOT-OURS' });
    env.idempiere.ship({ poReference: orders[0]!.externalNumber, shipper: '黑貓宅急便', trackingNo: 'TC0001' });
    env.idempiere.ship({ poReference: orders[1]!.externalNumber, shipper: '新竹物流', trackingNo: 'HCT0002' });
    env.idempiere.ship({ poReference: orders[2]!.externalNumber, shipper: '黑貓宅急便', trackingNo: null });

    const ctx = {
      db,
      client: w.writer.ctx.client,
      log: createLogger({ service: 'test', level: 'silent' }),
      queues: w.queues,
    };
    const r1 = await pollShipments(ctx);
    expect(r1).toMatchObject({ recorded: 2, blocked: 1 });
    const shipments = await db.shipment.findMany({ where: { channelId: channel.id }, include: { order: true } });
    expect(shipments).toHaveLength(3);
    const s0 = shipments.find((s) => s.orderId === rows[0]!.id)!;
    expect(s0).toMatchObject({
      carrier: 'TCAT',
      trackingNumber: 'TC0001',
      erpShipperName: '黑貓宅急便',
      state: 'pending',
    });
    const s1 = shipments.find((s) => s.orderId === rows[1]!.id)!;
    expect(s1.state).toBe('blocked');
    expect(s1.reason).toContain('"新竹物流"');
    const s2 = shipments.find((s) => s.orderId === rows[2]!.id)!;
    expect(s2).toMatchObject({ carrier: 'TCAT', trackingNumber: null, state: 'pending' });

    // push-shipment on the platform's queue, once per shipment.
    const pushQueue = w.queues.get('platform-cyberbiz');
    const jobs = await pushQueue.getJobs(['waiting', 'delayed']);
    expect(jobs.map((j) => j.data.shipmentId).sort()).toEqual([s0.id, s2.id].sort());

    // Polling again records nothing twice; the cursor moved.
    const r2 = await pollShipments(ctx);
    expect(r2.recorded + r2.blocked).toBe(0);
    expect((await db.cursor.findUnique({ where: { name: SHIPMENT_CURSOR } }))?.value).toBe(r2.cursor);
    expect(await db.shipment.count({ where: { channelId: channel.id } })).toBe(3);

    // The operator adds the mapping: the next poll releases the blocked shipment.
    await db.carrierMapping.create({
      data: { channelId: channel.id, erpShipperName: '新竹物流', platformCarrier: 'HCT' },
    });
    const r3 = await pollShipments(ctx);
    expect(r3.released).toBe(1);
    expect(await db.shipment.findUnique({ where: { id: s1.id } })).toMatchObject({
      state: 'pending',
      carrier: 'HCT',
      reason: null,
    });
    expect((await pushQueue.getJobs(['waiting', 'delayed'])).some((j) => j.data.shipmentId === s1.id)).toBe(true);

    // The platform assigned a tracking number for the shipment that had none: it goes into iDempiere.
    await db.shipment.update({ where: { id: s2.id }, data: { trackingNumber: 'PLATFORM-777', state: 'pushed' } });
    const r4 = await pollShipments(ctx);
    expect(r4.trackingWritten).toBe(1);
    const so = env.idempiere.orders().find((o) => o.poReference === orders[2]!.externalNumber)!;
    expect(so.shipments[0]!.trackingNo).toBe('PLATFORM-777');
    expect((await pollShipments(ctx)).trackingWritten).toBe(0);
  });

  it('keyset paging on (Updated, M_InOut_ID): many shipments in one second are all reached across polls', async () => {
    const db = env.database.db;
    const channel = await createChannel(db, { kind: 'cyberbiz' });
    await db.carrierMapping.create({
      data: { channelId: channel.id, erpShipperName: '黑貓宅急便', platformCarrier: 'TCAT' },
    });
    const orders = Array.from({ length: 6 }, (_, i) => makeOrder(3100 + i, { prefix: 'KS' }));
    const rows = await insertOrders(db, channel.id, orders);
    await enqueueWrites(w.queues, rows);
    await waitFor(
      async () => (await db.order.count({ where: { channelId: channel.id, erpState: 'written' } })) === rows.length,
    );
    for (const o of orders)
      env.idempiere.ship({ poReference: o.externalNumber, shipper: '黑貓宅急便', trackingNo: 'K' });
    await db.cursor.deleteMany({ where: { name: SHIPMENT_CURSOR } });
    const ctx = {
      db,
      client: w.writer.ctx.client,
      log: createLogger({ service: 'test', level: 'silent' }),
      queues: w.queues,
    };
    // pages of 2, one page per poll: a $skip-less `Updated ge <second>` poll would read the same 2 rows forever
    for (let i = 0; i < 30 && (await db.shipment.count({ where: { channelId: channel.id } })) < 6; i++)
      await pollShipments(ctx, { pageSize: 2, maxPages: 1 });
    expect(await db.shipment.count({ where: { channelId: channel.id } })).toBe(6);
  });

  it('schedules poll-shipments with a BullMQ Job Scheduler', async () => {
    await w.writer.schedule();
    await w.writer.schedule(); // every replica does it: still one scheduler
    const schedulers = await w.queues.get('erp-orders').getJobSchedulers();
    expect(
      schedulers.filter((s) => s.key === POLL_SHIPMENTS_SCHEDULER || s.id === POLL_SHIPMENTS_SCHEDULER),
    ).toHaveLength(1);
  });
});
