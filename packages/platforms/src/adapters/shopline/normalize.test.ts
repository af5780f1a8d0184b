// Normalization of SHOPLINE payloads shaped like the documented ones (docs/platforms.md#shopline), table-driven.
import { describe, expect, it } from 'vitest';
import { computedTotal } from '@oms/core';
import { set } from '../payload-test-util';
import { ShoplineAdapter } from './index';

// ---- Shopline order with money objects
const m = (dollars: number) => ({
  cents: Math.round(dollars * 100),
  dollars,
  currency_iso: 'TWD',
  currency_symbol: 'NT$',
  label: `NT$${dollars}`,
});
const shopline = {
  id: '65a4f0c2e1b2c3d4e5f60718',
  order_number: '20260115000123',
  status: 'confirmed',
  currency_iso: 'TWD',
  customer_id: '65a4f0c2e1b2c3d4e5f60000',
  customer_name: '陳美麗',
  customer_email: 'mei@example.tw',
  customer_phone: '0922333444',
  subtotal: m(1000),
  total: m(1010),
  order_discount: m(50),
  user_credit: m(0),
  total_tax_fee: m(0),
  order_points_to_cash: m(0),
  order_payment: {
    id: 'p1',
    payment_type: 'credit_card',
    status: 'completed',
    total: m(1010),
    paid_at: '2026-01-15T04:10:00.000+00:00',
  },
  order_delivery: {
    id: 'd1',
    platform: 'custom',
    status: 'pending',
    delivery_status: 'pending',
    delivery_type: 'custom',
    total: m(60),
    remark: null,
  },
  delivery_address: {
    recipient_name: '陳美麗',
    recipient_phone: '0922333444',
    country_code: 'TW',
    city: '台中市',
    state: null,
    postcode: '403',
    address_1: '民權路 10 號',
    address_2: null,
    district: '西區',
  },
  delivery_data: { tracking_number: null },
  subtotal_items: [
    {
      id: 'li1',
      item_type: 'Product',
      sku: 'BOTTLE-BLK',
      quantity: 2,
      item_price: m(400),
      price: m(400),
      discounted_price: m(390),
      total: m(780),
      title_translations: { 'zh-hant': '保溫瓶', en: 'Bottle' },
    },
    {
      id: 'li2',
      item_type: 'AddonProduct',
      sku: null,
      quantity: 1,
      item_price: m(220),
      price: m(220),
      discounted_price: m(220),
      total: m(220),
      title_translations: { en: 'Gift wrap' },
    },
  ],
  created_at: '2026-01-15T04:00:00.000+00:00',
  updated_at: '2026-01-15T04:10:00.000Z',
};

describe('Shopline normalize', () => {
  const a = new ShoplineAdapter();
  it('reads money objects, UTC ISO times, add-ons without SKU', () => {
    const o = a.normalize(shopline);
    expect(o).toMatchObject({
      externalId: '65a4f0c2e1b2c3d4e5f60718',
      externalNumber: '20260115000123',
      status: 'paid',
      createdAt: '2026-01-15T04:00:00.000Z',
      paidAt: '2026-01-15T04:10:00.000Z',
      shippingFee: '60.00',
      orderDiscount: '50.00',
      total: '1010.00',
      cod: false,
    });
    expect(o.lines).toEqual([
      { lineId: 'li1', sku: 'BOTTLE-BLK', name: '保溫瓶', quantity: 2, unitPrice: '400.00', discount: '20.00' },
      { lineId: 'li2', sku: null, name: 'Gift wrap', quantity: 1, unitPrice: '220.00', discount: '0.00' },
    ]);
    expect(computedTotal(o)).toBe(o.total);
  });
  it.each([
    ['pending', 'pending', 'pending', 'credit_card', 'pending_payment'],
    ['confirmed', 'pending', 'pending', 'cash_on_delivery', 'ready_to_ship'],
    ['confirmed', 'completed', 'shipping', 'credit_card', 'ready_to_ship'],
    ['confirmed', 'completed', 'shipped', 'credit_card', 'shipped'],
    ['confirmed', 'completed', 'arrived', 'credit_card', 'delivered'],
    ['completed', 'completed', 'arrived', 'credit_card', 'completed'],
    ['cancelled', 'refunded', 'pending', 'credit_card', 'cancelled'],
    ['completed', 'refunded', 'returned', 'credit_card', 'returned'],
  ])('status %s / payment %s / delivery %s (%s) -> %s', (status, pay, delivery, type, canonical) => {
    const o = a.normalize({
      ...shopline,
      status,
      order_payment: { ...shopline.order_payment, status: pay, payment_type: type },
      order_delivery: { ...shopline.order_delivery, delivery_status: delivery, status: delivery },
    });
    expect(o.status).toBe(canonical);
  });
  it.each([
    ['subtotal_items', undefined, 'subtotal_items: is missing'],
    ['created_at', '2026-01-15 04:00:00', 'created_at: not a valid time'],
    ['total', { cents: '1010元', dollars: '1010元' }, 'total.dollars: not an amount'],
  ])('invalid %s names the field', (field, value, message) => {
    expect(() => a.normalize(set(shopline, field, value))).toThrow(message);
  });
});
