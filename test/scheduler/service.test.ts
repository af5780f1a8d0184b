// Two real scheduler processes (services/scheduler) side by side on one database and one Redis prefix:
// the schedules follow the table through events and sweeps, with no duplicate jobs and no duplicate log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestRedisPrefix,
  freePort,
  serviceEnv,
  waitFor,
  type TestDatabase,
} from '@oms/testing';
import { publishChannelChanged } from '@oms/scheduling';
import { createChannel, createOrder, createPlatform } from './factory';
import { allSchedules, makeInstance, pendingJobs, type Instance } from './helpers';

const root = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let redis: Awaited<ReturnType<typeof createTestRedisPrefix>>;
let observer: Instance;
const children: { child: ChildProcess; output: () => string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase('schedsvc');
  redis = await createTestRedisPrefix('schedsvc');
  observer = makeInstance(database.db, redis.url, redis.prefix);
});
afterAll(async () => {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  await observer?.close();
  await redis?.drop();
  await database?.drop();
});

async function startScheduler(sweepMs: number) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/scheduler/src/main.ts')], {
    cwd: root,
    env: serviceEnv(
      { databaseUrl: database.url, redisUrl: redis.url, queuePrefix: redis.prefix },
      { HEALTH_PORT: String(port), SCHEDULER_SWEEP_MS: String(sweepMs), SHUTDOWN_TIMEOUT_MS: '5000' },
    ),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const entry = { child, output: () => output };
  children.push(entry);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`scheduler exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200;
    },
    { timeoutMs: 30_000, what: 'scheduler ready' },
  );
  return entry;
}

const logLines = () =>
  children.flatMap(({ output }) =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; [k: string]: unknown }),
  );

describe('two scheduler processes', () => {
  it('keep one set of schedules and jobs, follow events within seconds, and log each change once', async () => {
    const p = await createPlatform(database.db, { kind: 'shopee' });
    const first = await Promise.all([createChannel(database.db, p.id), createChannel(database.db, p.id)]);
    const order = await createOrder(database.db, first[0]!.id);

    // A long sweep interval: after the first sweep, only events can make the later changes appear in time.
    await Promise.all([startScheduler(600_000), startScheduler(600_000)]);
    await waitFor(async () => (await allSchedules(observer.queues)).length === 4, {
      timeoutMs: 10_000,
      what: 'first schedules',
    });
    await waitFor(async () => (await pendingJobs(observer.queues, 'erp-orders')).length === 1, { what: 'order job' });

    const added = await createChannel(database.db, p.id, { syncIntervalSeconds: 90 });
    await publishChannelChanged(observer.queues, added.id);
    await waitFor(
      async () => (await allSchedules(observer.queues)).filter((s) => s.id.endsWith(added.id)).length === 2,
      { timeoutMs: 5_000, what: 'event applied' },
    );

    await database.db.channel.update({ where: { id: first[1]!.id }, data: { state: 'paused' } });
    await publishChannelChanged(observer.queues, first[1]!.id);
    await waitFor(
      async () => (await allSchedules(observer.queues)).filter((s) => s.id.endsWith(first[1]!.id)).length === 0,
      { timeoutMs: 5_000, what: 'pause applied' },
    );
    await new Promise((r) => setTimeout(r, 300)); // let the second replica finish the same event

    const schedules = await allSchedules(observer.queues);
    expect(schedules.map((s) => s.id).sort()).toEqual(
      [first[0]!.id, added.id].flatMap((id) => [`get-orders-${id}`, `refresh-token-${id}`]).sort(),
    );
    const platformJobs = await pendingJobs(observer.queues, 'platform-shopee');
    const keys = platformJobs.map((j) => `${j.name}:${j.data.channelId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [first[0]!.id, added.id].flatMap((id) => [`get-orders:${id}`, `refresh-token:${id}`]).sort(),
    );
    expect((await pendingJobs(observer.queues, 'erp-orders')).map((j) => j.data.orderId)).toEqual([order.id]);

    // Each change was logged by one process only.
    const lines = logLines();
    expect(lines.filter((l) => l.msg.startsWith('sweep:'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === `channel ${added.id} changed: 2 schedules added`)).toHaveLength(1);
    expect(lines.filter((l) => l.msg === `channel ${first[1]!.id} changed: 2 schedules removed`)).toHaveLength(1);

    for (const { child } of children) child.kill('SIGTERM');
    const codes = await Promise.all(
      children.map(
        ({ child }) => new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r))),
      ),
    );
    expect(codes).toEqual([0, 0]);
  });
});
