// How SHOPLINE shows an order (docs/platforms.md, "SHOPLINE: order payload and status mapping"): status, payment and
// delivery status, money objects, UTC times.
import { lineTotal, type Order, type OrderStatus } from '../../world/model.ts';
import { utcIso } from '../../world/time.ts';

export function shoplineStatus(o: Order): { status: string; payment: string; delivery: string } {
  const pay =
    o.status === 'returned' || (o.status === 'cancelled' && o.paidAt) ? 'refunded' : o.paidAt ? 'completed' : 'pending';
  const map: Record<OrderStatus, [string, string]> = {
    unpaid: ['pending', 'pending'],
    paid: ['confirmed', 'pending'],
    ready_to_ship: ['confirmed', 'shipping'],
    processed: ['confirmed', 'shipped'],
    shipped: ['confirmed', 'shipped'],
    completed: ['completed', 'arrived'],
    cancelled: ['cancelled', 'pending'],
    returned: ['completed', 'returned'],
  };
  const [status, delivery] = map[o.status];
  return { status, payment: pay, delivery };
}

const money = (dollars: number | string) => ({
  cents: typeof dollars === 'number' ? Math.round(dollars * 100) : dollars,
  dollars,
  currency_iso: 'TWD',
  currency_symbol: 'NT$',
  label: typeof dollars === 'number' ? `NT$${dollars.toLocaleString('en-US')}` : `NT$${dollars}`,
});

export function renderOrder(o: Order): Record<string, unknown> {
  const st = shoplineStatus(o);
  const subtotal = o.lines.reduce((s, l) => s + lineTotal(l), 0);
  const t = (ms: number | null) => (ms === null ? null : utcIso(ms));
  const out: Record<string, unknown> = {
    id: o.externalId,
    order_number: o.number,
    system_order_number: o.number,
    merchant_order_number: null,
    status: st.status,
    created_from: 'shop',
    channel: { created_by_channel_id: null, created_by_channel_name: null },
    customer_id: (o.uid * 7919).toString(16).padStart(24, '0'),
    customer_name: o.buyer.name,
    customer_email: o.buyer.email,
    customer_phone: o.buyer.phone,
    currency_iso: 'TWD',
    subtotal: money(subtotal),
    total: money(o.total),
    order_discount: money(o.discount),
    user_credit: money(0),
    total_tax_fee: money(0),
    order_points_to_cash: money(0),
    order_payment: {
      id: `p${o.externalId.slice(1)}`,
      payment_type: o.paymentMethod,
      status: st.payment,
      total: money(o.total),
      paid_at: t(o.paidAt),
    },
    order_delivery: {
      id: `d${o.externalId.slice(1)}`,
      delivery_option_id: o.delivery === 'custom' ? 'custom-home' : o.delivery,
      platform: o.delivery === 'custom' ? 'custom' : 'tw_711',
      region_type: o.delivery === 'custom' ? 'custom' : o.delivery,
      status: st.delivery,
      delivery_status: st.delivery,
      delivery_type: o.delivery === 'custom' ? 'custom' : 'integrated',
      total: money(o.shippingFee),
      shipped_at: t(o.shippedAt),
      arrived_at: t(o.completedAt),
      remark: null,
    },
    delivery_address: {
      recipient_name: o.buyer.name,
      recipient_phone: o.buyer.phone,
      country_code: 'TW',
      city: o.address.city,
      state: null,
      postcode: o.address.zip,
      address_1: o.address.street,
      address_2: null,
      district: o.address.district,
    },
    delivery_data: {
      tracking_number: o.trackingNumber,
      tracking_url: o.trackingUrl ?? null,
      location_code: null,
      location_name: null,
      store_address: null,
    },
    subtotal_items: o.lines.map((l, i) => ({
      id: l.id,
      item_type: 'Product',
      item_id: (400_000 + l.productId).toString(16).padStart(24, '0'),
      item_variation_key: null,
      sku: l.sku,
      quantity: l.qty,
      item_price: money(l.unitPrice),
      price: money(l.unitPrice),
      discounted_price: money(l.unitPrice - l.discount / l.qty),
      total: o.corrupt === 'bad_price' && i === 0 ? money(`${lineTotal(l)}元`) : money(lineTotal(l)),
      title_translations: { 'zh-hant': l.name, en: l.name },
    })),
    invoice: null,
    tags: [],
    created_at: t(o.createdAt),
    updated_at: t(o.updatedAt),
    ...(o.archived ? { is_archived: true } : {}),
  };
  if (o.corrupt === 'missing_items') delete out.subtotal_items;
  return out;
}
