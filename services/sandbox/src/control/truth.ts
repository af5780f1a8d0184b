// The truth about an order, as GET /_sandbox/orders shows it: what the world holds, with the status each
// platform would show for it.
import { cyberbizStatuses } from '../platforms/cyberbiz/index.ts';
import { sendingRemark } from '../platforms/momo/index.ts';
import { SHOPEE_STATUS } from '../platforms/shopee/index.ts';
import { shoplineStatus } from '../platforms/shopline/index.ts';
import { lineTotal, type Order } from '../world/model.ts';

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function platformStatus(o: Order): string {
  switch (o.platform) {
    case 'shopee':
      return SHOPEE_STATUS[o.status];
    case 'cyberbiz': {
      const s = cyberbizStatuses(o);
      return `${s.order_status}/${s.financial_status}/${s.fulfillment_status}`;
    }
    case 'shopline': {
      const s = shoplineStatus(o);
      return `${s.status}/${s.payment}/${s.delivery}`;
    }
    case 'momo':
      return momoStage(o);
  }
}

/** The vendor-delivery query that lists a momo order, with the delivery state of sendingCompanyQuery. */
function momoStage(o: Order): string {
  if (o.status === 'paid' || o.status === 'ready_to_ship' || o.status === 'unpaid') return 'unsend';
  if (o.status === 'cancelled') return 'stop';
  if (o.status === 'returned') return 'recover';
  return `sending/${sendingRemark(o)}`;
}

export function truth(o: Order) {
  return {
    platform: o.platform,
    store: o.store.key,
    externalId: o.externalId,
    number: o.number,
    status: o.status,
    platformStatus: platformStatus(o),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    paidAt: iso(o.paidAt),
    shippedAt: iso(o.shippedAt),
    cancelledAt: iso(o.cancelledAt),
    cod: o.cod,
    paymentMethod: o.paymentMethod,
    currency: 'TWD',
    customer: { name: o.buyer.name, phone: o.buyer.phone, email: o.buyer.email },
    address: o.address,
    lines: o.lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      name: l.name,
      qty: l.qty,
      unitPrice: l.unitPrice,
      discount: l.discount,
      total: lineTotal(l),
      knownSku: l.productId !== 0,
    })),
    shippingFee: o.shippingFee,
    discount: o.discount,
    total: o.total,
    delivery: o.delivery,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    archived: o.archived,
    corrupt: o.corrupt,
    // Shopee split orders: each package with its lines and, once arranged, its tracking number.
    packages:
      o.packages?.map((pk) => ({
        packageNumber: pk.packageNumber,
        lineIds: pk.lineIds,
        arranged: pk.arrangedAt !== null,
        trackingNumber: pk.trackingNumber,
      })) ?? null,
  };
}
