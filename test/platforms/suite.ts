// The same integration suite for every platform, against the sandbox, with the real handlers on real
// BullMQ/Redis and PostgreSQL. Each platform file calls importSuite / shipmentSuite.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformKind } from '@oms/core';
import { REDIS_URL, serviceEnv, waitFor } from '@oms/testing';
import { box, control, createHarness, sorted, visible, type Harness, type Truth } from './harness';
import { loadChannelAccess } from '../../packages/platforms/src/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function importAll(h: Harness, tag: string): Promise<void> {
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

export interface ShipmentCase {
  /** Orders the platform will take a shipment for. */
  eligible: (o: { status: string; delivery: string; cod: boolean; archived: boolean }) => boolean;
  carrier: string;
  badCarrier?: string;
  /** The platform assigns the tracking number for this order (Shopee pickup/dropoff). */
  platformAssigns?: (o: { delivery: string }) => boolean;
  /** The platform refuses shipments of unpaid orders as "not ready": retried until paid. */
  notReadyWhenUnpaid?: boolean;
  /** The logistics channel decides the carrier, not the OMS (Shopee; Shopline integrated delivery). */
  carrierFromPlatform?: boolean | ((o: { delivery: string }) => boolean);
  /** Pick orders of both flows (platform-assigned and not), two each, instead of the first four. */
  bothFlows?: boolean;
  /** Calls to the platform that each count as a confirmation in the sandbox for one pushed shipment. */
  confirmationsPerShipment?: number;
}

