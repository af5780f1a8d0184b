// The Job Schedulers follow oms_channel: through the sweep, and within seconds through change events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedisPrefix, waitFor, type TestDatabase } from '@oms/testing';
import { publishChannelChanged } from '@oms/scheduling';
import { createChannel, createPlatform, capturedLogger } from './factory';
import { allSchedules, makeInstance, pendingJobs, type Instance } from './helpers';

let database: TestDatabase;
let redis: Awaited<ReturnType<typeof createTestRedisPrefix>>;
const instances: Instance[] = [];

beforeAll(async () => {
  database = await createTestDatabase('sched');
  redis = await createTestRedisPrefix('sched');
});
afterAll(async () => {
  for (const i of instances) await i.close();
  await redis?.drop();
  await database?.drop();
});

function instance(opts: Parameters<typeof makeInstance>[3] = {}) {
  const i = makeInstance(database.db, redis.url, redis.prefix, opts);
  instances.push(i);
  return i;
}

const byId = async (i: Instance, channelId: string) =>
  (await allSchedules(i.queues)).filter((s) => s.id.endsWith(channelId));

describe('schedules through the sweep', () => {
  it('follow adding, pausing, resuming, a new interval, needs_reauth and deletion', async () => {
    const { scheduler } = instance();
    const a = instance();
    const shopee = await createPlatform(database.db, { kind: 'shopee' });
    const momo = await createPlatform(database.db, { kind: 'momo' });
    const c = await createChannel(database.db, shopee.id, { syncIntervalSeconds: 300 });
    const m = await createChannel(database.db, momo.id, { syncIntervalSeconds: 10 });

    await scheduler.sweep();
    expect(await byId(a, c.id)).toEqual([
      {
        queue: 'platform-shopee',
        id: `get-orders-${c.id}`,
        name: 'get-orders',
        every: 300_000,
        data: { channelId: c.id },
      },
      {
        queue: 'platform-shopee',
        id: `refresh-token-${c.id}`,
        name: 'refresh-token',
        every: 600_000,
        data: { channelId: c.id },
      },
    ]);
    // momo: no token refresh; the interval's lower bound applies.
    expect(await byId(a, m.id)).toEqual([
      {
        queue: 'platform-momo',
        id: `get-orders-${m.id}`,
        name: 'get-orders',
        every: 60_000,
        data: { channelId: m.id },
      },
    ]);
    // A new scheduler's first job is queued at once: the channel is fetched right after it is added.
    expect(
      (await pendingJobs(a.queues, 'platform-shopee'))
        .filter((j) => j.data.channelId === c.id)
        .map((j) => j.name)
        .sort(),
    ).toEqual(['get-orders', 'refresh-token']);

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'paused' } });
    expect((await scheduler.sweep())!.schedules.removed.sort()).toEqual([
      `get-orders-${c.id}`,
      `refresh-token-${c.id}`,
    ]);
    expect(await byId(a, c.id)).toEqual([]);
    // Removing a scheduler also removes its next job, delayed or already due: a paused channel is not fetched again.
    expect((await pendingJobs(a.queues, 'platform-shopee')).filter((j) => j.data.channelId === c.id)).toEqual([]);

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'active', syncIntervalSeconds: 120 } });
    expect((await scheduler.sweep())!.schedules.added.sort()).toEqual([`get-orders-${c.id}`, `refresh-token-${c.id}`]);
    expect((await byId(a, c.id)).map((s) => s.every)).toEqual([120_000, 600_000]);

    await database.db.channel.update({ where: { id: c.id }, data: { syncIntervalSeconds: 900 } });
    expect((await scheduler.sweep())!.schedules).toEqual({ added: [], updated: [`get-orders-${c.id}`], removed: [] });
    expect((await byId(a, c.id)).map((s) => s.every)).toEqual([900_000, 600_000]);

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'needs_reauth' } });
    await scheduler.sweep();
    expect(await byId(a, c.id)).toEqual([]);

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'failing' } });
    await scheduler.sweep();
    expect(await byId(a, c.id)).toHaveLength(2);

    await database.db.channel.update({ where: { id: m.id }, data: { deletedAt: new Date() } });
    expect((await scheduler.sweep())!.schedules.removed).toEqual([`get-orders-${m.id}`]);
    expect(await byId(a, m.id)).toEqual([]);

    // Nothing changed: nothing to do.
    expect((await scheduler.sweep())!.schedules).toEqual({ added: [], updated: [], removed: [] });
  });

  it('removes schedules of channels that no longer exist, and leaves schedulers that are not ours', async () => {
    const { scheduler, queues } = instance();
    const ghost = '0f0f0f0f-0000-4000-8000-000000000001';
    await queues
      .get('platform-cyberbiz')
      .upsertJobScheduler(`get-orders-${ghost}`, { every: 60_000 }, { name: 'get-orders', data: { channelId: ghost } });
    await queues
      .get('platform-cyberbiz')
      .upsertJobScheduler('someone-elses', { every: 60_000 }, { name: 'fetch-order', data: {} });
    const changes = await scheduler.sweep();
    expect(changes!.schedules.removed).toEqual([`get-orders-${ghost}`]);
    expect((await allSchedules(queues)).map((s) => s.id)).toContain('someone-elses');
    await queues.get('platform-cyberbiz').removeJobScheduler('someone-elses');
  });

  it('logs what a sweep changed, and nothing when nothing changed', async () => {
    const captured = capturedLogger();
    const { scheduler } = instance({ log: captured.log });
    const p = await createPlatform(database.db, { kind: 'cyberbiz', apiVersion: 'v1' });
    const c = await createChannel(database.db, p.id);
    await scheduler.sweep();
    const first = captured.lines();
    expect(first).toHaveLength(1);
    expect(first[0]!.msg).toMatch(/^sweep: \d+ schedules added/);
    expect(first[0]!.schedulesAdded).toContain(`get-orders-${c.id}`);
    expect(JSON.stringify(first)).not.toContain('not-a-real-token');

    captured.clear();
    await scheduler.sweep();
    await scheduler.sweep();
    expect(captured.lines()).toEqual([]);

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'paused' } });
    await scheduler.sweep();
    expect(captured.lines().map((l) => [l.msg, l.schedulesRemoved])).toEqual([
      ['sweep: 1 schedules removed', [`get-orders-${c.id}`]],
    ]);
  });
});

