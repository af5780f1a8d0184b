// A writer process SIGKILLed in the middle of updating a changed order (RE alone, then one PUT with the changes
// and CO; docs/idempiere.md, "Batch"): right after the RE committed, and right after the final PUT committed. The
// restarted writer finishes the order: one ERP order, completed, its lines changed in place, nothing twice.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computedTotal, money, type CanonicalOrder } from '@oms/core';
import { waitFor } from '@oms/testing';
import {
  changeOrder,
  createChannel,
  enqueueWrites,
  insertOrders,
  makeOrder,
  producerQueues,
  startErpEnv,
  type ErpEnv,
} from './fixtures';
import { startKillProxy, startWriterProcess, type WriteMatch } from './writer-process';

let env: ErpEnv;
let producer: ReturnType<typeof producerQueues>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  env = await startErpEnv('erpupdproc', { ERP_BATCH_SIZE: '10', ERP_JOB_LOCK_MS: '2000' });
  producer = producerQueues(env);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.close();
  await env?.close();
});

const orderPut =
  (action: string): WriteMatch =>
  (method, pathname, body) =>
    method === 'PUT' && /\/models\/c_order\/\d+$/i.test(pathname) && body.includes(`"doc-action":"${action}"`);

async function killedDuringUpdate(i: number, killAfter: WriteMatch) {
  const db = env.database.db;
  const proxy = await startKillProxy(env.sandbox.urls.idempiere);
  const first = await startWriterProcess(env, children, proxy.url);
  const channel = await createChannel(db);
  const order = makeOrder(i, { prefix: 'KU', lines: 2 });
  const [row] = await insertOrders(db, channel.id, [order]);
  await enqueueWrites(producer.queues, [row!]);
  await waitFor(async () => (await db.order.findUnique({ where: { id: row!.id } }))?.erpState === 'written', {
    timeoutMs: 20_000,
    what: 'order written',
  });
  const before = env.idempiere.orders().find((o) => o.poReference === order.externalNumber)!;
  const changed: CanonicalOrder = {
    ...order,
    lines: [{ ...order.lines[0]!, quantity: order.lines[0]!.quantity + 2 }, ...order.lines.slice(1)],
    updatedAt: '2026-11-22T00:00:00.000Z',
  };
  const total = computedTotal({ ...changed, total: '0' });
  const hash = await changeOrder(db, row!.id, { ...changed, total });
  const mark = env.idempiere.writes().total;
  proxy.killOn(first.child, killAfter);
  await producer.queues.add('writeOrder', { orderId: row!.id, contentHash: hash });
  await waitFor(() => first.child.signalCode !== null, { timeoutMs: 20_000, what: 'writer killed' });
  expect(first.child.signalCode).toBe('SIGKILL');
  const interrupted = env.idempiere.orders().find((o) => o.id === before.id)!;

  const second = await startWriterProcess(env, children, proxy.url);
  await waitFor(async () => (await db.order.findUnique({ where: { id: row!.id } }))?.erpWrittenHash === hash, {
    timeoutMs: 40_000,
    intervalMs: 250,
    what: 'update written after the restart',
  });
  // stopped before the next test, so that only that test's writers take its jobs
  second.child.kill('SIGTERM');
  await waitFor(() => second.child.exitCode !== null || second.child.signalCode !== null, {
    timeoutMs: 15_000,
    what: 'writer stopped',
  });
  await proxy.close();
  const after = env.idempiere.orders().filter((o) => o.poReference === order.externalNumber);
  expect(after).toHaveLength(1);
  expect(after[0]!.id).toBe(before.id);
  expect(after[0]!.docStatus).toBe('CO');
  expect(after[0]!.lines).toHaveLength(before.lines.length);
  expect(money(after[0]!.grandTotal)).toBe(total);
  const writes = env.idempiere
    .writes()
    .writes.slice(mark)
    .map((x) => x.kind);
  return { interrupted, writes };
}

describe('a writer process killed while updating a changed order', () => {
  it('right after the RE committed: the restarted writer finds the order In Progress and completes it', async () => {
    const { interrupted, writes } = await killedDuringUpdate(1101, orderPut('RE'));
    expect(interrupted.docStatus).toBe('IP');
    expect(writes).toEqual(['PUT c_order RE', 'PUT c_order CO']);
  }, 90_000);

  it('right after the final PUT committed: the restarted writer repeats it in place, adding no line', async () => {
    const { interrupted, writes } = await killedDuringUpdate(1102, orderPut('CO'));
    expect(interrupted.docStatus).toBe('CO');
    expect(writes).toEqual(['PUT c_order RE', 'PUT c_order CO', 'PUT c_order RE', 'PUT c_order CO']);
  }, 90_000);
});
