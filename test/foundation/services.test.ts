// Every service starts, reports ready, and exits within its deadline on SIGTERM: each as it runs in its container,
// its bundle dist/<name>/main.mjs (built here first) with the node flags of scripts/services.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestRedisPrefix, serviceEnv, waitFor, type TestDatabase } from '@oms/testing';
import { buildAll } from '../../scripts/build.mjs';
import { bundlePath, nodeFlags } from '../../scripts/services.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const services = readdirSync(path.join(root, 'services')).sort();
const SHUTDOWN_TIMEOUT_MS = 5_000;

let database: TestDatabase;
let redis: Awaited<ReturnType<typeof createTestRedisPrefix>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await buildAll(services);
  database = await createTestDatabase('services');
  redis = await createTestRedisPrefix('services');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await redis.drop();
  await database.drop();
});

/**
 * A port below the kernel's ephemeral range (32768+), free now, with the next five free too (the sandbox uses
 * six): ports that other tests' listen(0) calls cannot be handed in between.
 */
async function quietPort(): Promise<number> {
  for (;;) {
    const base = 10_000 + Math.floor(Math.random() * 2_000) * 10;
    const free = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => isFree(base + i)));
    if (free.every(Boolean)) return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function start(service: string) {
  const port = await quietPort();
  const sandboxBase = await quietPort();
  const env = serviceEnv(
    { databaseUrl: database.url, redisUrl: redis.url, queuePrefix: redis.prefix },
    {
      HEALTH_PORT: String(port),
      API_PORT: String(port),
      SANDBOX_PORT: String(service === 'sandbox' ? port : sandboxBase),
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
  );
  const child = spawn(process.execPath, [...nodeFlags(service), path.join(root, bundlePath(service))], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return { child, port, output: () => output };
}

describe.each(services)('service %s', (service) => {
  it('starts, reports ready, and exits within its deadline on SIGTERM', async () => {
    const { child, port, output } = await start(service);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}: ${output()}`);
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: 45_000, intervalMs: 250, what: `${service} ready` },
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${output()}`);
    });
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);

    const sent = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const took = Date.now() - sent;
    expect(code, output()).toBe(0);
    expect(took).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2_000);
  });
});