describe('schedules through change events', () => {
  it('reflect a change within seconds, without a sweep', async () => {
    const { scheduler, queues } = instance();
    await scheduler.start(); // its sweep runs once now, then every 10 minutes: only events act during the test
    await waitFor(() => scheduler.lastSweepAt, { what: 'first sweep' });
    const p = await createPlatform(database.db, { kind: 'shopline' });
    const c = await createChannel(database.db, p.id, { accessTokenExpiresAt: null, syncIntervalSeconds: 180 });

    await publishChannelChanged(queues, c.id);
    await waitFor(async () => (await byId(instances[0]!, c.id)).length === 1, {
      timeoutMs: 3_000,
      what: 'scheduler added',
    });
    expect((await byId(instances[0]!, c.id))[0]).toMatchObject({ queue: 'platform-shopline', every: 180_000 });

    await database.db.channel.update({ where: { id: c.id }, data: { syncIntervalSeconds: 240 } });
    await publishChannelChanged(queues, c.id);
    await waitFor(async () => (await byId(instances[0]!, c.id))[0]?.every === 240_000, {
      timeoutMs: 3_000,
      what: 'interval changed',
    });

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'paused' } });
    await publishChannelChanged(queues, c.id);
    await waitFor(async () => (await byId(instances[0]!, c.id)).length === 0, {
      timeoutMs: 3_000,
      what: 'scheduler removed',
    });

    await database.db.channel.update({ where: { id: c.id }, data: { state: 'active', deletedAt: new Date() } });
    await publishChannelChanged(queues, c.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(await byId(instances[0]!, c.id)).toEqual([]);
    await scheduler.stop();
  });

  it('refuses an event that is not a channel id', async () => {
    const { queues } = instance();
    await expect(publishChannelChanged(queues, 'nope')).rejects.toThrow(/uuid/);
  });
});

describe('two schedulers side by side', () => {
  it('produce the same schedules and no duplicate jobs', async () => {
    const a = instance({ useLock: false });
    const b = instance({ useLock: false });
    const p = await createPlatform(database.db, { kind: 'shopee' });
    const channels = await Promise.all(Array.from({ length: 6 }, () => createChannel(database.db, p.id)));
    // Without the lock both really run the same work at the same time.
    for (let round = 0; round < 3; round++) await Promise.all([a.scheduler.sweep(), b.scheduler.sweep()]);
    await Promise.all(channels.map((c) => publishChannelChanged(a.queues, c.id)));
    await Promise.all(channels.map((c) => Promise.all([a.scheduler.syncChannel(c.id), b.scheduler.syncChannel(c.id)])));

    const seenByA = await allSchedules(a.queues);
    expect(await allSchedules(b.queues)).toEqual(seenByA);
    for (const c of channels) expect(seenByA.filter((s) => s.id.endsWith(c.id))).toHaveLength(2);

    // Exactly one job per scheduler and channel waits to run.
    const jobs = (await pendingJobs(a.queues, 'platform-shopee')).filter((j) =>
      channels.some((c) => c.id === j.data.channelId),
    );
    const perKey = new Map<string, number>();
    for (const j of jobs)
      perKey.set(`${j.name}:${j.data.channelId}`, (perKey.get(`${j.name}:${j.data.channelId}`) ?? 0) + 1);
    expect(perKey.size).toBe(channels.length * 2);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
  });

  it('with the lock, only one of two concurrent sweeps runs', async () => {
    const a = instance();
    const b = instance();
    const results = await Promise.all([a.scheduler.sweep(), b.scheduler.sweep()]);
    expect(results.filter((r) => r === null)).toHaveLength(1);
  });
});
