import { describe, expect, it } from 'vitest';
import { add, computedTotal, money, times, type CanonicalOrder } from '@oms/core';
import {
  buyerKey,
  channelTag,
  customerBody,
  customerValue,
  lineAmounts,
  mapOrder,
  MappingError,
  poReference,
  UnknownSkuError,
  type ChannelMapping,
} from './mapping';

const channel: ChannelMapping = {
  id: '5f0c3a52-8a51-4a4e-9a52-0d1e2f3a4b5c',
  name: 'Tea shop',
  erpOrgId: 11,
  erpWarehouseId: 103,
  erpDocTypeId: 132,
  erpPriceListId: 101,
  erpPaymentTermId: 105,
  erpDefaultCustomerId: 118,
  erpCustomerGroupId: 103,
  erpShippingChargeId: 200000,
  erpDiscountChargeId: 200001,
  customerMode: 'per_buyer',
  skuMatch: 'value',
  allowCreateProducts: false,
  erpCreateOn: [],
  completeInErp: true,
};
const settings = { poReferenceLength: 20, timeZone: 'Asia/Taipei', defaultOrgId: 11, defaultWarehouseId: 103 };
const products = new Map([
  ['TW-1001', 200001],
  ['TW-1002', 200002],
]);

function order(over: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return {
    platform: 'shopee',
    externalId: '2611270001ABCD',
    externalNumber: '2611270001ABCD',
    status: 'paid',
    platformStatus: 'READY_TO_SHIP',
    createdAt: '2026-11-26T17:30:00.000Z', // 01:30 on the 27th in Taipei
    updatedAt: '2026-11-26T17:31:00.000Z',
    paidAt: '2026-11-26T17:31:00.000Z',
    currency: 'TWD',
    buyer: { id: 'u-77', name: '王小明', email: 'ming@example.com', phone: '0912345678' },
    recipient: {
      name: '王*明',
      phone: '******678',
      address1: '台北市信義區****',
      address2: null,
      district: '信義區',
      city: '台北市',
      state: null,
      postalCode: '110',
      country: 'TW',
    },
    lines: [
      { lineId: 'l1', sku: 'TW-1001', name: '有機綠茶', quantity: 3, unitPrice: '100.00', discount: '10.00' },
      { lineId: 'l2', sku: 'TW-1002', name: '烏龍茶', quantity: 1, unitPrice: '250.00', discount: '0.00' },
    ],
    shippingFee: '60.00',
    orderDiscount: '25.50',
    total: '574.50',
    paymentMethod: 'card',
    cod: false,
    note: null,
    ...over,
  };
}

const lineSum = (lines: Record<string, unknown>[]) =>
  add(...lines.map((l) => times(money(l.PriceActual as number), l.QtyOrdered as number)));

describe('lineAmounts', () => {
  it('is exact to the cent for every quantity and discount, with whole-cent prices', () => {
    for (let qty = 1; qty <= 13; qty++) {
      for (const discount of ['0.00', '0.01', '0.99', '10.00', '33.33', '99.90']) {
        const parts = lineAmounts(qty, '99.90', discount);
        expect(parts.length).toBeLessThanOrEqual(2);
        expect(parts.reduce((n, p) => n + p.qty, 0)).toBe(qty);
        for (const p of parts) expect(p.price).toMatch(/^\d+\.\d{2}$/);
        const sum = add(...parts.map((p) => times(p.price, p.qty)));
        expect(sum).toBe(money(Number((99.9 * qty - Number(discount)).toFixed(2))));
      }
    }
  });

  it('refuses a discount larger than the line', () => {
    expect(() => lineAmounts(1, '10.00', '10.01')).toThrow(MappingError);
  });
});

