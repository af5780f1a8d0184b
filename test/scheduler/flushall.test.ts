// Redis loses everything (FLUSHALL on a private redis-server): one sweep puts back every schedule and every
// job the database says is in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createTestDatabase, startPrivateRedis, type TestDatabase } from '@oms/testing';
import { capturedLogger, createChannel, createOrder, createPlatform, createShipment } from './factory';
import { allSchedules, makeInstance, pendingJobs, type Instance } from './helpers';

let database: TestDatabase;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
const instances: Instance[] = [];

beforeAll(async () => {
  database = await createTestDatabase('flush');
  redis = await startPrivateRedis();
});
afterAll(async () => {
  for (const i of instances) await i.close();
  await redis?.stop();
  await database?.drop();
});

describe('after FLUSHALL', () => {
  it('one sweep restores every schedule, every unfinished order job and every unpushed shipment job', async () => {
    const captured = capturedLogger();
    const i = makeInstance(database.db, redis.url, 'oms', { log: captured.log });
    instances.push(i);
    const { scheduler, queues } = i;

    const shopee = await createPlatform(database.db, { kind: 'shopee' });
    const momo = await createPlatform(database.db, { kind: 'momo' });
    const s1 = await createChannel(database.db, shopee.id);
    const s2 = await createChannel(database.db, shopee.id, { syncIntervalSeconds: 120 });
    const m1 = await createChannel(database.db, momo.id);
    await createChannel(database.db, momo.id, { state: 'paused' });
    const orders = [
      await createOrder(database.db, s1.id),
      await createOrder(database.db, s2.id, { erpState: 'writing' }),
      await createOrder(database.db, m1.id),
    ];
    await createOrder(database.db, m1.id, { erpState: 'written' });
    const shipment = await createShipment(database.db, orders[0]!.id, s1.id);

    await scheduler.sweep();
    const schedulesBefore = await allSchedules(queues);
    const erpBefore = (await pendingJobs(queues, 'erp-orders')).map((j) => j.id).sort();
    const shopeeBefore = (await pendingJobs(queues, 'platform-shopee'))
      .filter((j) => j.name === 'push-shipment')
      .map((j) => j.id);
    expect(schedulesBefore).toHaveLength(5); // s1, s2: fetch + refresh; m1: fetch
    expect(erpBefore).toHaveLength(3);
    expect(shopeeBefore).toEqual([`push-shipment-${shipment.id}`]);
    expect(await queues.get('erp-orders').getGlobalConcurrency()).toBe(1);

    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    expect(await allSchedules(queues)).toEqual([]);
    expect(await pendingJobs(queues, 'erp-orders')).toEqual([]);

    captured.clear();
    const changes = await scheduler.sweep();
    expect(changes).not.toBeNull();
    expect(await allSchedules(queues)).toEqual(schedulesBefore);
    expect((await pendingJobs(queues, 'erp-orders')).map((j) => j.id).sort()).toEqual(erpBefore);
    expect(
      (await pendingJobs(queues, 'platform-shopee')).filter((j) => j.name === 'push-shipment').map((j) => j.id),
    ).toEqual(shopeeBefore);
    // Invariant 3 survives the loss too: the ERP queue is serialized again.
    expect(await queues.get('erp-orders').getGlobalConcurrency()).toBe(1);

    const [line] = captured.lines();
    expect(line!.msg).toBe(
      'sweep: 5 schedules added; erp-orders global concurrency restored to 1; 3 orders re-enqueued; 1 shipments re-enqueued',
    );
    expect(captured.lines()).toHaveLength(1);
  });
});
