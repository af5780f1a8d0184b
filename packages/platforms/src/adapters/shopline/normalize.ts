// A SHOPLINE order as the canonical order (docs/platforms.md#shopline-order-payload-and-status-mapping and
// docs/platforms.md#shopline-money-fields): money objects, UTC ISO times, the status from three fields.
import { add, parseCanonicalOrder, sub, times, type CanonicalOrder, type OrderStatus } from '@oms/core';
import { amount, arr, dateOrThrow, isObj, obj, optStr, quantity, reqStr, type Obj } from '../../normalize-util';
import { parseIsoWithZone } from '../../time';

/** A Shopline money object {cents, dollars, ...}: dollars is the amount; a bare number is accepted too. */
function moneyObj(v: unknown, field: string, optional = false) {
  if ((v === undefined || v === null) && optional) return '0.00';
  if (isObj(v)) return amount(v.dollars, `${field}.dollars`);
  return amount(v, field);
}

export function shoplineStatus(o: Obj, cod: boolean): OrderStatus {
  const status = String(o.status ?? '');
  const pay = isObj(o.order_payment) ? String(o.order_payment.status ?? '') : '';
  const delivery = isObj(o.order_delivery)
    ? String(o.order_delivery.delivery_status ?? o.order_delivery.status ?? '')
    : '';
  if (status === 'cancelled') return 'cancelled';
  if (delivery === 'returned' || delivery === 'returning' || pay === 'refunded') return 'returned';
  if (status === 'completed') return 'completed';
  if (delivery === 'arrived' || delivery === 'collected') return 'delivered';
  if (delivery === 'shipped') return 'shipped';
  const paid = pay === 'completed' || pay === 'paid';
  if (status === 'confirmed' && delivery === 'shipping') return paid || cod ? 'ready_to_ship' : 'pending_payment';
  if (paid) return 'paid';
  if (status === 'confirmed' && cod) return 'ready_to_ship';
  return 'pending_payment';
}

export function normalizeShoplineOrder(raw: unknown): CanonicalOrder {
  const o = obj(raw, 'order');
  const externalId = reqStr(o.id, 'id');
  const payment = isObj(o.order_payment) ? o.order_payment : {};
  const delivery = isObj(o.order_delivery) ? o.order_delivery : {};
  const paymentMethod = optStr(payment.payment_type);
  const cod = /cash_on_delivery|^cod$/i.test(paymentMethod ?? '');
  const lines = arr(o.subtotal_items, 'subtotal_items').map((it, i) => {
    const l = obj(it, `subtotal_items[${i}]`);
    const f = (n: string) => `subtotal_items[${i}].${n}`;
    const qty = quantity(l.quantity, f('quantity'));
    const unitPrice = moneyObj(l.item_price ?? l.price, f('item_price'));
    const lineTotal =
      l.total !== undefined && l.total !== null
        ? moneyObj(l.total, f('total'))
        : times(moneyObj(l.discounted_price ?? l.price, f('discounted_price')), qty);
    const discount = sub(times(unitPrice, qty), lineTotal);
    const names = isObj(l.title_translations) ? l.title_translations : {};
    return {
      lineId: reqStr(l.id, f('id')),
      sku: optStr(l.sku),
      name: optStr(names['zh-hant']) ?? optStr(names.en) ?? optStr(Object.values(names)[0]) ?? '',
      quantity: qty,
      unitPrice,
      discount: discount.startsWith('-') ? '0.00' : discount,
    };
  });
  const addr = isObj(o.delivery_address) ? o.delivery_address : null;
  const platformStatus = [o.status, payment.status, delivery.delivery_status ?? delivery.status]
    .map((v) => String(v ?? ''))
    .join('/');
  return parseCanonicalOrder(
    {
      platform: 'shopline',
      externalId,
      externalNumber: optStr(o.order_number) ?? optStr(o.system_order_number) ?? externalId,
      status: shoplineStatus(o, cod),
      platformStatus,
      createdAt: dateOrThrow(
        typeof o.created_at === 'string' ? parseIsoWithZone(o.created_at) : null,
        o.created_at,
        'created_at',
      ),
      updatedAt: dateOrThrow(
        typeof o.updated_at === 'string' ? parseIsoWithZone(o.updated_at) : null,
        o.updated_at,
        'updated_at',
      ),
      paidAt: payment.paid_at
        ? dateOrThrow(
            typeof payment.paid_at === 'string' ? parseIsoWithZone(payment.paid_at) : null,
            payment.paid_at,
            'order_payment.paid_at',
          )
        : null,
      currency: optStr(o.currency_iso) ?? 'TWD',
      buyer: {
        id: optStr(o.customer_id),
        name: optStr(o.customer_name),
        email: optStr(o.customer_email),
        phone: optStr(o.customer_phone),
      },
      recipient: addr
        ? {
            name: optStr(addr.recipient_name),
            phone: optStr(addr.recipient_phone),
            address1: optStr(addr.address_1),
            address2: optStr(addr.address_2),
            district: optStr(addr.district),
            city: optStr(addr.city),
            state: optStr(addr.state),
            postalCode: optStr(addr.postcode),
            country: optStr(addr.country_code),
          }
        : null,
      lines,
      shippingFee: moneyObj(delivery.total, 'order_delivery.total', true),
      orderDiscount: add(
        moneyObj(o.order_discount, 'order_discount', true),
        moneyObj(o.user_credit, 'user_credit', true),
        moneyObj(o.order_points_to_cash, 'order_points_to_cash', true),
      ),
      total: moneyObj(o.total, 'total'),
      paymentMethod,
      cod,
      note: optStr(delivery.remark),
    },
    externalId,
  );
}