describe('mapOrder', () => {
  it('maps header, lines, shipping and discount charges; totals match the platform to the cent', () => {
    const o = order();
    const m = mapOrder(channel, o, { bpartnerId: 500, locationId: 600 }, products, settings);
    const b = m.body;
    expect(b).toMatchObject({
      AD_Org_ID: 11,
      IsSOTrx: true,
      C_DocTypeTarget_ID: 132,
      M_Warehouse_ID: 103,
      M_PriceList_ID: 101,
      C_PaymentTerm_ID: 105,
      C_BPartner_ID: 500,
      C_BPartner_Location_ID: 600,
      POReference: '2611270001ABCD',
      DateOrdered: '2026-11-27',
      PaymentRule: 'K',
      'doc-action': 'CO',
    });
    expect(String(b.Description)).toContain(channelTag(channel.id));
    const lines = b.C_OrderLine as Record<string, unknown>[];
    // 3 x 100 - 10 = 290 is not divisible by 3 in cents: 96.66 x 1 + 96.67 x 2
    expect(
      lines.filter((l) => l.M_Product_ID === 200001).map((l) => [l.QtyOrdered, l.PriceActual, l.PriceList]),
    ).toEqual([
      [1, 96.66, 100],
      [2, 96.67, 100],
    ]);
    for (const l of lines) {
      expect(l.QtyEntered).toBe(l.QtyOrdered);
      expect(l.PriceEntered).toBe(l.PriceActual);
    }
    expect(lines.find((l) => l.C_Charge_ID === 200000)).toMatchObject({ PriceActual: 60, QtyOrdered: 1 });
    expect(lines.find((l) => l.C_Charge_ID === 200001)).toMatchObject({ PriceActual: -25.5, QtyOrdered: 1 });
    expect(lineSum(lines)).toBe(computedTotal(o));
    expect(m.total).toBe('574.50');
    expect(m.total).toBe(o.total);
  });

  it('blocks an unknown SKU and names it', () => {
    const o = order({
      lines: [
        ...order().lines,
        { lineId: 'l3', sku: 'NOPE-1', name: 'x', quantity: 1, unitPrice: '1.00', discount: '0.00' },
      ],
      total: '575.50',
    });
    expect(() => mapOrder(channel, o, { bpartnerId: 1 }, products, settings)).toThrow(UnknownSkuError);
    expect(() => mapOrder(channel, o, { bpartnerId: 1 }, products, settings)).toThrow(/"NOPE-1".*M_Product with Value/);
  });

  it('blocks a platform total that the lines do not make', () => {
    expect(() => mapOrder(channel, order({ total: '600.00' }), { bpartnerId: 1 }, products, settings)).toThrow(
      /platform total 600.00 differs/,
    );
  });

  it('blocks a shipping fee without a shipping charge, and a line without SKU', () => {
    expect(() =>
      mapOrder({ ...channel, erpShippingChargeId: null }, order(), { bpartnerId: 1 }, products, settings),
    ).toThrow(/erpShippingChargeId/);
    const noSku = order({
      lines: [{ lineId: 'l9', sku: null, name: 'gift', quantity: 1, unitPrice: '0.00', discount: '0.00' }],
      shippingFee: '0.00',
      orderDiscount: '0.00',
      total: '0.00',
    });
    expect(() => mapOrder(channel, noSku, { bpartnerId: 1 }, products, settings)).toThrow(/"gift" has no SKU/);
  });

  it('uses cash for COD, keeps a masked recipient on the order, references a new customer by Value', () => {
    const m = mapOrder(
      { ...channel, completeInErp: false },
      order({ cod: true }),
      { value: 'OMS-ABC' },
      products,
      settings,
    );
    expect(m.body.PaymentRule).toBe('B');
    expect(m.body.C_BPartner_ID).toEqual({ lookupColumn: 'Value', lookupValue: 'OMS-ABC' });
    expect(m.body['doc-action']).toBeUndefined();
    expect(String(m.body.Description)).toContain('王*明, ******678');
  });

  it('has a fingerprint that ignores the customer reference and changes with the content', () => {
    const a = mapOrder(channel, order(), { bpartnerId: 1 }, products, settings).fingerprint;
    expect(mapOrder(channel, order(), { value: 'OMS-X' }, products, settings).fingerprint).toBe(a);
    expect(
      mapOrder(
        channel,
        order({ status: 'ready_to_ship', updatedAt: '2026-11-27T00:00:00.000Z' }),
        { bpartnerId: 1 },
        products,
        settings,
      ).fingerprint,
    ).toBe(a);
    const changed = order({ lines: [order().lines[0]!, { ...order().lines[1]!, quantity: 2 }], total: '824.50' });
    expect(mapOrder(channel, changed, { bpartnerId: 1 }, products, settings).fingerprint).not.toBe(a);
  });
});

