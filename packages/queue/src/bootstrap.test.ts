import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@oms/logger';
import { createTestRedisPrefix, freePort, waitFor } from '@oms/testing';
import { checkHandlers, handle, runService } from './bootstrap';
import { createRedis } from './connection';
import { QUEUE_NAMES, jobsForQueue } from './jobs';
import { Queues } from './producer';

const quiet = createLogger({
  service: 'test',
  level: 'silent',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const noop = async () => undefined;

describe('checkHandlers', () => {
  const erpHandlers = () => [handle('writeOrder', noop), handle('pollShipments', noop)];

  it('accepts exactly one handler per job of the queue', () => {
    expect(() => checkHandlers([{ queue: QUEUE_NAMES.erp, handlers: erpHandlers() }])).not.toThrow();
  });

  it('refuses a job with no handler', () => {
    expect(() => checkHandlers([{ queue: QUEUE_NAMES.erp, handlers: [handle('writeOrder', noop)] }])).toThrow(
      /job "poll-shipments" has no handler/,
    );
  });

  it('refuses a job with two handlers', () => {
    expect(() =>
      checkHandlers([{ queue: QUEUE_NAMES.erp, handlers: [...erpHandlers(), handle('writeOrder', noop)] }]),
    ).toThrow(/job "write-order" has 2 handlers/);
  });

  it('refuses a handler for a job the queue does not carry', () => {
    expect(() =>
      checkHandlers([{ queue: QUEUE_NAMES.erp, handlers: [...erpHandlers(), handle('getOrders', noop)] }]),
    ).toThrow(/handler for "get-orders", which this queue does not carry/);
  });

  it('every platform queue carries the same platform jobs', () => {
    const names = (q: (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES]) =>
      jobsForQueue(q)
        .map((j) => j.name)
        .sort();
    expect(names(QUEUE_NAMES.shopee)).toEqual([
      'backfill',
      'fetch-order',
      'get-orders',
      'push-shipment',
      'refresh-token',
    ]);
    expect(names(QUEUE_NAMES.momo)).toEqual(names(QUEUE_NAMES.shopee));
  });
});

describe('runService', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('routes jobs by definition, fails bad payloads without retrying, and reports ready', async () => {
    const redis = await createTestRedisPrefix('boot');
    cleanups.push(redis.drop);
    const seen: string[] = [];
    const service = await runService({
      name: 'test-erp',
      log: quiet,
      redisUrl: redis.url,
      queuePrefix: redis.prefix,
      healthPort: await freePort(),
      shutdownTimeoutMs: 5_000,
      exitProcess: false,
      consumers: [
        {
          queue: QUEUE_NAMES.erp,
          concurrency: 1,
          globalConcurrency: 1,
          handlers: [
            handle('writeOrder', async ({ payload }) => {
              seen.push(payload.orderId);
            }),
            handle('pollShipments', noop),
          ],
        },
      ],
    });
    cleanups.push(() => service.stop());
    const ready = await fetch(`http://127.0.0.1:${service.health!.port}/health/ready`);
    expect(ready.status).toBe(200);

    const connection = createRedis(redis.url, 'producer');
    const queues = new Queues(connection, redis.prefix);
    cleanups.push(async () => {
      await queues.close();
      connection.disconnect();
    });
    const orderId = '7d3f6c1e-8a52-4c1b-9a51-3f1f0e6a2b10';
    const job = await queues.add('writeOrder', { orderId, contentHash: 'abcdef0123456789' });
    expect(job.id).toBe(`write-order-${orderId}-abcdef0123456789`);
    // The same work added again while live is the same job.
    const again = await queues.add('writeOrder', { orderId, contentHash: 'abcdef0123456789' });
    expect(again.id).toBe(job.id);
    await waitFor(() => seen.length === 1, { what: 'job handled' });

    const erp = queues.get(QUEUE_NAMES.erp);
    expect(await erp.getGlobalConcurrency()).toBe(1);
    const bad = await erp.add('write-order', { orderId: 'not-a-uuid' }, { attempts: 5 });
    await waitFor(async () => (await bad.getState()) === 'failed', { what: 'bad payload failed' });
    const failed = await erp.getJob(bad.id!);
    expect(failed!.failedReason).toMatch(/invalid write-order payload: orderId/);
    expect(failed!.attemptsMade).toBe(1);
    expect(seen).toHaveLength(1);

    await service.stop();
    const after = await fetch(`http://127.0.0.1:${service.health!.port}/health/ready`).catch(() => null);
    expect(after).toBeNull();
  });
});

describe('runService with an HTTP server of its own', () => {
  it('serves no health port, starts the server last, stops it first and the closers last', async () => {
    const order: string[] = [];
    const service = await runService({
      name: 'test-http',
      log: quiet,
      shutdownTimeoutMs: 5_000,
      exitProcess: false,
      background: [
        { name: 'loop', start: () => void order.push('loop start'), stop: () => void order.push('loop stop') },
      ],
      http: {
        name: 'http',
        start: async () => void order.push('http start'),
        stop: async () => void order.push('http stop'),
      },
      closers: [async () => order.push('closer')],
    });
    expect(service.health).toBeUndefined();
    await service.stop();
    expect(order).toEqual(['loop start', 'http start', 'http stop', 'loop stop', 'closer']);
  });

  it('a part that fails to stop still closes the rest, and stop rejects', async () => {
    const closed: string[] = [];
    const service = await runService({
      name: 'test-http',
      log: quiet,
      shutdownTimeoutMs: 5_000,
      exitProcess: false,
      http: {
        name: 'http',
        start: noop,
        stop: () => Promise.reject(new Error('stuck socket')),
      },
      closers: [async () => closed.push('db')],
    });
    await expect(service.stop()).rejects.toThrow('stuck socket');
    expect(closed).toEqual(['db']);
  });
});

describe('a service process', () => {
  /** Runs a service with one background part in a child process, then `then` (JavaScript) once it started. */
  function runChild(then: string, extra = '') {
    const script = `Promise.all([import('./src/bootstrap.ts'), import('@oms/logger')]).then(async ([b, l]) => {
      const log = l.createLogger({ service: 'child', level: 'info' });
      await b.runService({
        name: 'child',
        log,
        healthPort: 0,
        shutdownTimeoutMs: 500,
        background: [{ name: 'part', start: () => {}, stop: () => log.info('part stopped') }],
        ${extra}
      });
      ${then}
    });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const started = Date.now();
    return new Promise<{ code: number | null; lines: { msg?: string; err?: { message?: string } }[]; ms: number }>(
      (resolve) =>
        child.once('exit', (code) =>
          resolve({
            code,
            ms: Date.now() - started,
            lines: out
              .split('\n')
              .filter((l) => l.startsWith('{'))
              .map((l) => JSON.parse(l) as { msg?: string }),
          }),
        ),
    );
  }

  it('an uncaught exception is logged, the parts are stopped, and the process exits 1', async () => {
    const { code, lines } = await runChild("setTimeout(() => { throw new Error('boom'); }, 10);");
    expect(code).toBe(1);
    const fatal = lines.find((l) => l.msg === 'uncaught exception');
    expect(fatal?.err?.message).toBe('boom');
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['part stopped', 'stopped']));
  });

  it('an unhandled rejection is logged, the parts are stopped, and the process exits 1', async () => {
    const { code, lines } = await runChild("void Promise.reject(new Error('lost'));");
    expect(code).toBe(1);
    const fatal = lines.find((l) => l.msg === 'unhandled rejection');
    expect(fatal?.err?.message).toBe('lost');
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['part stopped', 'stopped']));
  });

  it('SIGTERM stops the parts and exits 0', async () => {
    const { code, lines } = await runChild("process.kill(process.pid, 'SIGTERM');");
    expect(code).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['part stopped', 'stopped']));
  });

  it('a shutdown that never finishes ends in exit 1 soon after the deadline', async () => {
    const { code, lines, ms } = await runChild(
      "process.kill(process.pid, 'SIGTERM');",
      'closers: [() => new Promise(() => setInterval(() => {}, 1000))],',
    );
    expect(code).toBe(1);
    expect(lines.map((l) => l.msg)).toContain('shutdown did not finish after its deadline: exiting now');
    expect(ms).toBeLessThan(10_000);
  });
});
