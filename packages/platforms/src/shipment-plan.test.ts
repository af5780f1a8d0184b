import { describe, expect, it } from 'vitest';
import type { ShipmentItem, ShipmentOfOrder } from './adapter';
import { planByLines, planOnePerOrder, planPackages } from './shipment-plan';
import { shopeePackages } from './adapters/shopee/shipments';

const item = (lineId: string | null, quantity = 1, product = lineId ?? 'GIFT'): ShipmentItem => ({
  lineId,
  sku: lineId,
  product,
  quantity,
});
const shipment = (label: string, items: ShipmentItem[] | null): ShipmentOfOrder => ({ id: label, label, items });

describe('planOnePerOrder (SHOPLINE; a Shopee order of one package)', () => {
  it('pushes the first shipment and records later ones, naming the first', () => {
    const plans = planOnePerOrder(
      [shipment('IO-1', [item('a')]), shipment('IO-2', [item('b')])],
      'SHOPLINE takes one tracking number per order',
      'PKG',
    );
    expect(plans[0]).toEqual({ action: 'push', packageNumber: 'PKG', lineIds: null });
    expect(plans[1]).toMatchObject({ action: 'not_pushed' });
    expect((plans[1] as { reason: string }).reason).toMatch(/SHOPLINE takes one tracking number per order.*IO-1.*IO-2/);
  });
});

describe('planByLines (Cyberbiz fulfillments, momo rows)', () => {
  const lines = ['l1', 'l2', 'l3'];

  it('gives each shipment the lines it carries first', () => {
    const plans = planByLines(
      lines,
      [shipment('IO-1', [item('l1'), item('l2')]), shipment('IO-2', [item('l3')])],
      'Cyberbiz',
    );
    expect(plans).toEqual([
      { action: 'push', packageNumber: null, lineIds: ['l1', 'l2'] },
      { action: 'push', packageNumber: null, lineIds: ['l3'] },
    ]);
  });

  it('confirms a line once: the rest of a line shipped later adds only the lines not taken yet', () => {
    const plans = planByLines(
      lines,
      [shipment('IO-1', [item('l1', 1)]), shipment('IO-2', [item('l1', 2), item('l2')])],
      'momo',
    );
    expect(plans[1]).toEqual({ action: 'push', packageNumber: null, lineIds: ['l2'] });
  });

  it('records a shipment that carries only lines taken earlier, naming that shipment', () => {
    const plans = planByLines(
      lines,
      [shipment('IO-1', [item('l1', 1)]), shipment('IO-2', [item('l1', 1)])],
      'Cyberbiz',
    );
    expect(plans[1]).toMatchObject({ action: 'not_pushed' });
    expect((plans[1] as { reason: string }).reason).toContain('IO-1');
  });

  it('blocks a shipment that carries no product of the platform order, naming what it carries', () => {
    const plans = planByLines(lines, [shipment('IO-1', [item(null, 1, 'X-99')])], 'momo');
    expect(plans[0]).toMatchObject({ action: 'block' });
    expect((plans[0] as { reason: string }).reason).toContain('"X-99"');
  });

  it('ignores products beside the order lines (a gift added in iDempiere) when it carries order lines', () => {
    expect(planByLines(lines, [shipment('IO-1', [item('l1'), item(null, 1, 'GIFT')])], 'Cyberbiz')[0]).toEqual({
      action: 'push',
      packageNumber: null,
      lineIds: ['l1'],
    });
  });

  it('takes a shipment without item list (recorded before items were read) as the rest of the order', () => {
    const plans = planByLines(lines, [shipment('IO-1', [item('l1')]), shipment('IO-2', null)], 'Cyberbiz');
    expect(plans[1]).toEqual({ action: 'push', packageNumber: null, lineIds: ['l2', 'l3'] });
  });
});

describe('planPackages (Shopee split orders)', () => {
  const packages = [
    { packageNumber: 'P1', lineIds: ['a', 'b'] },
    { packageNumber: 'P2', lineIds: ['c'] },
  ];

  it('maps each shipment to the package holding its items, whatever order they come in', () => {
    const plans = planPackages(
      packages,
      [shipment('IO-1', [item('c')]), shipment('IO-2', [item('a'), item('b')])],
      'Shopee order X',
    );
    expect(plans).toEqual([
      { action: 'push', packageNumber: 'P2', lineIds: null },
      { action: 'push', packageNumber: 'P1', lineIds: null },
    ]);
  });

  it('takes a package for a shipment of part of its items; the rest of that package is recorded, not pushed', () => {
    const plans = planPackages(
      packages,
      [shipment('IO-1', [item('a')]), shipment('IO-2', [item('b')])],
      'Shopee order X',
    );
    expect(plans[0]).toEqual({ action: 'push', packageNumber: 'P1', lineIds: null });
    expect(plans[1]).toMatchObject({ action: 'not_pushed' });
    expect((plans[1] as { reason: string }).reason).toMatch(
      /one tracking number per package: package P1 went with iDempiere shipment IO-1/,
    );
  });

  it('blocks a shipment whose items are spread over two packages, naming both', () => {
    const [plan] = planPackages(packages, [shipment('IO-1', [item('a'), item('c')])], 'Shopee order X');
    expect(plan).toMatchObject({ action: 'block' });
    expect((plan as { reason: string }).reason).toMatch(
      /spread over packages P1 and P2; ship each package as its own shipment/,
    );
  });

  it('blocks a shipment with a product that is on no line of the order, naming it', () => {
    const [plan] = planPackages(packages, [shipment('IO-1', [item('a'), item(null, 1, 'X-1')])], 'Shopee order X');
    expect((plan as { reason: string }).reason).toContain('"X-1"');
  });

  it("prefers the package with exactly the shipment's items, else the first free one of equal packages", () => {
    const same = [
      { packageNumber: 'P1', lineIds: ['a', 'b'] },
      { packageNumber: 'P2', lineIds: ['a'] },
      { packageNumber: 'P3', lineIds: ['a'] },
    ];
    const plans = planPackages(
      same,
      [shipment('IO-1', [item('a')]), shipment('IO-2', [item('a')]), shipment('IO-3', [item('a')])],
      'o',
    );
    expect(plans.map((p) => (p.action === 'push' ? p.packageNumber : p.action))).toEqual(['P2', 'P3', 'P1']);
  });

  it('reads package_list with the same line ids as the order lines (order_item_id[:model_id])', () => {
    expect(
      shopeePackages({
        package_list: [
          {
            package_number: 'P1',
            item_list: [
              { item_id: 1, model_id: 0, order_item_id: 11 },
              { item_id: 2, model_id: 22, order_item_id: 12 },
            ],
          },
          { package_number: 'P2', item_list: [{ item_id: 3, model_id: 0, order_item_id: 13 }] },
        ],
      }),
    ).toEqual([
      { packageNumber: 'P1', lineIds: ['11', '12:22'] },
      { packageNumber: 'P2', lineIds: ['13'] },
    ]);
  });
});