describe('POReference and customer keys', () => {
  it('keeps a number that fits and shortens one that does not, unique per channel', () => {
    expect(poReference(channel.id, { externalId: '1', externalNumber: '#1001' }, 20)).toBe('#1001');
    const long = { externalId: '20140918203512-001-001-001', externalNumber: '20140918203512-001-001-001' };
    const ref = poReference(channel.id, long, 20);
    expect(ref).toHaveLength(20);
    expect(ref.startsWith('20140918203')).toBe(true);
    expect(
      poReference(
        channel.id,
        { ...long, externalId: '20140918203512-001-001-002', externalNumber: '20140918203512-001-001-002' },
        20,
      ),
    ).not.toBe(ref);
    expect(poReference(channel.id, long, 20)).toBe(ref);
    expect(poReference(channel.id, { externalId: 'x', externalNumber: '訂單 1' }, 20)).toMatch(/^[\x21-\x7e]{1,20}$/);
  });

  it("keeps the filter parser's unsafe characters out of POReference, deterministically (DefaultQueryConverter)", () => {
    for (const num of ["O'Neil-1", 'A,B', '(1001)', 'a b']) {
      const ref = poReference(channel.id, { externalId: num, externalNumber: num }, 20);
      expect(ref).toMatch(/^[A-Za-z0-9#\-_.~]{1,20}$/);
      expect(poReference(channel.id, { externalId: num, externalNumber: num }, 20)).toBe(ref);
    }
    expect(poReference(channel.id, { externalId: '1', externalNumber: 'A,B' }, 20)).not.toBe(
      poReference(channel.id, { externalId: '2', externalNumber: 'AB' }, 20),
    );
  });

  it('derives a stable customer key and Value', () => {
    expect(buyerKey(order())).toBe('id:u-77');
    expect(buyerKey(order({ buyer: { id: null, name: null, email: 'A@B.com', phone: null } }))).toBe('email:a@b.com');
    expect(buyerKey(order({ buyer: { id: null, name: null, email: 'a***@b.com', phone: '09****78' } }))).toBeNull();
    expect(customerValue(channel.id, 'id:u-77')).toBe(customerValue(channel.id, 'id:u-77'));
    expect(customerValue(channel.id, 'id:u-77')).not.toBe(customerValue(channel.id, 'id:u-78'));
    const body = customerBody(channel, order(), 'OMS-1');
    expect(body).toMatchObject({ Value: 'OMS-1', Name: '王小明', IsCustomer: true, C_BP_Group_ID: 103 });
    expect((body.C_BPartner_Location as Record<string, unknown>[])[0]!.C_Location_ID).toMatchObject({
      id: 0,
      City: '台北市',
      Postal: '110',
      C_Country_ID: { lookupColumn: 'CountryCode', lookupValue: 'TW' },
    });
    // the location's client-made UU, which orders of the same batch reference as {"uid": …}
    expect((body.C_BPartner_Location as Record<string, unknown>[])[0]!.C_BPartner_Location_UU).toBeUndefined();
    const withUU = customerBody(channel, order(), 'OMS-1', 'uu-1');
    expect((withUU.C_BPartner_Location as Record<string, unknown>[])[0]!.C_BPartner_Location_UU).toBe('uu-1');
  });
});
