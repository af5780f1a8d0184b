// Shopee, split packages: an order the seller split into packages is shipped in iDempiere as one
// M_InOut per package; each M_InOut is matched to its package by the products it carries and pushed with the
// package's package_number, so every package ends arranged on Shopee once, with its own tracking number.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARRIERS } from '../e2e/world';
import { control } from '../platforms/harness';
import {
  erpShipmentOf,
  importAndWrite,
  killWorkerMidPushAndRestart,
  platformShipments,
  pollShipments,
  readBackTracking,
  retryShipment,
  settle,
  shipInErp,
  startLogistics,
  trackingNo,
  truth,
  type Logistics,
  type TruthOrder,
} from './fixture';

describe('shopee: split packages and part shipments', () => {
  let l: Logistics;
  const children: ChildProcess[] = [];
  /** Orders this file has used, so that each test takes fresh ones. */
  const used = new Set<string>();

  beforeAll(async () => {
    l = await startLogistics('shopee', { orders: 40 });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await l?.close();
  });

  /** Unshipped orders of two lines or more, of the given delivery kinds, not used before. */
  const pick = async (
    n: number,
    delivery: (o: TruthOrder) => boolean,
    filter: (o: TruthOrder) => boolean = () => true,
  ): Promise<TruthOrder[]> => {
    const picks = (await truth(l))
      .filter((o) => !used.has(o.externalId) && o.status === 'paid' && o.lines.length >= 2 && delivery(o) && filter(o))
      .slice(0, n);
    expect(picks).toHaveLength(n);
    for (const o of picks) used.add(o.externalId);
    return picks;
  };
  const split = async (o: TruthOrder) =>
    (
      await control<{ split: TruthOrder[] }>(l.sandbox, '/_sandbox/shopee/split', {
        externalIds: [o.externalId],
        packages: 2,
      })
    ).split[0]!;
  const byId = async (externalId: string) => (await truth(l)).find((o) => o.externalId === externalId)!;
  const skusOf = (o: TruthOrder, lineIds: string[]) =>
    o.lines.filter((x) => lineIds.includes(x.id)).map((x) => ({ product: x.sku }));
  const rowsOf = async (externalId: string) =>
    l.h.db.shipment.findMany({
      where: { channelId: l.channelId, order: { externalId } },
      orderBy: { erpInOutId: 'asc' },
    });

  /** Ships each package of a split order as its own M_InOut, the last package first; returns what was shipped per package. */
  const shipPackages = async (o: TruthOrder) => {
    const shipped: { packageNumber: string; inOutId: number; shipper: string; trackingNo: string | null }[] = [];
    for (const [i, pk] of [...o.packages!].reverse().entries()) {
      const shipper = i % 2 === 0 ? '新竹物流' : '黑貓宅急便';
      const number = o.delivery === 'non_integrated' ? trackingNo('shopee') : null;
      shipped.push({
        packageNumber: pk.packageNumber,
        inOutId: await shipInErp(l, o.externalId, shipper, number, skusOf(o, pk.lineIds)),
        shipper,
        trackingNo: number,
      });
    }
    return shipped;
  };

  /** Every package of the order is shipped on Shopee once, with the number on its oms_shipment and its M_InOut. */
  const expectPackagesDelivered = async (o: TruthOrder, shipped: Awaited<ReturnType<typeof shipPackages>>) => {
    const now = await byId(o.externalId);
    const got = (await platformShipments(l)).filter((g) => g.orderExternalId === o.externalId);
    const rows = await rowsOf(o.externalId);
    const why = rows.map((r) => `${r.erpDocumentNo} ${r.state} ${r.packageNumber}: ${r.reason ?? ''}`).join('\n');
    expect(
      got
        .filter((g) => g.confirmations > 0)
        .map((g) => g.packageNumber)
        .sort(),
      why,
    ).toEqual(o.packages!.map((p) => p.packageNumber).sort());
    const inOuts = await erpShipmentOf(l, o.externalId);
    for (const s of shipped) {
      const row = rows.find((r) => r.erpInOutId === s.inOutId)!;
      expect(row.state, `${row.erpDocumentNo}: ${row.reason ?? ''}`).toBe('pushed');
      expect(row.packageNumber, `package of M_InOut ${s.inOutId}`).toBe(s.packageNumber);
      expect(row.carrier).toBe(CARRIERS.shopee![s.shipper]);
      const g = got.find((x) => x.packageNumber === s.packageNumber)!;
      expect(g.confirmations, `confirmations of package ${s.packageNumber}`).toBe(1);
      // Shopee's logistics channel names the carrier of every package.
      expect(g.carrier).toBe(o.carrier);
      if (s.trackingNo) expect(row.trackingNumber).toBe(s.trackingNo);
      else expect(row.trackingNumber).toMatch(/\S/);
      expect(g.trackingNumber).toBe(row.trackingNumber);
      expect(now.packages!.find((p) => p.packageNumber === s.packageNumber)).toMatchObject({
        arranged: true,
        trackingNumber: row.trackingNumber,
      });
      expect(inOuts.find((x) => x.id === s.inOutId)!.trackingNo, `M_InOut.TrackingNo of ${s.inOutId}`).toBe(
        row.trackingNumber,
      );
    }
    // The tracking numbers of the packages differ: each package is its own parcel.
    expect(new Set(rows.map((r) => r.trackingNumber)).size).toBe(rows.length);
    expect(now.platformStatus, 'the order moves on once every package is arranged').toBe('PROCESSED');
  };

  it('pushes each package of a split order with its own tracking number, once each, across a worker killed mid-push', async () => {
    // Split by the seller before the OMS imports them: one order whose seller ships with own numbers, one Shopee picks up.
    const orders = [
      ...(await pick(1, (o) => o.delivery === 'non_integrated')),
      ...(await pick(1, (o) => o.delivery === 'pickup')),
    ];
    const splitOrders = await Promise.all(orders.map(split));
    await importAndWrite(l, 'import');
    await l.h.stopWorker();
    const shipped = new Map<string, Awaited<ReturnType<typeof shipPackages>>>();
    for (const o of splitOrders) shipped.set(o.externalId, await shipPackages(o));

    expect(await pollShipments(l)).toMatchObject({ recorded: 4, blocked: 0 });
    const ids = (
      await l.h.db.shipment.findMany({
        where: { order: { externalId: { in: orders.map((o) => o.externalId) } } },
        select: { id: true },
      })
    ).map((r) => r.id);
    expect(ids).toHaveLength(4);
    // Each shipment knows the order lines it carries.
    for (const r of await l.h.db.shipment.findMany({ where: { id: { in: ids } } }))
      expect((r.items as { lineId: string | null }[]).every((i) => i.lineId !== null)).toBe(true);

    await killWorkerMidPushAndRestart(l, ids, children);
    await settle(l, ids);
    await readBackTracking(l, ids);
    expect((await pollShipments(l)).trackingWritten).toBe(2); // the two pickup packages got Shopee's numbers
    for (const o of splitOrders) await expectPackagesDelivered(o, shipped.get(o.externalId)!);

    // Polling again, and a retried job, change nothing on Shopee.
    expect(await pollShipments(l)).toMatchObject({ recorded: 0, blocked: 0, released: 0, trackingWritten: 0 });
    for (const o of splitOrders) await expectPackagesDelivered(o, shipped.get(o.externalId)!);
  });

  it('plans with the current packages when the seller split the order after the OMS imported it', async () => {
    const [order] = await pick(1, (o) => o.delivery === 'non_integrated');
    await importAndWrite(l, 'before-split');
    const splitOrder = await split(order!);
    // The OMS's stored order still has one package: the push reads the current one.
    const stored = await l.h.db.order.findFirstOrThrow({
      where: { channelId: l.channelId, externalId: order!.externalId },
    });
    expect((stored.raw as { package_list: unknown[] }).package_list).toHaveLength(1);
    const shipped = await shipPackages(splitOrder);
    expect(await pollShipments(l)).toMatchObject({ recorded: 2 });
    const ids = (await rowsOf(order!.externalId)).map((r) => r.id);
    await settle(l, ids);
    await expectPackagesDelivered(splitOrder, shipped);
  });

  it('blocks a shipment that carries items of two packages, naming them, and pushes nothing', async () => {
    const [order] = await pick(1, (o) => o.delivery === 'non_integrated');
    const splitOrder = await split(order!);
    await importAndWrite(l, 'spread');
    // The warehouse packs everything into one M_InOut.
    await shipInErp(l, order!.externalId, '新竹物流', trackingNo('shopee'));
    expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
    const [row] = await rowsOf(order!.externalId);
    await settle(l, [row!.id]);
    const blocked = await l.h.db.shipment.findUniqueOrThrow({ where: { id: row!.id } });
    expect(blocked.state).toBe('blocked');
    for (const p of splitOrder.packages!) expect(blocked.reason).toContain(p.packageNumber);
    expect(blocked.reason).toContain('ship each package as its own shipment in iDempiere');
    expect(
      (await platformShipments(l)).filter((g) => g.orderExternalId === order!.externalId && g.confirmations > 0),
    ).toEqual([]);
  });

  it('pushes the first of two part shipments of an order of one package and records the second as not pushed', async () => {
    const [order] = await pick(1, (o) => o.delivery === 'non_integrated');
    await importAndWrite(l, 'part');
    const [first, ...rest] = order!.lines;
    const t1 = trackingNo('shopee');
    const t2 = trackingNo('shopee');
    const io1 = await shipInErp(l, order!.externalId, '新竹物流', t1, [{ product: first!.sku }]);
    expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
    await settle(
      l,
      (await rowsOf(order!.externalId)).map((r) => r.id),
    );
    // The rest ships later, with another number.
    const io2 = await shipInErp(
      l,
      order!.externalId,
      '新竹物流',
      t2,
      rest.map((x) => ({ product: x.sku })),
    );
    expect(await pollShipments(l)).toMatchObject({ recorded: 1 });
    const rows = await rowsOf(order!.externalId);
    await settle(
      l,
      rows.map((r) => r.id),
    );
    const [r1, r2] = await rowsOf(order!.externalId);
    expect([r1!.erpInOutId, r2!.erpInOutId]).toEqual([io1, io2]);
    expect(r1).toMatchObject({ state: 'pushed', trackingNumber: t1 });
    expect(r2).toMatchObject({ state: 'not_pushed', trackingNumber: t2 });
    expect(r2!.reason).toContain('one tracking number per package');
    expect(r2!.reason).toContain(r1!.erpDocumentNo!);
    // An operator's retry decides the same: still one shipment on Shopee, with the first number.
    expect((await retryShipment(l, r2!.id)).status).toBe(202);
    await settle(l, [r2!.id]);
    expect((await l.h.db.shipment.findUniqueOrThrow({ where: { id: r2!.id } })).state).toBe('not_pushed');
    const got = (await platformShipments(l)).filter((g) => g.orderExternalId === order!.externalId);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ confirmations: 1, trackingNumber: t1 });
  });
});
