// Normalization of Cyberbiz payloads shaped like the documented ones (docs/platforms.md#cyberbiz), table-driven.
import { describe, expect, it } from 'vitest';
import { computedTotal } from '@oms/core';
import { set } from '../payload-test-util';
import { CyberbizAdapter } from './index';

// ---- Cyberbiz order (list = detail)
const cyberbiz = {
  id: 7001001,
  order_number: 1101,
  order_name: '#1101',
  subtotal_price: 1180,
  customer: { id: 60000001, name: '王小明', email: 'ming@example.tw', mobile: '0912345678' },
  buyer: { email: 'ming@example.tw', mobile: '0912345678' },
  receiver: {
    name: '王小明',
    country_calling_code: '+886',
    phone: '0912345678',
    address: '台北市信義區松高路1號',
    detail_address: {
      zip: '110',
      country: '台灣',
      province: null,
      city: '台北市',
      district: '信義區',
      address1: '松高路1號',
      address2: null,
    },
  },
  shipping_type: 'home_delivery',
  fulfillments: [],
  payment_method: 'credit_card',
  payment_name: '信用卡',
  prices: {
    total_line_items_price: 1180,
    shipping_rate_price: 80,
    total_price: 1160,
    discounts: { vip_discount: 0, shop_discount: 100, coupon_discounts: [], bonus_consumed: 0, price_discount: 0 },
  },
  statuses: {
    order_status: 'open',
    financial_status: 'paid',
    fulfillment_status: 'unshipped',
    return_status: 'no_need',
  },
  timings: { paid_at: '2026-01-15 12:30:00' },
  note: null,
  tags: [],
  created_at: '2026-01-15 12:00:00',
  updated_at: '2026-01-15 12:30:00',
  line_items: [
    {
      id: 30000001,
      title: '保溫瓶',
      variant_title: '黑色',
      sku: 'BOTTLE-BLK',
      price: 400,
      quantity: 2,
      total_discount: 20,
      total_price_after_discounts: 780,
    },
    {
      id: 30000002,
      title: '杯墊',
      variant_title: null,
      sku: 'COASTER',
      price: 400.0,
      quantity: 1,
      total_discount: 0,
      total_price_after_discounts: 400,
    },
  ],
};

describe('Cyberbiz normalize', () => {
  const a = new CyberbizAdapter();
  it('reads Taipei local times as UTC+8, money floats to decimals, order discounts summed', () => {
    const o = a.normalize(cyberbiz);
    expect(o).toMatchObject({
      externalId: '7001001',
      externalNumber: '1101',
      status: 'paid',
      platformStatus: 'open/paid/unshipped',
      createdAt: '2026-01-15T04:00:00.000Z',
      updatedAt: '2026-01-15T04:30:00.000Z',
      paidAt: '2026-01-15T04:30:00.000Z',
      shippingFee: '80.00',
      orderDiscount: '100.00',
      total: '1160.00',
      cod: false,
      buyer: { id: '60000001', name: '王小明', email: 'ming@example.tw', phone: '0912345678' },
      recipient: { name: '王小明', address1: '松高路1號', city: '台北市', district: '信義區', postalCode: '110' },
    });
    expect(o.lines[0]).toEqual({
      lineId: '30000001',
      sku: 'BOTTLE-BLK',
      name: '保溫瓶 黑色',
      quantity: 2,
      unitPrice: '400.00',
      discount: '20.00',
    });
    expect(computedTotal(o)).toBe(o.total);
  });
  it.each([
    [{ order_status: 'open', financial_status: 'pending', fulfillment_status: 'unshipped' }, 'pending_payment', false],
    [{ order_status: 'open', financial_status: 'cod', fulfillment_status: 'unshipped' }, 'ready_to_ship', true],
    [{ order_status: 'open', financial_status: 'paid', fulfillment_status: 'preparing' }, 'ready_to_ship', false],
    [{ order_status: 'open', financial_status: 'paid', fulfillment_status: 'fulfilled' }, 'shipped', false],
    [{ order_status: 'open', financial_status: 'paid', fulfillment_status: 'arrived' }, 'delivered', false],
    [{ order_status: 'closed', financial_status: 'paid', fulfillment_status: 'received' }, 'completed', false],
    [{ order_status: 'cancelled', financial_status: 'refunded', fulfillment_status: 'cancel' }, 'cancelled', false],
    [
      {
        order_status: 'closed',
        financial_status: 'refunded',
        fulfillment_status: 'returned',
        return_status: 'returned',
      },
      'returned',
      false,
    ],
  ])('statuses %j -> %s (cod %s)', (statuses, canonical, cod) => {
    const o = a.normalize({ ...cyberbiz, statuses: { return_status: 'no_need', ...statuses } });
    expect(o.status).toBe(canonical);
    expect(o.cod).toBe(cod);
  });
  it.each([
    ['line_items', null, 'line_items: is missing'],
    ['created_at', '2026/13/45 99:00:00', 'created_at: not a valid time'],
    ['line_items', [{ ...cyberbiz.line_items[0], price: '400元' }], 'line_items[0].price: not an amount: "400元"'],
    ['prices', undefined, 'prices: is missing'],
  ])('invalid %s names the field', (field, value, message) => {
    expect(() => a.normalize(set(cyberbiz, field, value))).toThrow(message);
  });
});
