// The world: every platform's stores and orders, rebuilt from a scenario. Same seed, same world (ids,
// orders, opaque tokens; JWTs carry the issue time and so differ).
import { z } from 'zod';
import { CATALOG } from './catalog.ts';
import { address, person, Rng } from './random.ts';
import { taipeiCompactDate } from './time.ts';
import { cryptoHex, issueTokens, type HexSource } from './tokens.ts';
import {
  addOrder,
  lineTotal,
  newStore,
  ORDER_STATUSES,
  PLATFORM_KINDS,
  splitPackages,
  type Order,
  type OrderLine,
  type OrderStatus,
  type PlatformKind,
  type PlatformState,
  type Store,
} from './model.ts';

const SEEDABLE = ORDER_STATUSES.filter((s) => s !== 'processed') as Exclude<OrderStatus, 'processed'>[];
const share = z.number().min(0).max(1);
const storeCount = z.number().int().min(0).max(200);

export const scenarioSchema = z
  .object({
    seed: z.number().int().default(1),
    stores: z
      .object({ shopee: storeCount, cyberbiz: storeCount, shopline: storeCount, momo: storeCount })
      .partial()
      .optional(),
    storesPerPlatform: storeCount.optional(),
    ordersPerStore: z.number().int().min(0).max(100_000).default(50),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    unknownSkuShare: share.default(0.05),
    codShare: share.default(0.2),
    /** Shopee: share of unshipped orders of two or more lines that the seller split into two packages. */
    shopeeSplitShare: share.default(0),
    /** Shopline: the oldest share of orders is archived (Get Order answers 410). */
    archivedShare: share.default(0.02),
    /** Weights of the statuses orders end in; statuses left out get none (default: a realistic mix). */
    statusMix: z
      .object(
        Object.fromEntries(SEEDABLE.map((s) => [s, z.number().min(0)])) as Record<
          (typeof SEEDABLE)[number],
          z.ZodNumber
        >,
      )
      .partial()
      .strict()
      .refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), {
        message: 'at least one status needs a weight above 0',
      })
      .optional(),
  })
  .strict()
  .refine((s) => !s.from || !s.to || Date.parse(s.from) < Date.parse(s.to), {
    message: 'from must be before to',
    path: ['from'],
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

const DEFAULT_MIX: Record<(typeof SEEDABLE)[number], number> = {
  unpaid: 0.08,
  paid: 0.3,
  ready_to_ship: 0.1,
  shipped: 0.22,
  completed: 0.18,
  cancelled: 0.08,
  returned: 0.04,
};

const SHOPEE_DELIVERY = [
  { delivery: 'pickup', carrier: '黑貓宅急便' },
  { delivery: 'dropoff', carrier: '7-ELEVEN' },
  { delivery: 'non_integrated', carrier: '賣家宅配' },
] as const;

export class World {
  platforms!: Record<PlatformKind, PlatformState>;
  scenario!: Scenario;
  private uid = 0;
  /** Global sequences (Cyberbiz ids, momo order numbers), continued by orders created later. */
  seq = { cyberbizOrderId: 0, lineId: 0, momoOrderNo: 0, fulfillmentId: 0 };
  private usedIds = new Set<string>();

  constructor(input: ScenarioInput = {}) {
    this.reset(scenarioSchema.parse(input));
  }

  /** Resets the world and seeds it from the scenario. */
  reset(s: Scenario, now = Date.now()): void {
    this.scenario = s;
    this.uid = 0;
    this.usedIds.clear();
    const rng = new Rng(s.seed);
    this.seq = {
      cyberbizOrderId: 7_000_000 + rng.int(0, 999) * 1000,
      lineId: 30_000_000,
      momoOrderNo: rng.int(100, 999) * 1000,
      fulfillmentId: 900_000,
    };
    const hex: HexSource = (n) => rng.hex(n);
    const to = s.to ? Date.parse(s.to) : now;
    const from = s.from ? Date.parse(s.from) : to - 30 * 86400_000;
    // Platform states keep their identity across resets: the platform apps hold on to them.
    this.platforms ??= {} as Record<PlatformKind, PlatformState>;
    for (const name of PLATFORM_KINDS) {
      const p: PlatformState = Object.assign(this.platforms[name] ?? ({} as PlatformState), {
        name,
        appId: name === 'shopee' ? String(rng.int(1_000_000, 2_999_999)) : rng.hex(24),
        appSecret: name === 'shopee' ? rng.hex(64) : rng.hex(40),
        stores: [],
        storeByKey: new Map(),
        access: new Map(),
        refresh: new Map(),
        codes: new Map(),
        shipments: new Map(),
      });
      this.platforms[name] = p;
      const count = s.stores?.[name] ?? s.storesPerPlatform ?? 1;
      for (let i = 0; i < count; i++) {
        const store = this.makeStore(p, i, rng);
        p.stores.push(store);
        p.storeByKey.set(store.key, store);
        if (name !== 'momo') issueTokens(p, store, hex, now);
        const orders: Order[] = [];
        const times: number[] = [];
        for (let k = 0; k < s.ordersPerStore; k++) times.push(from + Math.floor(rng.next() * (to - from)));
        times.sort((a, b) => a - b);
        const archivedBelow = name === 'shopline' ? Math.floor(times.length * s.archivedShare) : 0;
        for (let k = 0; k < times.length; k++) {
          const o = this.makeOrder(store, rng, times[k]!, to, s);
          o.archived = k < archivedBelow;
          orders.push(o);
        }
        store.byCreated.bulk(orders);
        store.byUpdated.bulk(orders);
        for (const o of orders) {
          store.byId.set(o.externalId, o);
          store.byNumber.set(o.number, o);
        }
      }
    }
  }

  private makeStore(p: PlatformState, i: number, rng: Rng): Store {
    const n = i + 1;
    switch (p.name) {
      case 'shopee': {
        const id = 1_000_000 + n * 1000 + rng.int(0, 999);
        return newStore('shopee', i, String(id), id, `蝦皮測試賣場 ${n}`);
      }
      case 'cyberbiz': {
        const s = newStore('cyberbiz', i, `sandbox-shop-${n}.cyberbiz.co`, 5000 + n, `Cyberbiz 測試商店 ${n}`);
        s.login = { apiKey: `v1key-${rng.hex(12)}`, apiSecret: rng.hex(32) };
        return s;
      }
      case 'shopline': {
        const id = rng.hex(24);
        return newStore('shopline', i, id, n, `SHOPLINE 測試商店 ${n}`);
      }
      case 'momo': {
        const entpCode = String(100000 + n * 7 + rng.int(0, 6));
        const s = newStore('momo', i, entpCode, +entpCode, `momo 供應商 ${n}`);
        s.login = {
          entpID: String(rng.int(10_000_000, 99_999_999)),
          entpCode,
          entpPwd: `pw${rng.chars(8, 'abcdefghjkmnpqrstuvwxyz23456789')}`,
          otpBackNo: rng.digits(3),
        };
        return s;
      }
    }
  }

  private uniqueId(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  /** A new order of a store; `to` caps its life story (statuses past `to` have not happened yet). */
  makeOrder(store: Store, rng: Rng, createdAt: number, to: number, s: Scenario, target?: OrderStatus): Order {
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
      uid: ++this.uid,
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
    this.assignIds(o, rng);
    let final = target ?? rng.weighted(s.statusMix ?? DEFAULT_MIX);
    if (final === 'unpaid' && (cod || platform === 'momo')) final = 'paid'; // COD skips payment; momo only hands over paid orders
    this.live(o, final, rng, to);
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

  private assignIds(o: Order, rng: Rng): void {
    const day = taipeiCompactDate(o.createdAt);
    switch (o.platform) {
      case 'shopee':
        o.externalId = o.number = this.uniqueId(
          () => day.slice(2) + rng.chars(8, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'),
        );
        o.lines.forEach((l) => (l.id = String(++this.seq.lineId)));
        break;
      case 'cyberbiz':
        o.externalId = String(++this.seq.cyberbizOrderId);
        o.number = String(1000 + o.store.nextNumber++);
        o.lines.forEach((l) => (l.id = String(++this.seq.lineId)));
        break;
      case 'shopline':
        o.externalId = this.uniqueId(
          () =>
            Math.floor(o.createdAt / 1000)
              .toString(16)
              .padStart(8, '0') + rng.hex(16),
        );
        o.number = this.uniqueId(() => day + rng.digits(6));
        o.lines.forEach((l) => (l.id = rng.hex(24)));
        break;
      case 'momo':
        o.externalId = o.number = `${day}${String(++this.seq.momoOrderNo).padStart(6, '0')}`;
        o.lines.forEach((l, i) => (l.id = `${o.externalId}-${String(i + 1).padStart(3, '0')}-001-001`));
        break;
    }
  }

  /** Walks the order through its life up to `final`, stopping at `to`. */
  private live(o: Order, final: OrderStatus, rng: Rng, to: number): void {
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
      this.apply(o, status, at, rng.digits(12));
    }
  }

  /** Sets a status and the times and shipping facts that go with it (no re-indexing: see touch()). */
  apply(o: Order, status: OrderStatus, at: number, trackingDigits: string): void {
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
            id: ++this.seq.fulfillmentId,
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

  /** A new order created now (control: orders/create). */
  createOrderNow(store: Store, now: number): Order {
    const rng = new Rng((now ^ Math.imul(this.uid, 2654435761)) >>> 0);
    const o = this.makeOrder(store, rng, now, now, this.scenario, 'unpaid');
    // Paid right away for momo (it only hands paid orders to suppliers) and for most others.
    if (o.platform === 'momo' || o.cod || rng.chance(0.6)) this.apply(o, 'paid', now, '');
    addOrder(store, o);
    return o;
  }

  platform(name: PlatformKind): PlatformState {
    return this.platforms[name];
  }

  hex: HexSource = cryptoHex;
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
