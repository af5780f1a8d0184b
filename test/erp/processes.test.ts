// The erp-writer as real processes (tsx services/erp-writer/src/main.ts): killed between iDempiere's answer and
// the database update, a restarted writer creates no duplicate; two writers at once never overlap their writes.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@oms/testing';
import {
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  producerQueues,
  startErpEnv,
  type ErpEnv,
} from './fixtures';

const root = path.resolve(import.meta.dirname, '../..');
let env: ErpEnv;
let producer: ReturnType<typeof producerQueues>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  env = await startErpEnv('erpproc', { ERP_BATCH_SIZE: '10', ERP_JOB_LOCK_MS: '2000' });
  producer = producerQueues(env);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.close();
  await env?.close();
});

async function startWriterProcess(idempiereUrl: string): Promise<{ child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/erp-writer/src/main.ts')], {
    cwd: root,
    env: { ...process.env, ...env.env, IDEMPIERE_URL: idempiereUrl, HEALTH_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`writer exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'erp-writer ready' },
  );
  return { child, output: () => output };
}

/** A pass-through proxy to iDempiere that can kill a process the moment iDempiere has answered a batch write. */
async function startProxy(target: string) {
  let victim: ChildProcess | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url!, target);
      const upstream = await fetch(url, {
        method: req.method,
        headers: { ...(req.headers as Record<string, string>), host: url.host },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      }).catch(() => null);
      if (!upstream) return res.destroy();
      const body = Buffer.from(await upstream.arrayBuffer());
      if (victim && req.method === 'POST' && url.pathname.endsWith('/batch')) {
        // iDempiere has committed the batch; the writer dies before it can record the answer.
        victim.kill('SIGKILL');
        victim = null;
        return res.destroy();
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    killOnNextBatch(child: ChildProcess) {
      victim = child;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const inErp = (prefix: string) => env.idempiere.orders().filter((o) => o.poReference?.startsWith(prefix));

describe('erp-writer processes', () => {
  it('killed between POST and the database update, then restarted, writes no duplicate', async () => {
    const proxy = await startProxy(env.sandbox.urls.idempiere);
    const db = env.database.db;
    const channel = await createChannel(db);
    const orders = Array.from({ length: 30 }, (_, i) => makeOrder(1000 + i, { prefix: 'KL' }));
    const rows = await insertOrders(db, channel.id, orders);

    const first = await startWriterProcess(proxy.url);
    proxy.killOnNextBatch(first.child);
    await enqueueWrites(producer.queues, rows);
    await waitFor(() => first.child.exitCode !== null || first.child.signalCode !== null, {
      timeoutMs: 20_000,
      what: 'first writer killed',
    });
    expect(first.child.signalCode).toBe('SIGKILL');
    // iDempiere has the first batch; the database still says `writing` for it (and for the next batch, which was
    // prepared while the first was in flight and never sent).
    const committed = inErp('KL');
    expect(committed.length).toBeGreaterThan(0);
    const writing = await db.order.findMany({ where: { channelId: channel.id, erpState: 'writing' } });
    expect(writing.length).toBeGreaterThanOrEqual(committed.length);
    expect(writing.every((r) => r.erpOrderId === null)).toBe(true);
    for (const o of committed) expect(writing.some((r) => r.erpReference === o.poReference)).toBe(true);

    await startWriterProcess(proxy.url);
    await waitFor(
      async () => (await db.order.count({ where: { channelId: channel.id, erpState: 'written' } })) === rows.length,
      {
        timeoutMs: 40_000,
        intervalMs: 250,
        what: 'all orders written after the restart',
      },
    );
    const after = inErp('KL');
    expect(after).toHaveLength(orders.length);
    expect(new Set(after.map((o) => o.poReference)).size).toBe(orders.length);
    // The interrupted ones were found by POReference, not created again.
    const found = await db.erpCall.findMany({
      where: { orderId: { in: writing.map((r) => r.id) }, action: 'lookup', documentNo: { not: null } },
    });
    expect(new Set(found.map((c) => c.orderId)).size).toBe(committed.length);
    const saved = await db.order.findMany({ where: { channelId: channel.id } });
    for (const r of saved) expect(after.find((o) => o.id === r.erpOrderId)?.poReference).toBe(r.erpReference);
    await proxy.close();
  });

  it('two writer processes running together never overlap their writes', async () => {
    const db = env.database.db;
    const channel = await createChannel(db);
    const orders = Array.from({ length: 120 }, (_, i) => makeOrder(2000 + i, { prefix: 'TW', buyers: 40 }));
    const rows = await insertOrders(db, channel.id, orders);
    const url = `${env.sandbox.urls.idempiere}/api/v1`;
    await Promise.all([startWriterProcess(url), startWriterProcess(url)]);
    // Latency and processing time make overlaps likely if the writers did not serialize.
    env.idempiere.setFaults({ latencyMs: 5, processingMsPerOrder: 2 });
    const writesBefore = env.idempiere.writes();
    await enqueueWrites(producer.queues, rows);
    await waitFor(
      async () => (await db.order.count({ where: { channelId: channel.id, erpState: 'written' } })) === rows.length,
      {
        timeoutMs: 40_000,
        intervalMs: 250,
        what: 'all orders written by two writers',
      },
    );
    env.idempiere.clearFaults();
    const writes = env.idempiere.writes();
    expect(writes.overlappingWrites - writesBefore.overlappingWrites).toBe(0);
    const mine = writes.writes.slice(writesBefore.writes.length);
    for (let i = 1; i < mine.length; i++) expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end - 1);
    const written = inErp('TW');
    expect(written).toHaveLength(orders.length);
    expect(new Set(written.map((o) => o.poReference)).size).toBe(orders.length);
  });
});
