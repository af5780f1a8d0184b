// The logistics suite, run once per platform kind: orders imported from a platform sandbox are written into the
// iDempiere sandbox, shipped there, found by poll-shipments and pushed back by push-shipment; part shipments,
// refusals, missing carrier mappings and a worker killed mid-push. The fixture it runs on is ./fixture.ts.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformKind } from '@oms/core';
import { reconcileShipments } from '@oms/scheduling';
import { waitFor } from '@oms/testing';
import { CARRIERS } from '../e2e/world';
import { control } from '../platforms/harness';
import {
  type TruthOrder,
  type LogisticsCase,
  type Logistics,
  type Shipped,
  carrierFromPlatform,
  SHIPPERS,
  startLogistics,
  importAndWrite,
  truth,
  platformShipments,
  unshipped,
  shipInErp,
  finished,
  pollShipments,
  settle,
  readBackTracking,
  retryShipment,
  expectDelivered,
  trackingNo,
  killWorkerMidPushAndRestart,
} from './fixture';

export function logisticsSuite(kind: PlatformKind, sc: LogisticsCase) {
  describe(`${kind}: shipments in iDempiere go back to the platform`, () => {
    let l: Logistics;
    /** Every order shipped so far with what the platform must hold for it. */
    const delivered: Shipped[] = [];
    const children: ChildProcess[] = [];
    /** The orders of the first test and their platform status before they shipped. */
    let firstShipped: { picks: string[]; before: { externalId: string; platformStatus: string | null }[] } | null =
      null;

    beforeAll(async () => {
      l = await startLogistics(kind);
      await importAndWrite(l, 'import');
    });
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await l?.close();
    });

    /** Ships orders in iDempiere; a platform that assigns numbers gets none from the warehouse. */
    const ship = async (orders: TruthOrder[], shipper?: string): Promise<Shipped[]> => {
      const out: Shipped[] = [];
      for (const [i, order] of orders.entries()) {
        const s = {
          order,
          shipper: shipper ?? SHIPPERS[i % SHIPPERS.length]!,
          trackingNo: sc.platformAssigns?.(order) ? null : trackingNo(kind),
        };
        await shipInErp(l, order.externalId, s.shipper, s.trackingNo);
        out.push(s);
      }
      return out;
    };
    const idsOf = async (shipped: Shipped[]) => {
      const rows = await l.h.db.shipment.findMany({
        where: { order: { externalId: { in: shipped.map((s) => s.order.externalId) } } },
        select: { id: true },
      });
      expect(rows).toHaveLength(shipped.length);
      return rows.map((r) => r.id);
    };

    it('pushes carrier and tracking number for exactly the orders shipped in iDempiere, once each, and writes assigned numbers back', async () => {
      let picks = await unshipped(l, sc);
      // Both kinds of delivery where the platform assigns numbers for some orders and not for others.
      if (sc.platformAssigns)
        picks = [
          ...picks.filter((o) => !sc.platformAssigns!(o)).slice(0, 2),
          ...picks.filter((o) => sc.platformAssigns!(o)).slice(0, 2),
        ];
      else picks = picks.slice(0, 3);
      expect(picks.length).toBeGreaterThanOrEqual(3);
      const before = await l.h.db.order.findMany({
        where: { channelId: l.channelId, externalId: { in: picks.map((p) => p.externalId) } },
        select: { externalId: true, platformStatus: true },
      });
      const shipped = await ship(picks);

      const r1 = await pollShipments(l);
      expect(r1).toMatchObject({ recorded: picks.length, blocked: 0 });
      const ids = await idsOf(shipped);
      await settle(l, ids);
      await readBackTracking(l, ids);
      const assigned = shipped.filter((s) => s.trackingNo === null).length;
      // The next poll writes the numbers the platform assigned into iDempiere's M_InOut.
      const r2 = await pollShipments(l);
      expect(r2).toMatchObject({ recorded: 0, blocked: 0, trackingWritten: assigned });
      delivered.push(...shipped);
      await expectDelivered(l, sc, delivered);

      // Polling, reconciling and a retried job again change nothing on the platform.
      expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 0, released: 0, trackingWritten: 0 });
      expect(
        await reconcileShipments(l.h.db, l.h.queues, new Date(), {
          failedRetrySeconds: 3600,
          trackingRecheckSeconds: 0,
          stuckStageSeconds: 3600,
        }),
      ).toEqual([]);
      const again = await l.h.queues.add(
        'pushShipment',
        { shipmentId: ids[0]! },
        { platform: kind, options: { jobId: `push-shipment-${ids[0]}-again` } },
      );
      expect((await finished(l, again, 'platform')).returnvalue).toMatchObject({ already: true });
      await expectDelivered(l, sc, delivered);

      firstShipped = { picks: picks.map((p) => p.externalId), before };
    });

    it('shows the platform status of the shipped orders after the next sync', async () => {
      expect(firstShipped, 'the first test shipped orders').not.toBeNull();
      const { picks, before } = firstShipped!;
      await importAndWrite(l, 'after-shipping');
      const now = new Map((await truth(l)).map((o) => [o.externalId, o.platformStatus]));
      const after = await l.h.db.order.findMany({
        where: { channelId: l.channelId, externalId: { in: picks } },
        select: { externalId: true, platformStatus: true },
      });
      expect(after).toHaveLength(picks.length);
      for (const o of after) {
        expect(now.get(o.externalId), `platform status of ${o.externalId} moved`).not.toBe(
          before.find((b) => b.externalId === o.externalId)!.platformStatus,
        );
        expect(o.platformStatus, `platform status of ${o.externalId} in oms_order`).toBe(now.get(o.externalId));
      }
    });

    it('pushes each shipment exactly once when the worker is killed mid-push and restarted', async () => {
      const picks = (await unshipped(l, sc)).slice(0, 4);
      expect(picks.length).toBeGreaterThanOrEqual(3);
      await l.h.stopWorker();
      const shipped = await ship(picks);
      expect(await pollShipments(l)).toMatchObject({ recorded: picks.length });
      const ids = await idsOf(shipped);

      // A worker process whose platform calls are slow, killed while pushes are in flight, then restarted.
      await killWorkerMidPushAndRestart(l, ids, children);
      await settle(l, ids);
      await readBackTracking(l, ids);
      expect((await pollShipments(l)).trackingWritten).toBe(shipped.filter((s) => s.trackingNo === null).length);
      delivered.push(...shipped);
      await expectDelivered(l, sc, delivered);
    });

    it('pushes a shipment once after the platform refused it and the fault is gone', async () => {
      const [order] = await unshipped(l, sc);
      expect(order).toBeDefined();
      // The platform answers every call with a server error.
      await control(l.sandbox, '/_sandbox/faults', { system: kind, errorRate: 1 });
      const shipped = await ship([order!]);
      expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
      const [id] = await idsOf(shipped);
      const job = await waitFor(
        async () => {
          const j = await l.h.queue().getJob(`push-shipment-${id}`);
          return j && (await j.getState()) === 'delayed' ? j : null;
        },
        { timeoutMs: 20_000, what: 'push-shipment waiting for its retry' },
      );
      const refused = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
      expect(refused.state).toBe('pending');
      expect(refused.reason).toMatch(/\S/);
      expect(
        (await platformShipments(l)).filter((g) => g.orderExternalId === order!.externalId && g.confirmations > 0),
      ).toEqual([]);

      // Fixed: the retry (promoted rather than waiting out its backoff) pushes it, once.
      await control(l.sandbox, '/_sandbox/faults', undefined, 'DELETE');
      await job.promote();
      await settle(l, [id!]);
      await readBackTracking(l, [id!]);
      // A rate-limit burst on the way changes nothing either: the job waits and goes on.
      await control(l.sandbox, '/_sandbox/faults', { system: kind, rateLimitBurst: { count: 2 } });
      const [next] = await unshipped(l, sc);
      const shipped2 = await ship([next!]);
      expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
      const ids2 = await idsOf(shipped2);
      await settle(l, ids2);
      await readBackTracking(l, ids2);
      await control(l.sandbox, '/_sandbox/faults', undefined, 'DELETE');
      await pollShipments(l);
      delivered.push(...shipped, ...shipped2);
      await expectDelivered(l, sc, delivered);
    });

    if (sc.badCarrier) {
      it('blocks a shipment the platform refuses for its carrier, with the platform message, and pushes it once the mapping is fixed and it is retried', async () => {
        const [order] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
        expect(order).toBeDefined();
        // The operator mis-typed the carrier code of 宅配通 for this store.
        await l.h.db.carrierMapping.update({
          where: { channelId_erpShipperName: { channelId: l.channelId, erpShipperName: '宅配通' } },
          data: { platformCarrier: sc.badCarrier! },
        });
        const shipped = await ship([order!], '宅配通');
        expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
        const [id] = await idsOf(shipped);
        await settle(l, [id!]);
        const blocked = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(blocked.state).toBe('blocked');
        expect(blocked.reason).toContain(sc.badCarrier!);
        expect(blocked.reason).toMatch(new RegExp(`^${kind} `));

        // Fixed in the mapping, then the operator retries the shipment.
        await l.h.db.carrierMapping.update({
          where: { channelId_erpShipperName: { channelId: l.channelId, erpShipperName: '宅配通' } },
          data: { platformCarrier: CARRIERS[kind]!['宅配通']! },
        });
        expect((await retryShipment(l, id!)).status).toBe(202);
        await settle(l, [id!]);
        delivered.push(...shipped);
        await expectDelivered(l, sc, delivered);
        const g = (await platformShipments(l)).find((x) => x.orderExternalId === order!.externalId)!;
        expect(g.attempts).toBeGreaterThanOrEqual(2);
      });
    }

    it('blocks a shipment whose shipper has no carrier mapping, naming the shipper, and pushes it once mapped and retried', async () => {
      const [viaRetry, viaPoll] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
      expect(viaPoll).toBeDefined();
      // UPS (M_Shipper 100) has no mapping on this store.
      const shipped = await ship([viaRetry!, viaPoll!], 'UPS');
      expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 2 });
      const ids = await idsOf(shipped);
      for (const id of ids) {
        const row = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(row).toMatchObject({ state: 'blocked', carrier: null, erpShipperName: 'UPS' });
        expect(row.reason).toContain('"UPS"');
      }
      const idOf = async (s: Shipped) =>
        (await l.h.db.shipment.findFirstOrThrow({ where: { order: { externalId: s.order.externalId } } })).id;
      const a = await idOf(shipped[0]!);
      const b = await idOf(shipped[1]!);
      // A retry before the mapping exists blocks it again, naming the shipper; nothing reaches the platform.
      expect((await retryShipment(l, a)).status).toBe(202);
      await settle(l, [a]);
      const again = await l.h.db.shipment.findUniqueOrThrow({ where: { id: a } });
      expect(again.state).toBe('blocked');
      expect(again.reason).toContain('"UPS"');
      expect(
        (await platformShipments(l)).filter((g) => shipped.some((s) => s.order.externalId === g.orderExternalId)),
      ).toEqual([]);

      // The mapping is added. The operator retries one shipment (the API's retry route); the next poll releases the other.
      const carrier = Object.values(CARRIERS[kind]!)[0]!;
      await l.h.db.carrierMapping.create({
        data: { channelId: l.channelId, erpShipperName: 'UPS', platformCarrier: carrier },
      });
      expect((await retryShipment(l, a)).status).toBe(202);
      await settle(l, [a]);
      expect((await pollShipments(l)).released).toBe(1);
      await settle(l, [a, b]);
      for (const id of [a, b]) {
        const row = await l.h.db.shipment.findUniqueOrThrow({ where: { id } });
        expect(row.state, `shipment ${id}: ${row.reason ?? ''}`).toBe('pushed');
        expect(row.carrier).toBe(carrier);
      }
      const got = await platformShipments(l);
      for (const s of shipped) {
        const g = got.find((x) => x.orderExternalId === s.order.externalId);
        expect(g, `platform shipment of ${s.order.externalId}`).toMatchObject({
          confirmations: sc.confirmationsPerShipment ?? 1,
          trackingNumber: s.trackingNo,
        });
        if (!carrierFromPlatform(sc, s.order)) expect(g!.carrier).toBe(carrier);
      }
    });

    it('releases a shipment the worker blocked for a missing mapping on the poll after the mapping is added', async () => {
      const [order] = await unshipped(l, sc, (o) => !sc.platformAssigns?.(o));
      expect(order).toBeDefined();
      // 全家店到店 (M_Shipper 200005) has no mapping on this store.
      const shipped = await ship([order!], '全家店到店');
      expect(await pollShipments(l)).toMatchObject({ blocked: 1 });
      const [id] = await idsOf(shipped);
      // Retried before the mapping exists: push-shipment runs and blocks it again (its job completes).
      expect((await retryShipment(l, id!)).status).toBe(202);
      await settle(l, [id!]);
      expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id } })).reason).toContain('"全家店到店"');
      await l.h.db.carrierMapping.create({
        data: {
          channelId: l.channelId,
          erpShipperName: '全家店到店',
          platformCarrier: Object.values(CARRIERS[kind]!)[1]!,
        },
      });
      expect((await pollShipments(l)).released).toBe(1);
      // The release enqueues push-shipment; it must actually run, not wait for the reconciler's next sweep.
      await settle(l, [id!], 3_000);
      expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id } })).state).toBe('pushed');
    });
  });
}
