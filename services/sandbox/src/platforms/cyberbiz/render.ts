// How Cyberbiz shows an order (docs/platforms.md, "Cyberbiz: order payload and status mapping"): the four status
// fields, the order body with prices and Taipei local times, and fulfillments.
import { lineTotal, type Order, type OrderStatus } from '../../world/model.ts';
import { taipeiLocal } from '../../world/time.ts';

export function cyberbizStatuses(o: Order): {
  order_status: string;
  financial_status: string;
  fulfillment_status: string;
  return_status: string;
} {
  const paid = o.cod && !o.completedAt ? 'cod' : o.paidAt ? 'paid' : 'pending';
  const map: Record<OrderStatus, [string, string, string, string]> = {
    unpaid: ['open', 'pending', 'unshipped', 'no_need'],
    paid: ['open', paid, 'unshipped', 'no_need'],
    ready_to_ship: ['open', paid, 'preparing', 'no_need'],
    processed: ['open', paid, 'fulfilled', 'no_need'],
    shipped: ['open', paid, 'fulfilled', 'no_need'],
    completed: ['closed', paid, 'received', 'no_need'],
    cancelled: ['cancelled', o.paidAt ? 'refunded' : 'pending', 'cancel', 'no_need'],
    returned: ['closed', 'refunded', 'returned', 'returned'],
  };
  const [order_status, financial_status, fulfillment_status, return_status] = map[o.status];
  return { order_status, financial_status, fulfillment_status, return_status };
}

export function renderFulfillment(o: Order, f: Order['fulfillments'][number]) {
  return {
    id: f.id,
    tracking_company: f.company,
    tracking_number: f.number || null,
    fulfilled_at: taipeiLocal(f.at),
    received_at: o.completedAt ? taipeiLocal(o.completedAt) : null,
    status: f.number ? 'fulfilled' : 'pending',
    line_items: o.lines
      .filter((l) => f.lineIds.includes(l.id))
      .map((l) => ({ id: Number(l.id), sku: l.sku, quantity: l.qty })),
    tracking_url: null,
  };
}

export function renderOrder(o: Order, inList: boolean): Record<string, unknown> {
  const t = (ms: number | null) => (ms === null ? null : taipeiLocal(ms));
  const itemsTotal = o.lines.reduce((s, l) => s + lineTotal(l), 0);
  const statuses = cyberbizStatuses(o);
  const shopDiscount = o.discount;
  const out: Record<string, unknown> = {
    id: Number(o.externalId),
    order_number: Number(o.number),
    order_name: `#${o.number}`,
    ...(inList ? { token: `${o.externalId}-${o.uid.toString(36)}` } : {}),
    subtotal_price: itemsTotal,
    customer: { id: 60_000_000 + o.uid, name: o.buyer.name, email: o.buyer.email, mobile: o.buyer.phone },
    buyer: { email: o.buyer.email, mobile: o.buyer.phone },
    receiver: {
      name: o.buyer.name,
      country_calling_code: '+886',
      phone: o.buyer.phone,
      address: o.address.full,
      detail_address: {
        zip: o.address.zip,
        country: '台灣',
        province: null,
        city: o.address.city,
        district: o.address.district,
        address1: o.address.street,
        address2: null,
      },
      cvs_store_id: null,
      allpay_logistics_id: null,
    },
    shipping_type: 'home_delivery',
    shipping_name: '宅配',
    shipping_vendor: { type: 'home', name: '黑貓宅急便' },
    logistics_id: null,
    fulfillments: o.fulfillments.map((f) => renderFulfillment(o, f)),
    shipping_status: statuses.fulfillment_status,
    payment_name: o.cod
      ? '貨到付款'
      : o.paymentMethod === 'atm'
        ? 'ATM 轉帳'
        : o.paymentMethod === 'line_pay'
          ? 'LINE Pay'
          : '信用卡',
    payment_method: o.paymentMethod,
    card4no: o.paymentMethod === 'credit_card' ? String(1000 + (o.uid % 9000)) : null,
    transaction_number: o.paidAt ? `T${o.externalId}` : null,
    prices: {
      total_line_items_price: itemsTotal,
      shipping_rate_price: o.shippingFee,
      total_price: o.total,
      discounts: {
        vip_discount: 0,
        shop_discount: shopDiscount,
        coupon_discounts: [],
        bonus_consumed: 0,
        price_discount: 0,
      },
    },
    statuses,
    timings: {
      paid_at: t(o.paidAt),
      fulfilled_at: t(o.shippedAt),
      received_at: t(o.completedAt),
      cancelled_at: t(o.cancelledAt),
      returned_at: t(o.returnedAt),
      closed_at: t(o.completedAt ?? o.returnedAt),
    },
    einvoice: null,
    note: o.note || null,
    tags: [],
    created_at: t(o.createdAt),
    updated_at: t(o.updatedAt),
    line_items: o.lines.map((l, i) => ({
      id: Number(l.id),
      product_id: 400_000 + l.productId,
      product_variant_id: 500_000 + l.productId,
      title: l.name,
      variant_title: null,
      sku: l.sku,
      qc: null,
      vendor: null,
      price: o.corrupt === 'bad_price' && i === 0 ? `${l.unitPrice}元` : l.unitPrice,
      cost: null,
      quantity: l.qty,
      item_type: 'product',
      return_status: o.status === 'returned' ? 'returned' : 'no_need',
      discounts: l.discount ? [{ title: '商品折扣', amount: l.discount }] : [],
      total_price_before_discounts: l.unitPrice * l.qty,
      total_discount: l.discount,
      total_price_after_discounts: lineTotal(l),
      tax_type_id: 'inclusive_tax',
      related_items: [],
      weight: 0.5,
      photo: null,
    })),
  };
  if (o.corrupt === 'missing_items') out.line_items = null;
  return out;
}
