// The reconciler: the database is the outbox. Unfinished orders and unpushed shipments get a live job,
// never a second one; channels stuck mid-sync are released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker, UnrecoverableError, jobs, type QueueName } from '@oms/queue';
import { createRedis } from '@oms/queue';
import { createTestDatabase, createTestRedisPrefix, waitFor, type TestDatabase } from '@oms/testing';
import { BATCH_SIZE } from '@oms/scheduling';
import { capturedLogger, createChannel, createOrder, createPlatform, createShipment, orderData } from './factory';
import { makeInstance, pendingJobs, type Instance } from './helpers';

let database: TestDatabase;
let redis: Awaited<ReturnType<typeof createTestRedisPrefix>>;
const instances: Instance[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('recon');
  redis = await createTestRedisPrefix('recon');
});
afterAll(async () => {
  for (const c of closers) await c();
  for (const i of instances) await i.close();
  await redis?.drop();
  await database?.drop();
});

function instance(opts: Parameters<typeof makeInstance>[3] = {}) {
  const i = makeInstance(database.db, redis.url, redis.prefix, opts);
  instances.push(i);
  return i;
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
const writeOrderId = (o: { id: string; contentHash: string }) =>
  jobs.writeOrder.jobId!({ orderId: o.id, contentHash: o.contentHash });

/** Runs the jobs of a queue with `fn` until stopped; returns a stop function. */
function work(queue: QueueName, fn: () => Promise<void>) {
  const connection = createRedis(redis.url, 'worker');
  const worker = new Worker(queue, fn, { connection, prefix: redis.prefix, concurrency: 50 });
  const stop = async () => {
    await worker.close();
    connection.disconnect();
  };
  closers.push(stop);
  return stop;
}

describe('orders', () => {
  it('re-enqueues every unfinished order once, and nothing that is finished or live', async () => {
    const captured = capturedLogger();
    const { scheduler, queues } = instance({ log: captured.log });
    const p = await createPlatform(database.db, { kind: 'momo' });
    const c = await createChannel(database.db, p.id, { state: 'paused' }); // a paused channel's orders still go to the ERP
    const pending = await createOrder(database.db, c.id);
    const writing = await createOrder(database.db, c.id, { erpState: 'writing' });
    const failedLongAgo = await createOrder(database.db, c.id, { erpState: 'failed' });
    await database.db
      .$executeRaw`update oms_order set updated_at = ${hoursAgo(2)} where id = ${failedLongAgo.id}::uuid`;
    const failedRecently = await createOrder(database.db, c.id, { erpState: 'failed' });
    for (const erpState of ['written', 'blocked', 'waiting', 'needs_attention'] as const)
      await createOrder(database.db, c.id, { erpState });
    // Already live: left alone (not doubled, not counted).
    const live = await createOrder(database.db, c.id);
    await queues.add('writeOrder', { orderId: live.id, contentHash: live.contentHash });

    const changes = await scheduler.sweep();
    expect(changes!.ordersReenqueued.sort()).toEqual([pending.id, writing.id, failedLongAgo.id].sort());
    const erp = await pendingJobs(queues, 'erp-orders');
    expect(erp.map((j) => j.id).sort()).toEqual([pending, writing, failedLongAgo, live].map(writeOrderId).sort());
    expect(erp.every((j) => j.name === 'write-order')).toBe(true);
    expect(erp.find((j) => j.data.orderId === pending.id)!.data).toEqual({
      orderId: pending.id,
      contentHash: pending.contentHash,
    });
    expect(erp.some((j) => j.data.orderId === failedRecently.id)).toBe(false);

    const line = captured.lines().find((l) => String(l.msg).includes('orders re-enqueued'));
    expect(line).toMatchObject({ msg: expect.stringContaining('3 orders re-enqueued'), ordersReenqueued: 3 });

    // Second sweep: everything is live, nothing to do, nothing logged.
    captured.clear();
    expect((await scheduler.sweep())!.ordersReenqueued).toEqual([]);
    expect(captured.lines()).toEqual([]);
    expect(await pendingJobs(queues, 'erp-orders')).toHaveLength(4);
    await queues.get('erp-orders').obliterate({ force: true });
    await database.db.order.updateMany({ where: { channelId: c.id }, data: { erpState: 'written' } });
  });

  it('retries a failed job with the same id after the cool-down instead of silently adding nothing, and re-adds a vanished one', async () => {
    const { scheduler, queues } = instance();
    const p = await createPlatform(database.db, { kind: 'momo' });
    const c = await createChannel(database.db, p.id);
    const a = await createOrder(database.db, c.id);
    const b = await createOrder(database.db, c.id);
    await scheduler.sweep();
    // A writer that dies on every job without recording anything: the jobs end up failed, the orders stay pending.
    const stop = work('erp-orders', async () => {
      throw new UnrecoverableError('iDempiere unreachable');
    });
    await waitFor(async () => (await queues.get('erp-orders').getFailedCount()) === 2, { what: 'jobs failed' });
    await stop();

    // Within the cool-down a failed job stays failed: a job that fails at once is not retried on every sweep.
    expect((await scheduler.sweep())!.ordersReenqueued).toEqual([]);
    expect(await queues.get('erp-orders').getJobState(writeOrderId(a))).toBe('failed');

    const changes = await scheduler.sweep(new Date(Date.now() + 2 * 3600_000));
    expect(changes!.ordersReenqueued.sort()).toEqual([a.id, b.id].sort());
    expect(await queues.get('erp-orders').getJobState(writeOrderId(a))).toBe('waiting');
    const retried = await queues.get('erp-orders').getJob(writeOrderId(a));
    expect(retried!.attemptsMade).toBe(0);

    // A writer that completes without moving the order on (write-order jobs are removed on completion):
    // the order is still unfinished, so it is enqueued again.
    const stop2 = work('erp-orders', async () => undefined);
    await waitFor(
      async () =>
        (await queues.get('erp-orders').getWaitingCount()) === 0 &&
        (await queues.get('erp-orders').getActiveCount()) === 0,
      { what: 'jobs done' },
    );
    await stop2();
    expect((await scheduler.sweep())!.ordersReenqueued.sort()).toEqual([a.id, b.id].sort());
    await queues.get('erp-orders').obliterate({ force: true });
    await database.db.order.updateMany({ where: { channelId: c.id }, data: { erpState: 'written' } });
  });

  it(`goes through more orders than one batch (${BATCH_SIZE}) in a few queries`, async () => {
    const { scheduler, queues } = instance();
    const p = await createPlatform(database.db, { kind: 'momo' });
    const c = await createChannel(database.db, p.id);
    const count = BATCH_SIZE * 2 + 17;
    await database.db.order.createMany({ data: Array.from({ length: count }, () => orderData(c.id)) });
    const started = Date.now();
    expect((await scheduler.sweep())!.ordersReenqueued).toHaveLength(count);
    expect(await queues.get('erp-orders').getWaitingCount()).toBe(count);
    expect((await scheduler.sweep())!.ordersReenqueued).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    await queues.get('erp-orders').obliterate({ force: true });
    await database.db.order.updateMany({ where: { channelId: c.id }, data: { erpState: 'written' } });
  });

  it('does not re-enqueue a row the database no longer calls unfinished by the time it checks', async () => {
    const { queues } = instance();
    const hash = `probe${Date.now()}`;
    const ids = { a: '00000000-0000-4000-8000-00000000000a', b: '00000000-0000-4000-8000-00000000000b' };
    const wanted = (['a', 'b'] as const).map((rowId) => ({
      rowId,
      payload: { orderId: ids[rowId], contentHash: hash },
    }));
    const done = await queues.ensureLive('writeOrder', wanted, async () => new Set(['b']), new Date());
    expect(done).toEqual(['b']);
    expect(await queues.get('erp-orders').getJobState(writeOrderId({ id: ids.a, contentHash: hash }))).toBe('unknown');
    await queues.get('erp-orders').obliterate({ force: true });
  });
});

describe('stuck channels', () => {
  it('releases channels stuck past the timeout, and only those', async () => {
    const captured = capturedLogger();
    const { scheduler } = instance({ log: captured.log });
    const p = await createPlatform(database.db, { kind: 'momo' });
    const stuck = await createChannel(database.db, p.id, {
      stage: 'fetching',
      stageStartedAt: new Date(Date.now() - 3600_000),
    });
    const busy = await createChannel(database.db, p.id, {
      stage: 'refreshing',
      stageStartedAt: new Date(Date.now() - 60_000),
    });
    const changes = await scheduler.sweep();
    expect(changes!.channelsReleased.map((c) => c.id)).toEqual([stuck.id]);
    const after = await database.db.channel.findUniqueOrThrow({ where: { id: stuck.id } });
    expect(after).toMatchObject({ stage: 'idle', stageStartedAt: null });
    expect(after.lastError).toMatch(/^released after 3\d{3} s stuck in fetching$/);
    expect(after.lastErrorAt).not.toBeNull();
    expect((await database.db.channel.findUniqueOrThrow({ where: { id: busy.id } })).stage).toBe('refreshing');
    expect(captured.lines().find((l) => String(l.msg).includes('stuck channels released'))).toMatchObject({
      channelsReleased: [{ id: stuck.id, stage: 'fetching' }],
    });
    expect((await scheduler.sweep())!.channelsReleased).toEqual([]);
  });
});

describe('shipments', () => {
  it('re-enqueues shipments not yet pushed on their platform queue', async () => {
    const captured = capturedLogger();
    const { scheduler, queues } = instance({ log: captured.log });
    const p = await createPlatform(database.db, { kind: 'cyberbiz', apiVersion: 'v2' });
    const c = await createChannel(database.db, p.id);
    const paused = await createChannel(database.db, p.id, { state: 'paused' });
    const order = await createOrder(database.db, c.id, { erpState: 'written' });
    const pending = await createShipment(database.db, order.id, c.id);
    const pushing = await createShipment(database.db, order.id, c.id, { state: 'pushing' });
    const awaitingOld = await createShipment(database.db, order.id, c.id, { state: 'awaiting_tracking' });
    await database.db
      .$executeRaw`update oms_shipment set updated_at = ${hoursAgo(1)} where id = ${awaitingOld.id}::uuid`;
    await createShipment(database.db, order.id, c.id, { state: 'awaiting_tracking' }); // checked a moment ago
    await createShipment(database.db, order.id, c.id, { state: 'pushed' });
    await createShipment(database.db, order.id, c.id, { state: 'blocked' });
    await createShipment(database.db, order.id, paused.id); // waits until the channel is resumed

    const changes = await scheduler.sweep();
    expect(changes!.shipmentsReenqueued.sort()).toEqual([pending.id, pushing.id, awaitingOld.id].sort());
    const jobsOnQueue = (await pendingJobs(queues, 'platform-cyberbiz')).filter((j) => j.name === 'push-shipment');
    expect(jobsOnQueue.map((j) => j.id).sort()).toEqual(
      [pending, pushing, awaitingOld].map((s) => `push-shipment-${s.id}`).sort(),
    );
    expect(captured.lines().some((l) => String(l.msg).includes('3 shipments re-enqueued'))).toBe(true);
    expect((await scheduler.sweep())!.shipmentsReenqueued).toEqual([]);
  });
});