export function shipmentSuite(kind: PlatformKind, sc: ShipmentCase, opts: { apiVersion?: string } = {}) {
  describe(`${kind}: push-shipment against the sandbox`, () => {
    let h: Harness;
    let n = 0;
    beforeAll(async () => {
      h = await createHarness(kind, {
        apiVersion: opts.apiVersion ?? null,
        stores: 2,
        ordersPerStore: 60,
        days: 10,
        seed: 21,
      });
      await h.startWorker();
      await importAll(h, 'ship-import');
    });
    afterAll(async () => h?.close());

    const makeShipment = async (
      externalId: string,
      data: { carrier: string | null; trackingNumber?: string | null; erpShipperName?: string },
    ) => {
      const order = await h.db.order.findFirstOrThrow({ where: { externalId } });
      return h.db.shipment.create({
        data: {
          orderId: order.id,
          channelId: order.channelId,
          erpInOutId: 100_000 + ++n,
          erpShipperName: data.erpShipperName ?? 'Shipper',
          carrier: data.carrier,
          trackingNumber:
            data.trackingNumber === undefined
              ? `T${Date.now().toString().slice(-6)}${String(n).padStart(3, '0')}`
              : data.trackingNumber,
          shippedAt: new Date(),
        },
      });
    };
    const push = async (shipmentId: string, tag = '1') => {
      const job = await h.queues.add(
        'pushShipment',
        { shipmentId },
        { platform: kind, options: { jobId: `push-shipment-${shipmentId}-${tag}` } },
      );
      return h.waitDone(job);
    };

    it('pushes carrier and tracking number for exactly the shipped orders, once each, and is idempotent', async () => {
      const truth = await h.truth();
      const eligible = truth.filter((o) => sc.eligible(o as never));
      const assigns = (o: Truth) => sc.platformAssigns?.(o as never) ?? false;
      const picks = sc.bothFlows
        ? [...eligible.filter((o) => !assigns(o)).slice(0, 2), ...eligible.filter(assigns).slice(0, 2)]
        : eligible.slice(0, 4);
      expect(picks.length).toBeGreaterThanOrEqual(2);
      if (sc.bothFlows) expect(picks.filter(assigns)).toHaveLength(2);
      const shipments = await Promise.all(picks.map((o) => makeShipment(o.externalId, { carrier: sc.carrier })));
      for (const s of shipments) expect(await push(s.id)).toBe('completed');
      // Platform-assigned numbers are read back on a later run.
      for (const [i, s] of shipments.entries()) {
        const row = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
        // Where both flows are picked, the platform-assigned one waits for its number; the other does not.
        if (sc.bothFlows)
          expect(row.state, picks[i]!.externalId).toBe(assigns(picks[i]!) ? 'awaiting_tracking' : 'pushed');
        if (row.state === 'awaiting_tracking') expect(await push(s.id, 'recheck')).toBe('completed');
      }
      // A retried job changes nothing.
      for (const s of shipments) expect(await push(s.id, 'again')).toBe('completed');
      const got = (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments;
      const reasons = (await h.db.shipment.findMany({ where: { id: { in: shipments.map((x) => x.id) } } })).map(
        (r) => `${r.state}: ${r.reason ?? ''}`,
      );
      expect(sorted(got.filter((g) => g.confirmations > 0).map((g) => g.orderExternalId)), reasons.join('\n')).toEqual(
        sorted(picks.map((p) => p.externalId)),
      );
      for (const s of shipments) {
        const row = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id }, include: { order: true } });
        const g = got.find((x) => x.orderExternalId === row.order.externalId)!;
        expect(row.state, row.reason ?? '').toBe('pushed');
        expect(g.confirmations).toBe(sc.confirmationsPerShipment ?? 1);
        expect(g.trackingNumber).toBe(row.trackingNumber);
        const pick = picks.find((p) => p.externalId === row.order.externalId)!;
        if (!sc.platformAssigns?.(pick as never)) {
          expect(row.trackingNumber).toBe(s.trackingNumber);
        } else if (sc.bothFlows) {
          // The platform's number, read back from the order, replaced the one the warehouse had.
          expect(row.trackingNumber).not.toBe(s.trackingNumber);
          expect((await h.truth()).find((o) => o.externalId === pick.externalId)).toMatchObject({
            trackingNumber: row.trackingNumber,
          });
        }
        const fromPlatform =
          typeof sc.carrierFromPlatform === 'function' ? sc.carrierFromPlatform(pick as never) : sc.carrierFromPlatform;
        expect(g.carrier).toBe(fromPlatform ? (pick as unknown as { carrier: string }).carrier : sc.carrier);
      }
    });

    it('confirms once when a push is repeated after a worker died between the platform call and the database update', async () => {
      const before = new Set(
        (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments.map(
          (g) => g.orderExternalId,
        ),
      );
      const o = (await h.truth()).find((x) => sc.eligible(x as never) && !before.has(x.externalId))!;
      const s = await makeShipment(o.externalId, { carrier: sc.carrier });
      const order = await h.db.order.findUniqueOrThrow({ where: { id: s.orderId } });
      const { store } = await loadChannelAccess(h.db, box, s.channelId);
      // The first worker got the platform's yes and died before saving it.
      await h.ctx.adapter.pushShipment(store, {
        orderExternalId: order.externalId,
        orderRaw: order.raw,
        carrier: sc.carrier,
        trackingNumber: s.trackingNumber,
        packageNumber: null,
        shippedAt: new Date(),
      });
      expect(await push(s.id, 'after-crash')).toBe('completed');
      const row = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
      if (row.state === 'awaiting_tracking') expect(await push(s.id, 'recheck')).toBe('completed');
      expect((await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } })).state).toBe('pushed');
      const g = (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments.find(
        (x) => x.orderExternalId === o.externalId,
      );
      expect(g.confirmations).toBe(sc.confirmationsPerShipment ?? 1);
    });

    if (sc.badCarrier) {
      it('blocks a refused shipment with the platform message, and pushes it once fixed', async () => {
        const before = new Set(
          (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments.map(
            (g) => g.orderExternalId,
          ),
        );
        const o = (await h.truth()).find((x) => sc.eligible(x as never) && !before.has(x.externalId))!;
        const s = await makeShipment(o.externalId, { carrier: sc.badCarrier! });
        expect(await push(s.id)).toBe('completed');
        const blocked = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
        expect(blocked.state).toBe('blocked');
        expect(blocked.reason).toContain(sc.badCarrier);
        expect(blocked.reason).toMatch(new RegExp(`^${kind} `));
        await h.db.shipment.update({ where: { id: s.id }, data: { carrier: sc.carrier, state: 'pending' } });
        expect(await push(s.id, 'fixed')).toBe('completed');
        expect((await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } })).state).toBe('pushed');
        const g = (
          await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)
        ).shipments.find((x) => x.orderExternalId === o.externalId);
        expect(g).toMatchObject({ confirmations: sc.confirmationsPerShipment ?? 1, carrier: sc.carrier });
        expect(g.attempts).toBeGreaterThanOrEqual(2);
      });
    }

    if (sc.notReadyWhenUnpaid) {
      it('retries a shipment the platform is not ready for, and pushes it once it is', async () => {
        const o = (await h.truth()).find(
          (x) =>
            x.status === 'unpaid' &&
            !(x as unknown as { cod: boolean }).cod &&
            sc.eligible({ ...(x as unknown as { delivery: string; cod: boolean; archived: boolean }), status: 'paid' }),
        )!;
        expect(o).toBeDefined();
        const s = await makeShipment(o.externalId, { carrier: sc.carrier });
        const job = await h.queues.add(
          'pushShipment',
          { shipmentId: s.id },
          { platform: kind, options: { jobId: `push-shipment-${s.id}-notready` } },
        );
        await waitFor(
          async () =>
            (await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } })).reason?.startsWith('not ready yet'),
          { what: 'not ready' },
        );
        expect(['delayed', 'active', 'waiting']).toContain(await h.jobState(job));
        expect(
          (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments.filter(
            (g) => g.orderExternalId === o.externalId && g.confirmations > 0,
          ),
        ).toEqual([]);
        await control(h.sandbox, '/_sandbox/orders/transition', {
          platform: kind,
          externalIds: [o.externalId],
          to: 'paid',
        });
        expect(await h.waitDone(job)).toBe('completed');
        expect(['pushed', 'awaiting_tracking']).toContain(
          (await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } })).state,
        );
      });
    }

    it('blocks a shipment whose shipper has no carrier mapping, naming it, and pushes it once mapped', async () => {
      const before = new Set(
        (await control<{ shipments: any[] }>(h.sandbox, `/_sandbox/shipments?platform=${kind}`)).shipments.map(
          (g) => g.orderExternalId,
        ),
      );
      const o = (await h.truth()).find((x) => sc.eligible(x as never) && !before.has(x.externalId))!;
      const s = await makeShipment(o.externalId, { carrier: null, erpShipperName: 'Speedy Freight' });
      expect(await push(s.id)).toBe('completed');
      const blocked = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
      expect(blocked).toMatchObject({ state: 'blocked' });
      expect(blocked.reason).toContain('"Speedy Freight"');
      await h.db.carrierMapping.create({
        data: { channelId: s.channelId, erpShipperName: 'Speedy Freight', platformCarrier: sc.carrier },
      });
      await h.db.shipment.update({ where: { id: s.id }, data: { state: 'pending' } });
      expect(await push(s.id, 'mapped')).toBe('completed');
      const row = await h.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
      expect(['pushed', 'awaiting_tracking']).toContain(row.state);
      expect(row.carrier).toBe(sc.carrier);
    });
  });
}
