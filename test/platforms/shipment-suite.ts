// push-shipment for every platform kind, against the sandbox, with the real handlers on real BullMQ/Redis and
// PostgreSQL: carrier and tracking once each, a worker dying between the platform call and the database update,
// refusals, and a shipper with no carrier mapping. Each platform's test file calls shipmentSuite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformKind } from '@oms/core';
import { waitFor } from '@oms/testing';
import { box, control, createHarness, sorted, type Harness, type Truth } from './harness';
import { importAll } from './import-suite';
import { loadChannelAccess } from '@oms/platforms';

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
