// The handlers beyond get-orders, on Shopee: concurrent refreshes, backfill of a stored window, webhook fetches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { box, control, createHarness, DAY, sorted, type Harness } from './harness';
import { refreshChannelToken } from '@oms/platforms';

describe('platform jobs (shopee sandbox)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('shopee', { stores: 2, ordersPerStore: 80, days: 20, seed: 5 });
    await h.startWorker();
  });
  afterAll(async () => h?.close());

  it('lets exactly one of several concurrent refreshes call the platform (single-use refresh tokens)', async () => {
    const c = h.channels[0]!;
    const before = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        refreshChannelToken(h.ctx, c.id, { force: true, seenVersion: before.tokenVersion }),
      ),
    );
    expect(outcomes.filter((o) => o === 'refreshed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'raced')).toHaveLength(4);
    const after = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ state: 'active', tokenVersion: before.tokenVersion + 1 });
    const store = (await control<any>(h.sandbox, '/_sandbox/credentials')).shopee.stores.find(
      (s: any) => String(s.shop_id) === c.store,
    );
    expect(box.decrypt(after.refreshTokenEnc!)).toBe(store.refresh_token);
    // A refresh-token job on a fresh token leaves it alone.
    const job = await h.queues.add('refreshToken', { channelId: c.id }, { platform: 'shopee' });
    expect(await h.waitDone(job)).toBe('completed');
    expect((await h.jobResult(job)).returnvalue).toEqual({ outcome: 'fresh' });
  });

  it('replays a stored window (backfill) with progress, without moving the cursors', async () => {
    const c = h.channels[1]!;
    const run = await h.db.syncRun.create({
      data: { channelId: c.id, kind: 'backfill', windowFrom: new Date(Date.now() - 21 * DAY), windowTo: new Date() },
    });
    const job = await h.queues.add('backfill', { channelId: c.id, syncRunId: run.id }, { platform: 'shopee' });
    expect(await h.waitDone(job)).toBe('completed');
    const done = await h.db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, ordersNew: 80 });
    expect(done.pages).toBeGreaterThanOrEqual(2);
    expect(sorted((await h.dbOrders(c.id)).map((o) => o.externalId))).toEqual(
      sorted((await h.truth(c.store)).map((o) => o.externalId)),
    );
    expect((await h.db.channel.findUniqueOrThrow({ where: { id: c.id } })).cursorCreatedAt).toBeNull();
  });

  it('shows a channel as failing after repeated failed runs, and active again after a success', async () => {
    const c = h.channels[0]!;
    await control(h.sandbox, '/_sandbox/faults', { system: 'shopee', errorRate: 1 });
    for (let i = 0; i < 3; i++) {
      const job = await h.queues.add(
        'getOrders',
        { channelId: c.id },
        { platform: 'shopee', options: { jobId: `get-orders-${c.id}-fail${i}`, attempts: 1 } },
      );
      expect(await h.waitDone(job)).toBe('failed');
    }
    const failing = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
    expect(failing).toMatchObject({ state: 'failing', failureCount: 3, stage: 'idle' });
    expect(failing.lastError).toContain('error_server');
    expect(await h.db.syncRun.count({ where: { channelId: c.id, status: 'failed' } })).toBe(3);
    await control(h.sandbox, '/_sandbox/faults', undefined, 'DELETE');
    const ok = await h.getOrders(c.id, 'recovered');
    expect(await h.waitDone(ok)).toBe('completed');
    expect(await h.db.channel.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
      state: 'active',
      failureCount: 0,
      lastError: null,
    });
  });

  it('runs one fetch per channel at a time, even when two jobs for it are queued', async () => {
    const c = h.channels[1]!;
    await control(h.sandbox, '/_sandbox/faults', { system: 'shopee', latencyMs: 30 });
    const before = await h.db.syncRun.count({ where: { channelId: c.id, kind: 'get_orders' } });
    const jobs = await Promise.all([h.getOrders(c.id, 'twin-a'), h.getOrders(c.id, 'twin-b')]);
    expect(await Promise.all(jobs.map((j) => h.waitDone(j)))).toEqual(['completed', 'completed']);
    await control(h.sandbox, '/_sandbox/faults', undefined, 'DELETE');
    const runs = await h.db.syncRun.findMany({
      where: { channelId: c.id, kind: 'get_orders' },
      orderBy: { startedAt: 'asc' },
      skip: before,
    });
    expect(runs).toHaveLength(2);
    expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
  });

  it('fetches one order a webhook named and stores its change', async () => {
    const c = h.channels[1]!;
    const target = (await h.truth(c.store)).find((o) => o.status === 'paid')!;
    await control(h.sandbox, '/_sandbox/orders/transition', {
      platform: 'shopee',
      externalIds: [target.externalId],
      to: 'cancelled',
    });
    const job = await h.queues.add(
      'fetchOrder',
      { channelId: c.id, externalId: target.externalId },
      { platform: 'shopee' },
    );
    expect(await h.waitDone(job)).toBe('completed');
    const row = await h.db.order.findFirstOrThrow({ where: { channelId: c.id, externalId: target.externalId } });
    expect(row).toMatchObject({ platformStatus: 'CANCELLED', status: 'cancelled' });
    const missing = await h.queues.add(
      'fetchOrder',
      { channelId: c.id, externalId: 'NOPE123' },
      { platform: 'shopee' },
    );
    expect(await h.waitDone(missing)).toBe('completed');
    expect((await h.jobResult(missing)).returnvalue).toEqual({ found: false });
  });
});
