// A Cyberbiz order as the canonical order (docs/platforms.md#cyberbiz-order-payload-and-status-mapping and
// docs/platforms.md#cyberbiz-money-fields): Taipei local times without a zone, money as floats, four status fields.
import { add, parseCanonicalOrder, type CanonicalOrder, type OrderStatus } from '@oms/core';
import {
  amount,
  arr,
  dateOrThrow,
  isObj,
  obj,
  optAmount,
  optStr,
  quantity,
  reqStr,
  type Obj,
} from '../../normalize-util';
import { parseTaipeiLocal } from '../../time';

/** Canonical status from the four Cyberbiz status fields. */
export function cyberbizStatus(s: Obj, cod: boolean): OrderStatus {
  const order = String(s.order_status ?? '');
  const fin = String(s.financial_status ?? '');
  const ful = String(s.fulfillment_status ?? '');
  const ret = String(s.return_status ?? '');
  if (order === 'cancelled' || ful === 'cancel') return 'cancelled';
  if (ful === 'returned' || ret === 'returned' || fin === 'refunded') return 'returned';
  if (ful === 'received') return order === 'closed' ? 'completed' : 'delivered';
  if (ful === 'arrived') return 'delivered';
  if (ful === 'fulfilled' || ful === 'partial') return 'shipped';
  if (order === 'closed') return 'completed';
  const paid = [
    'paid',
    'remitted',
    'partial_refunded',
    'pending_partial_refund',
    'no_refunded',
    'refunding',
    'refund_failed',
    'pending_refund',
    'processing',
  ].includes(fin);
  if (ful === 'preparing') return paid || cod ? 'ready_to_ship' : 'pending_payment';
  if (paid) return 'paid';
  // A confirmed COD order waits for shipment, not for payment.
  if (fin === 'cod' || cod) return 'ready_to_ship';
  return 'pending_payment';
}

function taipei(v: unknown, field: string): string {
  return dateOrThrow(typeof v === 'string' ? parseTaipeiLocal(v) : null, v, field);
}

export function normalizeCyberbizOrder(raw: unknown): CanonicalOrder {
  const o = obj(raw, 'order');
  const externalId = reqStr(o.id, 'id');
  const statuses = obj(o.statuses, 'statuses');
  const paymentMethod = optStr(o.payment_method);
  const cod =
    statuses.financial_status === 'cod' ||
    /^cod$|cash_on_delivery|貨到付款/i.test(`${paymentMethod ?? ''}`) ||
    /貨到付款/.test(String(o.payment_name ?? ''));
  const prices = obj(o.prices, 'prices');
  const discounts = isObj(prices.discounts) ? prices.discounts : {};
  const coupons = Array.isArray(discounts.coupon_discounts) ? discounts.coupon_discounts : [];
  const orderDiscount = add(
    ...['vip_discount', 'shop_discount', 'bonus_consumed', 'price_discount'].map((k) =>
      optAmount(discounts[k], `prices.discounts.${k}`),
    ),
    ...coupons.map((c, i) =>
      optAmount(isObj(c) ? (c.amount ?? c.price ?? c.discount) : c, `prices.discounts.coupon_discounts[${i}]`),
    ),
  );
  const lines = arr(o.line_items, 'line_items').map((it, i) => {
    const l = obj(it, `line_items[${i}]`);
    const f = (n: string) => `line_items[${i}].${n}`;
    return {
      lineId: reqStr(l.id, f('id')),
      sku: optStr(l.sku),
      name: [optStr(l.title), optStr(l.variant_title)].filter(Boolean).join(' '),
      quantity: quantity(l.quantity, f('quantity')),
      unitPrice: amount(l.price, f('price')),
      discount: optAmount(l.total_discount, f('total_discount')),
    };
  });
  const receiver = isObj(o.receiver) ? o.receiver : null;
  const detail = receiver && isObj(receiver.detail_address) ? receiver.detail_address : {};
  const customer = isObj(o.customer) ? o.customer : {};
  const timings = isObj(o.timings) ? o.timings : {};
  const platformStatus = ['order_status', 'financial_status', 'fulfillment_status']
    .map((k) => String(statuses[k] ?? ''))
    .join('/');
  return parseCanonicalOrder(
    {
      platform: 'cyberbiz',
      externalId,
      externalNumber: optStr(o.order_number) ?? optStr(o.order_name)?.replace(/^#/, '') ?? externalId,
      status: cyberbizStatus(statuses, cod),
      platformStatus,
      createdAt: taipei(o.created_at, 'created_at'),
      updatedAt: taipei(o.updated_at, 'updated_at'),
      paidAt: timings.paid_at ? taipei(timings.paid_at, 'timings.paid_at') : null,
      currency: 'TWD',
      buyer: {
        id: optStr(customer.id),
        name: optStr(customer.name),
        email: optStr(customer.email),
        phone: optStr(customer.mobile),
      },
      recipient: receiver
        ? {
            name: optStr(receiver.name),
            phone: optStr(receiver.phone),
            address1: optStr(detail.address1) ?? optStr(receiver.address),
            address2: optStr(detail.address2),
            district: optStr(detail.district),
            city: optStr(detail.city),
            state: optStr(detail.province),
            postalCode: optStr(detail.zip),
            country: optStr(detail.country),
          }
        : null,
      lines,
      shippingFee: optAmount(prices.shipping_rate_price, 'prices.shipping_rate_price'),
      orderDiscount,
      total: amount(prices.total_price, 'prices.total_price'),
      paymentMethod: paymentMethod ?? optStr(o.payment_name),
      cod,
      note: optStr(o.note),
    },
    externalId,
  );
}
