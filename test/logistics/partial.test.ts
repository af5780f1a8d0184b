// Part shipments: the warehouse ships part of an order now (one M_InOut) and the rest later (another
// M_InOut of the same C_Order). Platforms that take several shipments per order get one push per shipment for
// the lines it carries (Cyberbiz fulfillments with line_item_ids, momo rows with their own slipNo); SHOPLINE
// holds one tracking number per order: the first shipment is pushed, the later one is recorded as not_pushed
// with a reason naming the first. Shopee's packages are in shopee-packages.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformKind } from '@oms/core';
import { CARRIERS } from '../e2e/world';
import {
  erpShipmentOf,
  importAndWrite,
  platformShipments,
  pollShipments,
  retryShipment,
  settle,
  shipInErp,
  startLogistics,
  trackingNo,
  truth,
  type Logistics,
  type TruthOrder,
} from './fixture';

interface Case {
  kind: PlatformKind;
  /** Orders whose shipments the warehouse supplies numbers for (no platform-assigned numbers here). */
  eligible: (o: TruthOrder) => boolean;
  /** true: each shipment is its own push; false: one tracking number per order. */
  perShipment: boolean;
}

const CASES: Case[] = [
  { kind: 'cyberbiz', eligible: (o) => o.status === 'paid', perShipment: true },
  { kind: 'momo', eligible: (o) => o.status === 'paid', perShipment: true },
  {
    kind: 'shopline',
    eligible: (o) => o.status === 'paid' && o.delivery === 'custom' && !o.archived,
    perShipment: false,
  },
];

