// get-orders for every platform kind, against the sandbox, with the real handlers on real BullMQ/Redis and
// PostgreSQL: windows and pages, status changes, a malformed order, a rate-limit burst, a worker killed mid-window.
// Each platform's test file calls importSuite (and shipmentSuite, ./shipment-suite.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformKind } from '@oms/core';
import { REDIS_URL, serviceEnv, waitFor } from '@oms/testing';
import { box, control, createHarness, sorted, visible, type Harness } from './harness';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs get-orders once for every channel of the harness and expects every job to complete. */
export async function importAll(h: Harness, tag: string): Promise<void> {
  const jobs = await Promise.all(h.channels.map((c) => h.getOrders(c.id, `${tag}-${c.store}`)));
  const states = await Promise.all(jobs.map((j) => h.waitDone(j)));
  const failed = await Promise.all(
    jobs.filter((_, i) => states[i] !== 'completed').map(async (j) => (await h.jobResult(j)).failedReason),
  );
  expect(failed).toEqual([]);
}

async function expectSameSets(h: Harness, alsoSeen: Map<string, Set<string>> = new Map()): Promise<void> {
  for (const c of h.channels) {
    const truth = visible(h.kind, await h.truth(c.store)).map((o) => o.externalId);
    const expected = new Set([...truth, ...(alsoSeen.get(c.id) ?? [])]);
    const rows = (await h.dbOrders(c.id)).map((o) => o.externalId);
    expect(rows.length, `no duplicates in channel ${c.store}`).toBe(new Set(rows).size);
    expect(sorted(rows), `orders of ${c.store}`).toEqual(sorted(expected));
  }
}

