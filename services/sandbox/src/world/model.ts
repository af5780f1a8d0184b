// The sandbox's truth: stores, orders and tokens, held in memory. Each platform renders the same truth
// in its own shape (see ../platforms); control routes read and move it.
import type { Address, Person } from './random.ts';

export const PLATFORM_KINDS = ['shopee', 'cyberbiz', 'shopline', 'momo'] as const;
/** The platform kinds, as @oms/core names them (the sandbox keeps its own copy: it shares no code with the OMS). */
export type PlatformKind = (typeof PLATFORM_KINDS)[number];
export const SYSTEMS = [...PLATFORM_KINDS, 'idempiere'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * The platform-neutral life of an order. `processed` = shipment arranged/confirmed by the seller through
 * the API but not yet picked up (Shopee PROCESSED); the other platforms show it as shipped.
 */
export const ORDER_STATUSES = [
  'unpaid',
  'paid',
  'ready_to_ship',
  'processed',
  'shipped',
  'completed',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  /** The platform's line id (Cyberbiz line_items.id, Shopee order_item_id, Shopline item id, momo row). */
  id: string;
  productId: number;
  sku: string;
  name: string;
  qty: number;
  /** Unit list price (TWD, whole dollars: exact in floats, cents and strings alike). */
  unitPrice: number;
  /** Discount on the whole line (a multiple of qty, so the unit price after discount is whole too). */
  discount: number;
  /** Shopee: whether the item has variations (SKU in model_sku) or not (SKU in item_sku). */
  variation: boolean;
}

export type CorruptKind = 'missing_items' | 'bad_price';

export interface Shipment {
  platform: PlatformKind;
  store: string;
  orderExternalId: string;
  /** Shopee: the package of a split order this shipment is for. */
  packageNumber?: string;
  /** Cyberbiz fulfillment line items / momo rows this shipment confirmed (absent: the whole order). */
  lineIds?: string[];
  carrier: string;
  trackingNumber: string | null;
  method: string;
  /** Successful confirmations; "once each" means 1. */
  confirmations: number;
  /** Every attempt, refused ones included. */
  attempts: number;
  at: number;
  /** Shopline: the delivery status the seller set after the tracking number (part of the same shipment). */
  deliveryStatus?: string;
}

export interface Order {
  /** Unique across the world; ties in the time indexes break on it. */
  uid: number;
  platform: PlatformKind;
  store: Store;
  externalId: string;
  number: string;
  status: OrderStatus;
  createdAt: number;
  updatedAt: number;
  paidAt: number | null;
  shippedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
  returnedAt: number | null;
  cod: boolean;
  paymentMethod: string;
  buyer: Person;
  address: Address;
  lines: OrderLine[];
  shippingFee: number;
  discount: number;
  total: number;
  note: string;
  /** Delivery kind: Shopee logistics (pickup|dropoff|non_integrated), Shopline custom|integrated. */
  delivery: string;
  carrier: string;
  /** Shopline: archived orders answer 410 on Get Order. */
  archived: boolean;
  corrupt: CorruptKind | null;
  /** Arranged shipment as the platform knows it. */
  packageNumber: string;
  /**
   * Shopee: the packages of an order the seller split (Seller Centre "split order"; scenario shopeeSplitShare or
   * control /_sandbox/shopee/split); null for an order of one package. Each logistics call then names one.
   */
  packages: ShopeePackage[] | null;
  trackingNumber: string | null;
  trackingUrl?: string;
  /** Shopee: the 3PL number is not visible at the first poll after arrangement. */
  trackingPolls: number;
  fulfillments: { id: number; company: string; number: string; lineIds: string[]; at: number }[];
  /** momo: rows (lines) confirmed as shipped. */
  sentRows: Set<string>;
  /** momo: the slip number each row was confirmed with (rows of one order may ship apart). */
  rowSlips?: Map<string, string>;
  /** Rendered JSON (UTF-8) per view, dropped on any change. */
  cache: Map<string, Buffer>;
}

export interface ShopeePackage {
  packageNumber: string;
  /** Order lines (OrderLine.id) in the package, whole lines. */
  lineIds: string[];
  /** Set by ship_order (or when the order ships as a whole): the package is arranged. */
  arrangedAt: number | null;
  trackingNumber: string | null;
  /** As Order.trackingPolls, per package. */
  trackingPolls: number;
}

/**
 * The seller splits an order into packages: `groups` of line ids (every line exactly once, at least two
 * groups), or the lines dealt round-robin into `count` packages. Package numbers follow the order's own.
 */
export function splitPackages(o: Order, opts: { groups?: string[][]; count?: number }): ShopeePackage[] {
  const ids = o.lines.map((l) => l.id);
  let groups = opts.groups;
  if (!groups) {
    const n = Math.min(opts.count ?? 2, ids.length);
    groups = Array.from({ length: n }, (_, g) => ids.filter((_, i) => i % n === g));
  }
  const seen = groups.flat();
  if (groups.length < 2 || groups.some((g) => g.length === 0))
    throw new Error('a split needs at least two packages, none empty');
  if (seen.length !== ids.length || ids.some((id) => !seen.includes(id)))
    throw new Error(`every line must be in exactly one package (lines ${ids.join(', ')})`);
  return groups.map((lineIds, i) => ({
    packageNumber: `${o.packageNumber}${String.fromCharCode(65 + i)}`,
    lineIds,
    arrangedAt: null,
    trackingNumber: null,
    trackingPolls: 0,
  }));
}

export interface Grant {
  store: Store;
  expiresAt: number;
  used?: boolean;
}

export interface Store {
  platform: PlatformKind;
  /** shop_id / shop domain / merchant id / entpCode. */
  key: string;
  index: number;
  numericId: number;
  name: string;
  /** Current tokens (what /_sandbox/credentials shows). */
  accessToken: string | null;
  accessExpiresAt: number | null;
  refreshToken: string | null;
  refreshExpiresAt: number | null;
  /** momo loginInfo, Cyberbiz v1 key/secret. */
  login: Record<string, string>;
  byCreated: SortedIndex;
  byUpdated: SortedIndex;
  byId: Map<string, Order>;
  byNumber: Map<string, Order>;
  nextNumber: number;
}

export interface PlatformState {
  name: PlatformKind;
  appId: string;
  appSecret: string;
  stores: Store[];
  storeByKey: Map<string, Store>;
  access: Map<string, Grant>;
  refresh: Map<string, Grant>;
  /** OAuth codes: single use, 10 minutes. */
  codes: Map<string, Grant & { redirectUri?: string }>;
  shipments: Map<string, Shipment>;
}

/** Orders of one store sorted by (time, uid): binary search for windows and keyset cursors. */
export class SortedIndex {
  readonly items: Order[] = [];
  constructor(private readonly key: (o: Order) => number) {}

  /** First position whose (time, uid) is >= the given one. */
  lowerBound(time: number, uid = -Infinity): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const o = this.items[mid]!;
      const t = this.key(o);
      if (t < time || (t === time && o.uid < uid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Orders with from <= time <= to (inclusive both ends). */
  range(from: number, to: number): Order[] {
    return this.items.slice(this.lowerBound(from), this.lowerBound(to, Infinity));
  }

  /** For bulk seeding: append everything, then sort once. */
  bulk(orders: Order[]): void {
    this.items.push(...orders);
    this.items.sort((a, b) => this.key(a) - this.key(b) || a.uid - b.uid);
  }

  insert(o: Order): void {
    this.items.splice(this.lowerBound(this.key(o), o.uid), 0, o);
  }

  /** Call BEFORE the order's key changes. */
  remove(o: Order): void {
    const i = this.lowerBound(this.key(o), o.uid);
    if (this.items[i] === o) this.items.splice(i, 1);
    else {
      const j = this.items.indexOf(o);
      if (j >= 0) this.items.splice(j, 1);
    }
  }
}

export function newStore(platform: PlatformKind, index: number, key: string, numericId: number, name: string): Store {
  return {
    platform,
    key,
    index,
    numericId,
    name,
    accessToken: null,
    accessExpiresAt: null,
    refreshToken: null,
    refreshExpiresAt: null,
    login: {},
    byCreated: new SortedIndex((o) => o.createdAt),
    byUpdated: new SortedIndex((o) => o.updatedAt),
    byId: new Map(),
    byNumber: new Map(),
    nextNumber: 1,
  };
}

export function addOrder(store: Store, o: Order): void {
  store.byCreated.insert(o);
  store.byUpdated.insert(o);
  store.byId.set(o.externalId, o);
  store.byNumber.set(o.number, o);
}

/** Every change to an order goes through here: re-indexes its update time and drops cached renderings. */
export function touch(o: Order, now: number, change: (o: Order) => void): void {
  o.store.byUpdated.remove(o);
  change(o);
  // Update times never go backwards, even when two changes land in the same millisecond.
  o.updatedAt = Math.max(now, o.updatedAt);
  o.store.byUpdated.insert(o);
  o.cache.clear();
}

export function lineTotal(l: OrderLine): number {
  return l.unitPrice * l.qty - l.discount;
}