for (const c of CASES) {
  describe(`${c.kind}: part shipments`, () => {
    let l: Logistics;
    const used = new Set<string>();
    beforeAll(async () => {
      l = await startLogistics(c.kind, { orders: 20 });
      await importAndWrite(l, 'import');
    });
    afterAll(async () => {
      await l?.close();
    });

    const pick = async (): Promise<TruthOrder> => {
      const o = (await truth(l)).find((x) => !used.has(x.externalId) && x.lines.length >= 3 && c.eligible(x));
      expect(o, 'an order of three lines or more').toBeDefined();
      used.add(o!.externalId);
      return o!;
    };
    const rowsOf = async (externalId: string) =>
      l.h.db.shipment.findMany({
        where: { channelId: l.channelId, order: { externalId } },
        orderBy: { erpInOutId: 'asc' },
      });
    const shippedOnPlatform = async (externalId: string) =>
      (await platformShipments(l)).filter((g) => g.orderExternalId === externalId && g.confirmations > 0);

    it(
      c.perShipment
        ? 'pushes each part shipment once, with its own lines, carrier and tracking number'
        : 'pushes the first part shipment and records the later one as not pushed, naming the first',
      async () => {
        const order = await pick();
        const [first, ...rest] = order.lines;
        const t1 = trackingNo(c.kind);
        const t2 = trackingNo(c.kind);
        // The first part now...
        const io1 = await shipInErp(l, order.externalId, '黑貓宅急便', t1, [{ product: first!.sku }]);
        expect(await pollShipments(l)).toMatchObject({ recorded: 1, blocked: 0 });
        await settle(
          l,
          (await rowsOf(order.externalId)).map((r) => r.id),
        );
        const between = (await truth(l)).find((o) => o.externalId === order.externalId)!;
        // Line platforms know part is still in the warehouse; SHOPLINE's one delivery is shipped with the first part.
        if (c.perShipment)
          expect(between.status, 'the order is not shipped while part of it is still in the warehouse').not.toBe(
            'shipped',
          );
        else expect(between.status).toBe('shipped');
        // ...the rest later, with another carrier and number.
        const io2 = await shipInErp(
          l,
          order.externalId,
          '新竹物流',
          t2,
          rest.map((x) => ({ product: x.sku })),
        );
        expect(await pollShipments(l)).toMatchObject({ recorded: 1, blocked: 0 });
        const ids = (await rowsOf(order.externalId)).map((r) => r.id);
        await settle(l, ids);
        const [r1, r2] = await rowsOf(order.externalId);
        expect([r1!.erpInOutId, r2!.erpInOutId]).toEqual([io1, io2]);
        expect((r1!.items as { lineId: string }[]).map((i) => i.lineId)).toEqual([first!.id]);
        expect((r2!.items as { lineId: string }[]).map((i) => i.lineId).sort()).toEqual(rest.map((x) => x.id).sort());
        const got = await shippedOnPlatform(order.externalId);
        const inOuts = await erpShipmentOf(l, order.externalId);
        expect(inOuts.map((x) => x.trackingNo)).toEqual([t1, t2]);

        if (c.perShipment) {
          expect(r1, r1!.reason ?? '').toMatchObject({
            state: 'pushed',
            trackingNumber: t1,
            carrier: CARRIERS[c.kind]!['黑貓宅急便'],
          });
          expect(r2, r2!.reason ?? '').toMatchObject({
            state: 'pushed',
            trackingNumber: t2,
            carrier: CARRIERS[c.kind]!['新竹物流'],
          });
          expect(got).toHaveLength(2);
          const g1 = got.find((g) => g.trackingNumber === t1)!;
          const g2 = got.find((g) => g.trackingNumber === t2)!;
          expect(g1).toMatchObject({
            confirmations: 1,
            carrier: CARRIERS[c.kind]!['黑貓宅急便'],
            lineIds: [first!.id],
          });
          expect(g2).toMatchObject({ confirmations: 1, carrier: CARRIERS[c.kind]!['新竹物流'] });
          expect([...g2.lineIds!].sort()).toEqual(rest.map((x) => x.id).sort());
          const after = (await truth(l)).find((o) => o.externalId === order.externalId)!;
          expect(after.status, 'shipped once every line went').toBe('shipped');
        } else {
          expect(r1, r1!.reason ?? '').toMatchObject({ state: 'pushed', trackingNumber: t1 });
          expect(r2).toMatchObject({ state: 'not_pushed', trackingNumber: t2 });
          expect(r2!.reason).toContain('one tracking number per order');
          expect(r2!.reason).toContain(r1!.erpDocumentNo!);
          expect(got).toHaveLength(1);
          expect(got[0]).toMatchObject({
            confirmations: 1,
            trackingNumber: t1,
            carrier: CARRIERS[c.kind]!['黑貓宅急便'],
          });
          // An operator's retry of the later one decides the same and sends nothing.
          expect((await retryShipment(l, r2!.id)).status).toBe(202);
          await settle(l, [r2!.id]);
          expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id: r2!.id } })).state).toBe('not_pushed');
          expect(await shippedOnPlatform(order.externalId)).toEqual(got);
        }
      },
    );

    it(
      c.perShipment
        ? 'pushes two part shipments recorded by the same poll, once each'
        : 'pushes the earlier of two part shipments recorded by the same poll',
      async () => {
        const order = await pick();
        const [first, ...rest] = order.lines;
        const t1 = trackingNo(c.kind);
        const t2 = trackingNo(c.kind);
        await shipInErp(l, order.externalId, '黑貓宅急便', t1, [{ product: first!.sku }]);
        await shipInErp(
          l,
          order.externalId,
          '新竹物流',
          t2,
          rest.map((x) => ({ product: x.sku })),
        );
        expect(await pollShipments(l)).toMatchObject({ recorded: 2, blocked: 0 });
        await settle(
          l,
          (await rowsOf(order.externalId)).map((r) => r.id),
        );
        const [r1, r2] = await rowsOf(order.externalId);
        const got = await shippedOnPlatform(order.externalId);
        expect(r1, r1!.reason ?? '').toMatchObject({ state: 'pushed', trackingNumber: t1 });
        if (c.perShipment) {
          expect(r2, r2!.reason ?? '').toMatchObject({ state: 'pushed', trackingNumber: t2 });
          expect(got.map((g) => [g.trackingNumber, g.confirmations]).sort()).toEqual(
            [
              [t1, 1],
              [t2, 1],
            ].sort(),
          );
        } else {
          expect(r2!.state).toBe('not_pushed');
          expect(got.map((g) => [g.trackingNumber, g.confirmations])).toEqual([[t1, 1]]);
        }
        // Polling again changes nothing.
        expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 0, released: 0 });
      },
    );
  });
}
