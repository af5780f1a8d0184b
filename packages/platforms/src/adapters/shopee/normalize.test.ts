// Normalization of Shopee payloads shaped like the documented ones (docs/platforms.md#shopee), table-driven.
import { describe, expect, it } from 'vitest';
import { computedTotal, InvalidOrderError } from '@oms/core';
import { set } from '../payload-test-util';
import { ShopeeAdapter } from './index';

// ---- Shopee get_order_detail item (optional fields requested)
const shopee = {
  order_sn: '2601150QWERTY1',
  region: 'TW',
  currency: 'TWD',
  cod: false,
  order_status: 'READY_TO_SHIP',
  message_to_seller: '請小心包裝',
  create_time: 1768449600,
  update_time: 1768453200,
  days_to_ship: 2,
  ship_by_date: 1768622400,
  booking_sn: '',
  buyer_user_id: 300000123,
  buyer_username: 'buyer_tw',
  estimated_shipping_fee: 60,
  recipient_address: {
    name: '****',
    phone: '****',
    town: '****',
    district: '****',
    city: '****',
    state: '****',
    region: 'TW',
    zipcode: '****',
    full_address: '****',
  },
  item_list: [
    {
      item_id: 800000001,
      item_name: '保溫瓶',
      item_sku: 'P-BOTTLE',
      model_id: 900000001,
      model_name: '黑色',
      model_sku: 'BOTTLE-BLK',
      model_quantity_purchased: 2,
      model_original_price: 399,
      model_discounted_price: 389,
      order_item_id: 30000001,
      promotion_type: 'discount',
    },
    {
      item_id: 800000002,
      item_name: '杯墊',
      item_sku: 'COASTER',
      model_id: 0,
      model_name: '',
      model_sku: '',
      model_quantity_purchased: 1,
      model_original_price: 99.5,
      model_discounted_price: 99.5,
      order_item_id: 30000002,
    },
  ],
  pay_time: 1768450000,
  payment_method: 'Credit Card',
  total_amount: 937.5,
  package_list: [
    { package_number: 'PKG1', logistics_status: 'LOGISTICS_READY', shipping_carrier: '黑貓宅急便', item_list: [] },
  ],
};

describe('Shopee normalize', () => {
  const a = new ShopeeAdapter();
  it('maps a paid order: UTC instants from unix seconds, decimal money, masked recipient kept, SKU from model or item', () => {
    const o = a.normalize(shopee);
    expect(o).toMatchObject({
      platform: 'shopee',
      externalId: '2601150QWERTY1',
      status: 'ready_to_ship',
      platformStatus: 'READY_TO_SHIP',
      createdAt: '2026-01-15T04:00:00.000Z',
      paidAt: '2026-01-15T04:06:40.000Z',
      currency: 'TWD',
      cod: false,
      shippingFee: '60.00',
      total: '937.50',
      buyer: { id: '300000123', name: 'buyer_tw' },
      note: '請小心包裝',
      paymentMethod: 'Credit Card',
    });
    expect(o.recipient).toMatchObject({ name: '****', phone: '****', address1: '****', country: 'TW' });
    expect(o.lines).toEqual([
      {
        lineId: '30000001:900000001',
        sku: 'BOTTLE-BLK',
        name: '保溫瓶 黑色',
        quantity: 2,
        unitPrice: '399.00',
        discount: '20.00',
      },
      { lineId: '30000002', sku: 'COASTER', name: '杯墊', quantity: 1, unitPrice: '99.50', discount: '0.00' },
    ]);
    expect(computedTotal(o)).toBe(o.total);
  });
  it.each([
    ['UNPAID', 'pending_payment'],
    ['READY_TO_SHIP', 'ready_to_ship'],
    ['PROCESSED', 'ready_to_ship'],
    ['RETRY_SHIP', 'ready_to_ship'],
    ['SHIPPED', 'shipped'],
    ['TO_CONFIRM_RECEIVE', 'delivered'],
    ['COMPLETED', 'completed'],
    ['IN_CANCEL', 'ready_to_ship'],
    ['CANCELLED', 'cancelled'],
    ['TO_RETURN', 'returned'],
  ])('status %s -> %s', (platform, canonical) => {
    expect(a.normalize({ ...shopee, order_status: platform }).status).toBe(canonical);
  });
  it('COD and unpaid: no total_amount yet, the sum stands in', () => {
    const o = a.normalize({
      ...set(shopee, 'total_amount', undefined),
      cod: true,
      payment_method: 'Cash on Delivery',
      pay_time: 0,
    });
    expect(o).toMatchObject({ cod: true, paidAt: null, total: '937.50' });
  });
  it.each([
    ['item_list', undefined, 'item_list: is missing'],
    ['item_list', [], 'lines: an order needs at least one line'],
    ['create_time', 'yesterday', 'create_time'],
    ['order_status', 'WHATEVER', 'order_status'],
    [
      'item_list',
      [{ ...shopee.item_list[0], model_discounted_price: '389元' }],
      'item_list[0].model_discounted_price: not an amount: "389元"',
    ],
    ['item_list', [{ ...shopee.item_list[0], model_quantity_purchased: 0 }], 'item_list[0].model_quantity_purchased'],
  ])('invalid %s (%j) names the field', (field, value, message) => {
    const bad = set(shopee, field, value);
    expect(() => a.normalize(bad)).toThrow(InvalidOrderError);
    expect(() => a.normalize(bad)).toThrow(message);
  });
});
