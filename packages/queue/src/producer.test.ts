// Queues against a real Redis (a prefix of its own): Job Schedulers by definition, and keeping wanted jobs live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { createTestRedisPrefix, waitFor } from '@oms/testing';
import { createRedis } from './connection';
import { jobs, QUEUE_NAMES } from './jobs';
import { Queues } from './producer';

let redis: Awaited<ReturnType<typeof createTestRedisPrefix>>;
let queues: Queues;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await createTestRedisPrefix('producer');
  const connection = createRedis(redis.url, 'producer');
  queues = new Queues(connection, redis.prefix);
  closers.push(
    () => queues.close(),
    async () => connection.disconnect(),
  );
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await redis?.drop();
});

const CHANNEL = '7d3f6c1e-8a52-4c1b-9a51-3f1f0e6a2b10';
const order = (n: number) => ({
  orderId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  contentHash: `hash${n}abcdef0123`,
});
const writeOrderId = (n: number) => jobs.writeOrder.jobId!(order(n));
const everyone = async (ids: string[]) => new Set(ids);

describe('schedule', () => {
  afterAll(async () => {
    for (const q of queues.all()) await q.obliterate({ force: true });
  });

  it("upserts a Job Scheduler on the job's queue with the definition's name, payload and default options", async () => {
    await queues.schedule(
      'getOrders',
      60_000,
      { channelId: CHANNEL },
      { id: `get-orders-${CHANNEL}`, platform: 'momo' },
    );
    await queues.schedule('pollShipments', 30_000, {}, { id: 'poll-shipments' });
    // Again with another interval: the same scheduler, updated.
    await queues.schedule('pollShipments', 45_000, {}, { id: 'poll-shipments' });

    const momo = await queues.get(QUEUE_NAMES.momo).getJobSchedulers();
    expect(momo).toHaveLength(1);
    expect(momo[0]).toMatchObject({
      key: `get-orders-${CHANNEL}`,
      name: 'get-orders',
      every: 60_000,
      template: { data: { channelId: CHANNEL }, opts: JSON.parse(JSON.stringify(jobs.getOrders.options)) },
    });
    const erp = await queues.get(QUEUE_NAMES.erp).getJobSchedulers();
    expect(erp.map((s) => [s.key, s.name, Number(s.every)])).toEqual([['poll-shipments', 'poll-shipments', 45_000]]);
    expect(await queues.get(QUEUE_NAMES.shopee).getJobSchedulers()).toEqual([]);
  });

  it('refuses a platform job without its platform, and a bad payload', async () => {
    await expect(queues.schedule('getOrders', 60_000, { channelId: CHANNEL }, { id: 'x' })).rejects.toThrow(
      /name the platform/,
    );
    await expect(
      queues.schedule('getOrders', 60_000, { channelId: 'nope' }, { id: 'x', platform: 'momo' }),
    ).rejects.toThrow();
  });

  it('unschedule removes the scheduler and its next job', async () => {
    const id = `refresh-token-${CHANNEL}`;
    await queues.schedule('refreshToken', 60_000, { channelId: CHANNEL }, { id, platform: 'momo' });
    const json = await queues.get(QUEUE_NAMES.momo).getJobScheduler(id);
    expect(json?.next).toBeTruthy();
    await queues.unschedule(QUEUE_NAMES.momo, id, json!.next);
    expect(await queues.get(QUEUE_NAMES.momo).getJobScheduler(id)).toBeFalsy();
    expect(await queues.get(QUEUE_NAMES.momo).getJob(`repeat:${id}:${json!.next}`)).toBeUndefined();
  });
});

describe('ensureLive', () => {
  it('adds missing jobs with their deterministic id and default options, and leaves live ones alone', async () => {
    const erp = queues.get(QUEUE_NAMES.erp);
    await queues.add('writeOrder', order(1));
    const done = await queues.ensureLive(
      'writeOrder',
      [1, 2, 3].map((n) => ({ rowId: `row${n}`, payload: order(n) })),
      everyone,
      new Date(),
    );
    expect(done.sort()).toEqual(['row2', 'row3']);
    const added = await erp.getJob(writeOrderId(2));
    expect(added).toMatchObject({ name: 'write-order', data: order(2) });
    expect(added!.opts.attempts).toBe(jobs.writeOrder.options.attempts);
    expect(await erp.getWaitingCount()).toBe(3);
    // Everything is live now: nothing to do, and the database is not even asked.
    let asked = 0;
    const again = await queues.ensureLive(
      'writeOrder',
      [1, 2, 3].map((n) => ({ rowId: `row${n}`, payload: order(n) })),
      async (ids) => {
        asked++;
        return new Set(ids);
      },
      new Date(),
    );
    expect(again).toEqual([]);
    expect(asked).toBe(0);
    await erp.obliterate({ force: true });
  });

  it('skips the rows the database no longer wants by the time it checks', async () => {
    const done = await queues.ensureLive(
      'writeOrder',
      [4, 5].map((n) => ({ rowId: `row${n}`, payload: order(n) })),
      async () => new Set(['row5']),
      new Date(),
    );
    expect(done).toEqual(['row5']);
    expect(await queues.get(QUEUE_NAMES.erp).getJobState(writeOrderId(4))).toBe('unknown');
    await queues.get(QUEUE_NAMES.erp).obliterate({ force: true });
  });

  it('retries a failed job after the cool-down with fresh attempts, and re-adds a completed one', async () => {
    const queue = QUEUE_NAMES.momo;
    const ids = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'];
    for (const shipmentId of ids)
      await queues.add('pushShipment', { shipmentId }, { platform: 'momo', options: { attempts: 1 } });
    const connection = createRedis(redis.url, 'worker');
    // The first job fails, the second completes (and is kept: push-shipment keeps completed jobs).
    const worker = new Worker(
      queue,
      async (job) => {
        if ((job.data as { shipmentId: string }).shipmentId === ids[0]) throw new Error('platform down');
      },
      { connection, prefix: redis.prefix },
    );
    const q = queues.get(queue);
    await waitFor(async () => (await q.getFailedCount()) === 1 && (await q.getCompletedCount()) === 1, {
      what: 'one failed, one completed',
    });
    await worker.close();
    connection.disconnect();

    const wanted = ids.map((shipmentId) => ({ rowId: shipmentId, payload: { shipmentId }, platform: 'momo' as const }));
    // Within the cool-down the failed job stays failed; the completed one is added again.
    expect(await queues.ensureLive('pushShipment', wanted, everyone, new Date(Date.now() - 3600_000))).toEqual([
      ids[1],
    ]);
    expect(await q.getJobState(`push-shipment-${ids[0]}`)).toBe('failed');
    expect(await q.getJobState(`push-shipment-${ids[1]}`)).toBe('waiting');
    // After it: retried in place, with its attempts reset.
    expect(await queues.ensureLive('pushShipment', wanted, everyone, new Date(Date.now() + 1000))).toEqual([ids[0]]);
    const retried = await q.getJob(`push-shipment-${ids[0]}`);
    expect(await retried!.getState()).toBe('waiting');
    expect(retried!.attemptsMade).toBe(0);
    await q.obliterate({ force: true });
  });
});
