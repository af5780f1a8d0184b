// Table-driven normalization per platform, from payloads shaped like the documented ones (specs/platforms.md).
import { describe, expect, it } from 'vitest';
import { computedTotal, InvalidOrderError } from '@oms/core';
import { ShopeeAdapter } from './shopee';
import { CyberbizAdapter } from './cyberbiz';
import { ShoplineAdapter } from './shopline';
import { MomoAdapter } from './momo';

const clone = <T>(v: T): T => structuredClone(v);
function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const o = clone(obj);
  const keys = path.split('.');
  let cur: Record<string, unknown> = o;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  if (value === undefined) delete cur[keys.at(-1)!];
  else cur[keys.at(-1)!] = value;
  return o;
}

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

// ---- momo unsendCompanyQuery rows grouped into one order
const momoRow = (seq: string, sku: string, qty: string, price: string) => ({
  completeOrderNo: `20260115000123-${seq}-001-001`,
  remark5VStr: '',
  orderGbStr: '一般',
  msg: '',
  lastPricDate: '2026/01/17 12:00:00',
  delyHopeDate: '',
  receiver: '林*明',
  receiverTel: '',
  receiverMobile: '0933***555',
  postNo: '100',
  receiverAddr: '台北市中正區重慶南路一段122號',
  newReceiverAddr: '',
  entpGoodsNo: sku,
  goodsCode: '7000001',
  goodsName: '保溫瓶',
  goodsDtCode: '001',
  goodsDtInfo: '無',
  syslast: qty,
  buyPrice: '300',
  salePrice: price,
  custName: '林*明',
  invoiceNo: '',
  custId: '80000001',
  transferDate: '2026/01/15 12:00:00',
});
const momo = {
  orderNo: '20260115000123',
  rows: [momoRow('001', 'BOTTLE-BLK', '2', '399'), momoRow('002', 'COASTER', '1', '99')],
};

describe('momo normalize', () => {
  const a = new MomoAdapter();
  it('one row per line, string money, Taipei transfer time, masked names kept', () => {
    const o = a.normalize(momo);
    expect(o).toMatchObject({
      externalId: '20260115000123',
      status: 'paid',
      platformStatus: 'unsend',
      createdAt: '2026-01-15T04:00:00.000Z',
      total: '897.00',
      shippingFee: '0.00',
      cod: false,
      recipient: { name: '林*明', phone: '0933***555', postalCode: '100' },
    });
    expect(o.lines.map((l) => [l.lineId, l.sku, l.quantity, l.unitPrice])).toEqual([
      ['20260115000123-001-001-001', 'BOTTLE-BLK', 2, '399.00'],
      ['20260115000123-002-001-001', 'COASTER', 1, '99.00'],
    ]);
    expect(computedTotal(o)).toBe(o.total);
  });
  it.each([
    [[momoRow('001', 'X', '一', '399')], 'rows[0].syslast'],
    [[momoRow('001', 'X', '1', '399元')], 'rows[0].salePrice: not an amount: "399元"'],
    [[], 'rows'],
  ])('invalid rows %#', (rows, message) => {
    expect(() => a.normalize({ ...momo, rows })).toThrow(message);
  });
  it('an empty entpGoodsNo is a line without SKU (blocked later by the ERP mapping, not here)', () => {
    expect(a.normalize({ ...momo, rows: [momoRow('001', '', '1', '10')] }).lines[0]!.sku).toBeNull();
  });
});

// ---- momo later stages: sendingCompanyQuery rows (snake_case, no price), stopSendingQuery, recoverCompanyQuery
const sendingRow = (seq: string, remark: string) => ({
  itemNo: '1',
  slip_i_no: `20260115000123-${seq}-001-001`,
  slip_no: '6600112233',
  completeOrderNo: `20260115000123-${seq}-001-001`,
  remark5_vStr: remark,
  msg_note: '',
  scm_dely_date: '',
  dely_hope_date: '',
  order_gb_str: '一般',
  goods_code: '7000001',
  entp_goods_no: 'BOTTLE-BLK',
  goods_name: '保溫瓶',
  goodsdt_code: '001',
  goodsdt_info: '無',
  syslast: '2',
  cust_name_mask: '林*明',
  receiver_mask: '林*明',
});
const stopRow = (seq: string) => ({
  itemNo: '1',
  allowExecuteYN: 'Y',
  completeOrderNo: `20260115000123-${seq}-001-001`,
  notAllowReason: '',
  returnReason: '',
  receiver: '林*明',
  entpGoodsNo: 'BOTTLE-BLK',
  goodsCode: '7000001',
  goodsName: '保溫瓶',
  goodsDtCode: '001',
  goodsDtInfo: '無',
  syslast: '2',
  msgNote: '',
  packYnStr: '否',
});

describe('momo stages', () => {
  const a = new MomoAdapter();
  const unsendRaw = { orderNo: '20260115000123', stage: 'unsend', rows: momo.rows };
  it.each([
    ['sending', [sendingRow('001', '已配送'), sendingRow('002', '已配送')], 'shipped', 'sending/已配送'],
    ['sending', [sendingRow('001', '已送達')], 'delivered', 'sending/已送達'],
    ['stop', [stopRow('001'), stopRow('002')], 'cancelled', 'stop'],
    [
      'recover',
      [{ ...momoRow('001', 'BOTTLE-BLK', '2', '399'), salePrice: undefined, remark5VStr: '' }],
      'returned',
      'recover',
    ],
  ])('a %s order seen unsent before keeps its prices and lines: %s', (stage, rows, status, platformStatus) => {
    const merged = a.mergeRaw(unsendRaw, { orderNo: '20260115000123', stage, rows });
    const o = a.normalize(merged);
    expect(o).toMatchObject({ status, platformStatus, total: '897.00' });
    expect(o.lines).toHaveLength(2);
    // Merging again changes nothing: an unchanged order stays unchanged.
    expect(a.mergeRaw(merged, { orderNo: '20260115000123', stage, rows })).toEqual(merged);
  });
  it('an order first seen after it left the unsend list has no prices: blocked, saying why', () => {
    expect(() =>
      a.normalize({ orderNo: '20260115000123', stage: 'sending', rows: [sendingRow('001', '已配送')] }),
    ).toThrow(/rows\[0\]\.salePrice: is missing: momo gives prices only while an order is unsent/);
  });
  it.each([
    ['sending', [sendingRow('001', '已配送')], 'shipped'],
    ['stop', [stopRow('001')], 'cancelled'],
    ['recover', [{ ...momoRow('001', 'BOTTLE-BLK', '2', '399'), salePrice: undefined, remark5VStr: '' }], 'returned'],
  ])('the error of an unpriced %s order still tells its status (%s)', (stage, rows, status) => {
    let err: unknown;
    try {
      a.normalize({ orderNo: '20260115000123', stage, rows });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOrderError);
    expect((err as InvalidOrderError).status).toBe(status);
  });
  it('an unsend listing with fewer rows (one row shipped) keeps the rows seen before', () => {
    const merged = a.mergeRaw(unsendRaw, { orderNo: '20260115000123', stage: 'unsend', rows: [momo.rows[1]] });
    expect(a.normalize(merged).lines).toHaveLength(2);
    expect(a.mergeRaw(unsendRaw, unsendRaw)).toEqual(unsendRaw);
  });
  it('a raw stored before stages existed reads as unsend', () => {
    expect(a.normalize(momo).status).toBe('paid');
    expect(() => a.normalize({ ...momo, stage: 'lost' })).toThrow(/stage/);
  });
});
