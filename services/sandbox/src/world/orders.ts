// A new order of a store: lines from the catalog, money, delivery, the ids each platform gives, and its life up
// to the scenario's end. Every draw comes from the world's Rng, in a fixed order: same seed, same orders.
import { CATALOG } from './catalog.ts';
import { live, type Sequences } from './life.ts';
import {
  lineTotal,
  splitPackages,
  type Order,
  type OrderLine,
  type OrderStatus,
  type PlatformKind,
  type Store,
} from './model.ts';
import { address, person, type Rng } from './random.ts';
import { DEFAULT_MIX, type Scenario } from './scenario.ts';
import { taipeiCompactDate } from './time.ts';

/** What making an order needs from the world: its counters and the ids already given out. */
export interface OrderMint {
  nextUid(): number;
  readonly seq: Sequences;
  /** make() again until it gives an id not used in this world yet */
  uniqueId(make: () => string): string;
}

const SHOPEE_DELIVERY = [
  { delivery: 'pickup', carrier: '黑貓宅急便' },
  { delivery: 'dropoff', carrier: '7-ELEVEN' },
  { delivery: 'non_integrated', carrier: '賣家宅配' },
] as const;

/** A new order of a store; `to` caps its life story (statuses past `to` have not happened yet). */
export function makeOrder(
  m: OrderMint,
  store: Store,
  rng: Rng,
  createdAt: number,
  to: number,
  s: Scenario,
  target?: OrderStatus,
): Order {
  const platform = store.platform;
  const lineCount = rng.int(1, 8);
  const lines: OrderLine[] = [];
  const used = new Set<number>();
  for (let i = 0; i < lineCount; i++) {
    let product = rng.pick(CATALOG);
    while (used.has(product.id)) product = rng.pick(CATALOG);
    used.add(product.id);
    const qty = rng.chance(0.7) ? 1 : rng.int(2, 4);
    const perUnitDiscount = platform !== 'momo' && rng.chance(0.2) ? rng.pick([5, 10, 20]) : 0;
    lines.push({
      id: '',
      productId: product.id,
      sku: product.value,
      name: product.name,
      qty,
      unitPrice: product.price,
      discount: perUnitDiscount * qty,
      variation: product.id % 2 === 0,
    });
  }
  if (rng.chance(s.unknownSkuShare)) {
    const l = lines[rng.int(0, lines.length - 1)]!;
    l.sku = `UNK-${rng.digits(5)}`;
    l.name = `未上架商品 ${l.sku}`;
    l.productId = 0;
  }
  const subtotal = lines.reduce((sum, l) => sum + lineTotal(l), 0);
  const shippingFee = platform === 'momo' ? 0 : subtotal >= 1500 ? 0 : rng.pick([60, 80, 100, 120]);
  // Shopee's seller vouchers are not in the order detail, momo has none: order discounts only elsewhere.
  const discount =
    (platform === 'cyberbiz' || platform === 'shopline') && rng.chance(0.25)
      ? Math.min(rng.pick([50, 100, 150]), Math.floor(subtotal / 2))
      : 0;
  const cod = platform !== 'momo' && rng.chance(s.codShare);
  const delivery =
    platform === 'shopee'
      ? rng.pick(SHOPEE_DELIVERY)
      : platform === 'shopline'
        ? rng.chance(0.75)
          ? { delivery: 'custom', carrier: '宅配' }
          : { delivery: 'tw_711_b2c', carrier: '7-11 取貨' }
        : { delivery: 'home', carrier: '宅配' };
  const o: Order = {
    uid: m.nextUid(),
    platform,
    store,
    externalId: '',
    number: '',
    status: 'unpaid',
    createdAt,
    updatedAt: createdAt,
    paidAt: null,
    shippedAt: null,
    completedAt: null,
    cancelledAt: null,
    returnedAt: null,
    cod,
    paymentMethod: paymentMethod(platform, cod, rng),
    buyer: person(rng),
    address: address(rng),
    lines,
    shippingFee,
    discount,
    total: subtotal + shippingFee - discount,
    note: rng.chance(0.2) ? rng.pick(['請盡快出貨', '不要附發票', '請包裝完整', '送禮用，請勿放價格']) : '',
    delivery: delivery.delivery,
    carrier: delivery.carrier,
    archived: false,
    corrupt: null,
    packageNumber: `OFG${rng.digits(15)}`,
    packages: null,
    trackingNumber: null,
    trackingPolls: 0,
    fulfillments: [],
    sentRows: new Set(),
    cache: new Map(),
  };
  assignIds(m, o, rng);
  let final = target ?? rng.weighted(s.statusMix ?? DEFAULT_MIX);
  if (final === 'unpaid' && (cod || platform === 'momo')) final = 'paid'; // COD skips payment; momo only hands over paid orders
  live(o, final, rng, to, m.seq);
  // Drawn only when asked for, so that worlds without splits stay the same for a seed.
  if (
    platform === 'shopee' &&
    s.shopeeSplitShare > 0 &&
    lines.length >= 2 &&
    (o.status === 'paid' || o.status === 'ready_to_ship') &&
    rng.chance(s.shopeeSplitShare)
  ) {
    o.packages = splitPackages(o, { count: 2 });
  }
  return o;
}

function assignIds(m: OrderMint, o: Order, rng: Rng): void {
  const day = taipeiCompactDate(o.createdAt);
  switch (o.platform) {
    case 'shopee':
      o.externalId = o.number = m.uniqueId(() => day.slice(2) + rng.chars(8, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'));
      o.lines.forEach((l) => (l.id = String(++m.seq.lineId)));
      break;
    case 'cyberbiz':
      o.externalId = String(++m.seq.cyberbizOrderId);
      o.number = String(1000 + o.store.nextNumber++);
      o.lines.forEach((l) => (l.id = String(++m.seq.lineId)));
      break;
    case 'shopline':
      o.externalId = m.uniqueId(
        () =>
          Math.floor(o.createdAt / 1000)
            .toString(16)
            .padStart(8, '0') + rng.hex(16),
      );
      o.number = m.uniqueId(() => day + rng.digits(6));
      o.lines.forEach((l) => (l.id = rng.hex(24)));
      break;
    case 'momo':
      o.externalId = o.number = `${day}${String(++m.seq.momoOrderNo).padStart(6, '0')}`;
      o.lines.forEach((l, i) => (l.id = `${o.externalId}-${String(i + 1).padStart(3, '0')}-001-001`));
      break;
  }
}

function paymentMethod(platform: PlatformKind, cod: boolean, rng: Rng): string {
  switch (platform) {
    case 'shopee':
      return cod ? 'Cash on Delivery' : rng.pick(['Credit Card', 'ShopeePay', 'Bank Transfer']);
    case 'cyberbiz':
      return cod ? 'cod' : rng.pick(['credit_card', 'atm', 'line_pay']);
    case 'shopline':
      return cod ? 'cash_on_delivery' : rng.pick(['credit_card', 'atm_virtual_account', 'line_pay']);
    case 'momo':
      return 'momo';
  }
}
