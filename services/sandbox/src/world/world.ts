// The world: every platform's stores and orders, rebuilt from a scenario. Same seed, same world (ids,
// orders, opaque tokens; JWTs carry the issue time and so differ). Orders are made in orders.ts and live their
// life in life.ts; the scenario's shape is scenario.ts.
import { applyStatus, type Sequences } from './life.ts';
import {
  addOrder,
  newStore,
  PLATFORM_KINDS,
  type Order,
  type OrderStatus,
  type PlatformKind,
  type PlatformState,
  type Store,
} from './model.ts';
import { makeOrder, type OrderMint } from './orders.ts';
import { Rng } from './random.ts';
import { scenarioSchema, type Scenario, type ScenarioInput } from './scenario.ts';
import { cryptoHex, issueTokens, type HexSource } from './tokens.ts';

export { scenarioSchema, type Scenario, type ScenarioInput } from './scenario.ts';

export class World implements OrderMint {
  platforms!: Record<PlatformKind, PlatformState>;
  scenario!: Scenario;
  private uid = 0;
  /** Global sequences (Cyberbiz ids, momo order numbers), continued by orders created later. */
  seq: Sequences = { cyberbizOrderId: 0, lineId: 0, momoOrderNo: 0, fulfillmentId: 0 };
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

  uniqueId(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  nextUid(): number {
    return ++this.uid;
  }

  /** A new order of a store; `to` caps its life story (statuses past `to` have not happened yet). */
  makeOrder(store: Store, rng: Rng, createdAt: number, to: number, s: Scenario, target?: OrderStatus): Order {
    return makeOrder(this, store, rng, createdAt, to, s, target);
  }

  /** Sets a status and the times and shipping facts that go with it (no re-indexing: see touch()). */
  apply(o: Order, status: OrderStatus, at: number, trackingDigits: string): void {
    applyStatus(o, status, at, trackingDigits, this.seq);
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
