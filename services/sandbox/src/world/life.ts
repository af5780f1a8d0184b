// An order's life: the statuses it goes through and the times and shipping facts each one sets.
import type { Order, OrderStatus } from './model.ts';
import type { Rng } from './random.ts';

/** The world's running numbers (Cyberbiz ids, line ids, momo order numbers, fulfillments), continued by new orders. */
export interface Sequences {
  cyberbizOrderId: number;
  lineId: number;
  momoOrderNo: number;
  fulfillmentId: number;
}

/** Walks the order through its life up to `final`, stopping at `to`. */
export function live(o: Order, final: OrderStatus, rng: Rng, to: number, seq: Sequences): void {
  const min = 60_000;
  const steps: [OrderStatus, number][] = [];
  let t = o.createdAt;
  const step = (status: OrderStatus, after: number) => {
    t += after;
    steps.push([status, t]);
  };
  const paid = () => step('paid', o.cod ? 0 : rng.int(1, 90) * min);
  if (final === 'cancelled') {
    // momo hands the supplier paid orders only: its cancellations are intercepts of paid orders.
    if (rng.chance(0.5) || o.cod || o.platform === 'momo') paid();
    step('cancelled', rng.int(5, 2880) * min);
  } else if (final !== 'unpaid') {
    const chain: OrderStatus[] = ['paid', 'ready_to_ship', 'shipped', 'completed', 'returned'];
    const upto = chain.indexOf(final === 'processed' ? 'shipped' : final);
    paid();
    if (upto >= 1) step('ready_to_ship', rng.int(10, 600) * min);
    if (upto >= 2) step('shipped', rng.int(60, 2880) * min);
    if (upto >= 3) step('completed', rng.int(1440, 7200) * min);
    if (upto >= 4) step('returned', rng.int(1440, 10080) * min);
  }
  for (const [status, at] of steps) {
    if (at > to) break;
    applyStatus(o, status, at, rng.digits(12), seq);
  }
}

/** Sets a status and the times and shipping facts that go with it (no re-indexing: see touch()). */
export function applyStatus(o: Order, status: OrderStatus, at: number, trackingDigits: string, seq: Sequences): void {
  o.status = status;
  o.updatedAt = Math.max(at, o.updatedAt);
  switch (status) {
    case 'paid':
      if (!o.cod) o.paidAt = at;
      break;
    case 'processed':
    case 'shipped':
      o.shippedAt ??= at;
      if (!o.trackingNumber) {
        o.trackingNumber = trackingNumberFor(o, trackingDigits);
        o.trackingPolls = 1; // seeded shipments: the number is already visible
      }
      // A split order shipped as a whole (control transition): every package not arranged yet is now.
      for (const [i, pk] of (o.packages ?? []).entries()) {
        if (pk.arrangedAt !== null) continue;
        pk.arrangedAt = at;
        pk.trackingNumber = `${o.trackingNumber}${i}`;
        pk.trackingPolls = 1;
      }
      if (o.platform === 'cyberbiz' && o.fulfillments.length === 0)
        o.fulfillments.push({
          id: ++seq.fulfillmentId,
          company: 'ezcat',
          number: o.trackingNumber,
          lineIds: o.lines.map((l) => l.id),
          at,
        });
      if (o.platform === 'momo') o.lines.forEach((l) => o.sentRows.add(l.id));
      break;
    case 'completed':
      o.completedAt = at;
      if (o.cod) o.paidAt ??= at;
      break;
    case 'cancelled':
      o.cancelledAt = at;
      break;
    case 'returned':
      o.returnedAt = at;
      break;
    default:
      break;
  }
}

export function trackingNumberFor(o: Order, digits: string): string {
  switch (o.platform) {
    case 'shopee':
      return `TW${digits}`;
    case 'momo':
      return digits;
    default:
      return digits.slice(0, 10);
  }
}
