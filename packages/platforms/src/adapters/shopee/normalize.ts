// A Shopee get_order_detail order as the canonical order (docs/platforms.md#shopee-order-payload-and-status-mapping
// and docs/platforms.md#shopee-money-fields).
import {
  add,
  InvalidOrderError,
  parseCanonicalOrder,
  sub,
  times,
  type CanonicalOrder,
  type OrderStatus,
} from '@oms/core';
import {
  amount,
  arr,
  isObj,
  obj,
  optStr,
  optUnixSeconds,
  quantity,
  reqStr,
  unixSeconds,
  type Obj,
} from '../../normalize-util';

const STATUS: Record<string, OrderStatus> = {
  UNPAID: 'pending_payment',
  PENDING: 'pending_payment',
  INVOICE_PENDING: 'pending_payment',
  READY_TO_SHIP: 'ready_to_ship',
  RETRY_SHIP: 'ready_to_ship',
  // Arranged, waiting for the 3PL pickup: not shipped yet.
  PROCESSED: 'ready_to_ship',
  // A cancellation request may still be rejected: the order stays active until CANCELLED; the operator sees IN_CANCEL.
  IN_CANCEL: 'ready_to_ship',
  SHIPPED: 'shipped',
  TO_CONFIRM_RECEIVE: 'delivered',
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
  TO_RETURN: 'returned',
};

/**
 * The canonical line id of an item_list entry, and of a package_list item (same order_item_id and model_id):
 * how a package's items are matched to the order lines an iDempiere shipment carries.
 */
export function shopeeLineId(item: Obj, where: string): string {
  const modelId = optStr(item.model_id);
  const orderItemId = optStr(item.order_item_id) ?? reqStr(item.item_id, `${where}.item_id`);
  return modelId && modelId !== '0' ? `${orderItemId}:${modelId}` : orderItemId;
}

export function normalizeShopeeOrder(raw: unknown): CanonicalOrder {
  const o = obj(raw, 'order');
  const externalId = reqStr(o.order_sn, 'order_sn');
  const platformStatus = reqStr(o.order_status, 'order_status');
  const status = STATUS[platformStatus];
  if (!status) throw new InvalidOrderError('order_status', `unknown Shopee status "${platformStatus}"`, externalId);
  const items = arr(o.item_list, 'item_list');
  const lines = items.map((it, i) => {
    const item = obj(it, `item_list[${i}]`);
    const f = (name: string) => `item_list[${i}].${name}`;
    const qty = quantity(item.model_quantity_purchased, f('model_quantity_purchased'));
    const unitPrice = amount(item.model_original_price, f('model_original_price'));
    const discounted = amount(item.model_discounted_price, f('model_discounted_price'));
    // model_discounted_price is 0 for bundle-deal items (the real price is in the escrow detail): no line discount then.
    const perUnitDiscount =
      discounted === '0.00' || Number(discounted) > Number(unitPrice) ? '0.00' : sub(unitPrice, discounted);
    return {
      lineId: shopeeLineId(item, `item_list[${i}]`),
      sku: optStr(item.model_sku) ?? optStr(item.item_sku),
      name:
        [optStr(item.item_name), optStr(item.model_name)].filter(Boolean).join(' ') || (optStr(item.item_name) ?? ''),
      quantity: qty,
      unitPrice,
      discount: times(perUnitDiscount, qty),
    };
  });
  const shippingFee =
    o.estimated_shipping_fee !== undefined && o.estimated_shipping_fee !== null
      ? amount(o.estimated_shipping_fee, 'estimated_shipping_fee')
      : '0.00';
  const computed = add(...lines.map((l) => sub(times(l.unitPrice, l.quantity), l.discount)), shippingFee);
  const ra = isObj(o.recipient_address) ? o.recipient_address : null;
  const paymentMethod = optStr(o.payment_method);
  return parseCanonicalOrder(
    {
      platform: 'shopee',
      externalId,
      externalNumber: externalId,
      status,
      platformStatus,
      createdAt: unixSeconds(o.create_time, 'create_time'),
      updatedAt: unixSeconds(o.update_time, 'update_time'),
      paidAt: optUnixSeconds(o.pay_time, 'pay_time'),
      currency: reqStr(o.currency, 'currency'),
      buyer: { id: optStr(o.buyer_user_id), name: optStr(o.buyer_username), email: null, phone: null },
      recipient: ra
        ? {
            name: optStr(ra.name),
            phone: optStr(ra.phone),
            address1: optStr(ra.full_address),
            address2: optStr(ra.town),
            district: optStr(ra.district),
            city: optStr(ra.city),
            state: optStr(ra.state),
            postalCode: optStr(ra.zipcode),
            country: optStr(ra.region),
          }
        : null,
      lines,
      shippingFee,
      // Seller vouchers are not in the order detail (payment.get_escrow_detail has them).
      orderDiscount: '0.00',
      // total_amount exists only once paid; before that the order's own sum stands in.
      total:
        o.total_amount !== undefined && o.total_amount !== null ? amount(o.total_amount, 'total_amount') : computed,
      paymentMethod,
      cod: o.cod === true,
      note: optStr(o.message_to_seller) ?? optStr(o.note),
    },
    externalId,
  );
}
