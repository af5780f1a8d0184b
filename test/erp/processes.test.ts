// The erp-writer as real processes (tsx services/erp-writer/src/main.ts): killed between iDempiere's answer and
// the database update, a restarted writer creates no duplicate; two writers at once never overlap their writes.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oms/testing';
import { startKillProxy, startWriterProcess } from './writer-process';
import {
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  producerQueues,
  startErpEnv,
  type ErpEnv,
} from './fixtures';

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

/** Kills the writer the moment iDempiere has answered a batch write: it has committed, the writer records nothing. */
const isBatch = (method: string, pathname: string) => method === 'POST' && pathname.endsWith('/batch');

const inErp = (prefix: string) => env.idempiere.orders().filter((o) => o.poReference?.startsWith(prefix));

describe('erp-writer processes', () => {
  it('killed between POST and the database update, then restarted, writes no duplicate', async () => {
    const proxy = await startKillProxy(env.sandbox.urls.idempiere);
    const db = env.database.db;
    const channel = await createChannel(db);
    const orders = Array.from({ length: 30 }, (_, i) => makeOrder(1000 + i, { prefix: 'KL' }));
    const rows = await insertOrders(db, channel.id, orders);

    const first = await startWriterProcess(env, children, proxy.url);
    proxy.killOn(first.child, isBatch);
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

    await startWriterProcess(env, children, proxy.url);
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
    await Promise.all([startWriterProcess(env, children, url), startWriterProcess(env, children, url)]);
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