export function importSuite(kind: PlatformKind, opts: { tokens: boolean; apiVersion?: string; days?: number }) {
  describe(`${kind}${opts.apiVersion ? ` ${opts.apiVersion}` : ''}: get-orders against the sandbox`, () => {
    let h: Harness;
    /** Every order the sandbox held at some point stays in oms_order. */
    const seen = new Map<string, Set<string>>();
    const remember = async () => {
      for (const c of h.channels)
        seen.set(
          c.id,
          new Set([...(seen.get(c.id) ?? []), ...visible(kind, await h.truth(c.store)).map((o) => o.externalId)]),
        );
    };

    beforeAll(async () => {
      h = await createHarness(kind, { apiVersion: opts.apiVersion ?? null, ...(opts.days ? { days: opts.days } : {}) });
      await h.startWorker();
    });
    afterAll(async () => h?.close());

    it('imports every order of every store over several windows and pages, once each', async () => {
      // Orders in every status: shipped, cancelled and returned ones are imported too.
      const statuses = new Set((await h.truth()).map((o) => o.status));
      for (const st of ['paid', 'shipped', 'completed', 'cancelled', 'returned']) expect(statuses, st).toContain(st);
      await remember();
      await importAll(h, 'first');
      await expectSameSets(h, seen);
      const runs = await h.db.syncRun.findMany({ where: { kind: 'get_orders' } });
      expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
      // More than one page per run, and the windows cover more than one platform window.
      expect(Math.max(...runs.map((r) => r.pages))).toBeGreaterThanOrEqual(2);
      const channels = await h.db.channel.findMany();
      for (const ch of channels) {
        expect(ch.cursorCreatedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
        expect(ch.cursorUpdatedAt).not.toBeNull();
        expect(ch).toMatchObject({ stage: 'idle', state: 'active', failureCount: 0, lastError: null });
      }
      const pending = (await h.dbOrders()).filter((o) => o.erpState === 'pending').length;
      expect(pending).toBeGreaterThan(0);
      // One write-order job per pending order (deterministic ids).
      expect(await h.queues.get('erp-orders').getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(pending);
    });

    it('picks up status changes and new orders on the next run without duplicates', async () => {
      const moved = await control<{ moved: { externalId: string }[] }>(h.sandbox, '/_sandbox/orders/transition', {
        platform: kind,
        count: 15,
        to: kind === 'momo' ? 'cancelled' : 'shipped',
      });
      expect(moved.moved.length).toBeGreaterThan(0);
      await control(h.sandbox, '/_sandbox/orders/transition', { platform: kind, count: 5, to: 'cancelled' });
      await control(h.sandbox, '/_sandbox/orders/create', { platform: kind, count: 9 });
      await remember();
      const before = await h.db.syncRun.count();
      await importAll(h, 'second');
      await expectSameSets(h, seen);
      const runs = await h.db.syncRun.findMany({ orderBy: { startedAt: 'asc' }, skip: before });
      expect(runs.reduce((n, r) => n + r.ordersNew, 0)).toBe(9);
      expect(runs.reduce((n, r) => n + r.ordersChanged, 0)).toBeGreaterThanOrEqual(15);
      const truth = new Map((await h.truth()).map((o) => [o.externalId, o.platformStatus]));
      // Orders that failed validation (momo: first seen after they left the unsend list) have no status.
      for (const o of await h.dbOrders())
        if (o.normalized) expect(o.platformStatus, o.externalId).toBe(truth.get(o.externalId));
      if (kind === 'momo') {
        // Imported while unsent, cancelled after: seen as cancelled, with the prices seen before.
        const ids = moved.moved.map((m) => m.externalId);
        const rows = await h.db.order.findMany({ where: { externalId: { in: ids } } });
        expect(rows).toHaveLength(ids.length);
        for (const r of rows) {
          expect(r.status, r.externalId).toBe('cancelled');
          expect(r.invalidReason).toBeNull();
          expect(Number((r.normalized as { total: string }).total)).toBeGreaterThan(0);
        }
      }
    });

    it('blocks a malformed order with a readable reason while the rest import', async () => {
      const victims = visible(kind, await h.truth(h.channels[0]!.store))
        .slice(-2)
        .map((o) => o.externalId);
      await control(h.sandbox, '/_sandbox/orders/corrupt', { platform: kind, externalIds: victims });
      await control(h.sandbox, '/_sandbox/orders/create', { platform: kind, count: 3 });
      await remember();
      await importAll(h, 'corrupt');
      await expectSameSets(h, seen);
      const rows = (await h.dbOrders()).filter((o) => victims.includes(o.externalId));
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r.erpState).toBe('blocked');
        expect(r.normalized).toBeNull();
        expect(r.invalidReason).toMatch(
          new RegExp(`^invalid ${kind} order: \\S*(item|line|price|salePrice|syslast|rows|total|entpGoodsNo)`, 'i'),
        );
      }
    });

    it('waits out a rate-limit burst and loses nothing', async () => {
      await control(h.sandbox, '/_sandbox/orders/create', { platform: kind, count: 6 });
      await remember();
      await control(h.sandbox, '/_sandbox/faults', { system: kind, rateLimitBurst: { count: 3 } });
      const started = Date.now();
      await importAll(h, 'ratelimit');
      await expectSameSets(h, seen);
      const limited = await h.db.syncRun.count({ where: { status: 'rate_limited' } });
      expect(limited).toBeGreaterThan(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    if (opts.tokens) {
      it('recovers when the access token expires mid-run: one refresh, rotated refresh token saved', async () => {
        const c = h.channels[0]!;
        await control(h.sandbox, '/_sandbox/orders/create', { platform: kind, store: c.store, count: 4 });
        await remember();
        // The platform expires it; the database still believes it valid, so the first call is refused.
        await control(h.sandbox, '/_sandbox/tokens/expire', { platform: kind, store: c.store });
        const before = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
        await importAll(h, 'expired');
        await expectSameSets(h, seen);
        const after = await h.db.channel.findUniqueOrThrow({ where: { id: c.id } });
        expect(after.tokenVersion).toBe(before.tokenVersion + 1);
        const creds = await control<any>(h.sandbox, '/_sandbox/credentials');
        const store = creds[kind].stores.find(
          (s: any) => String(s.shop_id ?? s.merchant_id) === c.store || s.shop_domain === c.store,
        );
        expect(box.decrypt(after.refreshTokenEnc!)).toBe(store.refresh_token);
        expect(box.decrypt(after.accessTokenEnc!)).toBe(store.access_token);
      });

      it('puts only the channel whose refresh token is dead in needs_reauth, and does not loop', async () => {
        const dead = h.channels[1]!;
        await control(h.sandbox, '/_sandbox/tokens/revoke', { platform: kind, store: dead.store });
        await control(h.sandbox, '/_sandbox/orders/create', { platform: kind, count: 6 });
        for (const c of h.channels)
          if (c !== dead)
            seen.set(
              c.id,
              new Set([...(seen.get(c.id) ?? []), ...visible(kind, await h.truth(c.store)).map((o) => o.externalId)]),
            );
        await importAll(h, 'revoked');
        const rows = await h.db.channel.findMany();
        for (const r of rows) {
          if (r.id === dead.id) {
            expect(r.state).toBe('needs_reauth');
            expect(r.lastError).toMatch(/needs re-authorization: .*(refresh|grant|invalid)/i);
          } else expect(r.state).toBe('active');
        }
        for (const c of h.channels.filter((x) => x !== dead)) {
          const truth = visible(kind, await h.truth(c.store)).map((o) => o.externalId);
          expect(sorted(new Set((await h.dbOrders(c.id)).map((o) => o.externalId)))).toEqual(
            sorted(new Set([...truth, ...(seen.get(c.id) ?? [])])),
          );
        }
        // Running it again does not call the platform: the channel waits for the seller.
        const again = await h.getOrders(dead.id, 'revoked-again');
        expect(await h.waitDone(again)).toBe('completed');
        expect((await h.jobResult(again)).returnvalue).toMatchObject({ skipped: 'channel is needs_reauth' });
      });
    }
  });

  describe(`${kind}${opts.apiVersion ? ` ${opts.apiVersion}` : ''}: a worker killed mid-window`, () => {
    let h: Harness;
    const children: ChildProcess[] = [];
    beforeAll(async () => {
      h = await createHarness(kind, { apiVersion: opts.apiVersion ?? null, ordersPerStore: 200, seed: 11 });
    });
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await h?.close();
    });

    const startChild = () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(root, `services/worker-${kind}/src/main.ts`)],
        {
          cwd: root,
          env: serviceEnv(
            { databaseUrl: h.database.url, redisUrl: REDIS_URL, queuePrefix: h.prefix },
            {
              LOG_LEVEL: 'warn',
              HEALTH_PORT: '0',
              WORKER_CONCURRENCY: '4',
              WORKER_LOCK_DURATION_MS: '2000',
              SYNC_SETTLE_SECONDS: '0',
              SYNC_OVERLAP_SECONDS: '60',
            },
          ),
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child.stderr!.on('data', (d) => process.env.DEBUG_WORKER && process.stderr.write(d));
      children.push(child);
      return child;
    };

    it('imports everything exactly once after a SIGKILL and a restart', async () => {
      await control(h.sandbox, '/_sandbox/faults', { system: kind, latencyMs: 60 });
      const first = startChild();
      const jobs = await Promise.all(h.channels.map((c) => h.getOrders(c.id, 'kill')));
      // Killed as soon as the first page is committed: the rest of the window is still to come.
      await waitFor(async () => (await h.db.order.count()) > 0, {
        timeoutMs: 30_000,
        intervalMs: 20,
        what: 'some orders imported',
      });
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      const partial = await h.db.order.count();
      await control(h.sandbox, '/_sandbox/faults', undefined, 'DELETE');
      startChild();
      const states = await Promise.all(jobs.map((j) => h.waitDone(j, 60_000)));
      const reasons = await Promise.all(jobs.map(async (j) => (await h.jobResult(j)).failedReason ?? 'completed'));
      expect(reasons).toEqual(jobs.map(() => 'completed'));
      expect(states).toEqual(jobs.map(() => 'completed'));
      await expectSameSets(h);
      expect(await h.db.order.count()).toBeGreaterThan(partial);
      const pending = await h.db.order.count({ where: { erpState: 'pending' } });
      expect(await h.queues.get('erp-orders').getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(pending);
    });
  });
}
