// The one interface every platform hides behind. Nothing outside packages/platforms asks which platform
// it is talking to: it asks the adapter.
import type { CanonicalOrder, PlatformKind } from '@oms/core';

/** A store with its platform app and decrypted secrets: what an adapter needs to make a call. */
export interface ChannelAccess {
  platform: {
    kind: PlatformKind;
    apiVersion: string | null;
    apiHost: string;
    authHost: string | null;
    appId: string | null;
    appSecret: string | null;
    settings: Record<string, unknown>;
  };
  channel: {
    id: string;
    externalShopId: string;
    accessToken: string | null;
    refreshToken: string | null;
    accessTokenExpiresAt: Date | null;
    /** Platform-specific secrets (momo loginInfo, Cyberbiz v1 key/secret), decrypted. */
    credentials: Record<string, string> | null;
  };
}

export interface TimeWindow {
  from: Date;
  to: Date;
  /** Which time the window filters on. */
  field: 'created' | 'updated';
}

/** One order as fetched: the raw payload (stored as is) and the platform's id for it. */
export interface FetchedOrder {
  externalId: string;
  raw: unknown;
}

export interface OrderPage {
  orders: FetchedOrder[];
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  /** The shop the token belongs to, when the platform says (Shopee shop_id, Shopline merchant id). */
  externalShopId?: string;
}

export interface ShipmentToPush {
  orderExternalId: string;
  /** The raw order as last fetched: some platforms need line ids or package numbers from it. */
  orderRaw: unknown;
  carrier: string;
  trackingNumber: string | null;
  packageNumber: string | null;
  /** The platform lines this shipment confirms (Cyberbiz line items, momo rows); null = every line of the order. */
  lineIds?: string[] | null;
  shippedAt: Date;
}

/** One line of an iDempiere shipment (M_InOutLine), matched to a line of the platform order by its product. */
export interface ShipmentItem {
  /** The canonical order's lineId; null when the product is on no line of the platform order. */
  lineId: string | null;
  sku: string | null;
  /** The iDempiere product (its Value), to name it in a reason. */
  product: string;
  quantity: number;
}

/** A shipment of an order as the plan sees it. */
export interface ShipmentOfOrder {
  id: string;
  /** The M_InOut's DocumentNo (or id), to name it in a reason. */
  label: string;
  /** What it carries; null for shipments recorded before items were read (taken as "the rest of the order"). */
  items: ShipmentItem[] | null;
}

/**
 * What one shipment becomes on the platform: pushed (for a package, or for some lines), recorded without a push
 * because the platform has no room for it (it already holds the earlier shipment's number for that part), or
 * blocked because it cannot be matched.
 */
export type ShipmentPlan =
  | { action: 'push'; packageNumber: string | null; lineIds: string[] | null }
  | { action: 'not_pushed'; reason: string }
  | { action: 'block'; reason: string };

export type PushResult =
  | { outcome: 'pushed'; trackingNumber: string | null; packageNumber?: string | null }
  /** The platform assigns the number itself; read it back later with readTracking. */
  | { outcome: 'awaiting_tracking'; packageNumber?: string | null };

export interface WebhookRequest {
  /** The full URL the platform called (Shopee signs it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export interface WebhookEvent {
  /** Store identity as the platform names it (shop_id, shop domain), to find the channel. */
  externalShopId: string | null;
  topic: string;
  /** The order that changed, when the event is about one. */
  orderExternalId: string | null;
}

export interface PlatformAdapter {
  readonly kind: PlatformKind;
  /** Requests per second the platform documents for one app/token; the queue limiter uses it. */
  readonly rateLimit: { max: number; durationMs: number };
  /** Widest window one listing may cover (Shopee 15 days, momo 2 months). */
  readonly maxWindowMs: number;
  /** Whether access tokens expire and need refresh-token jobs. */
  tokensExpire(store: ChannelAccess): boolean;

  /** Every order whose create (or update) time falls in the window, page by page, to the end. */
  listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage>;
  /** One order by its platform id (webhooks, retries); null when the platform no longer has it. */
  fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null>;
  /** The canonical order; throws InvalidOrderError naming the field. */
  normalize(raw: unknown): CanonicalOrder;
  /**
   * Where a later listing carries less than an earlier one (momo: prices only while unsent), the raw payload
   * to store given the one stored before; without it the new payload replaces the old.
   */
  mergeRaw?(previous: unknown, next: unknown): unknown;

  /** Throws NotSupportedError where the platform has no such thing (momo; non-expiring Shopline tokens). */
  refreshToken(store: ChannelAccess): Promise<TokenSet>;
  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string;
  exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet>;

  /**
   * What each shipment of one order becomes on the platform, in the order iDempiere's shipments were recorded
   * (earliest first: a part of the order goes with the first shipment that carries it). Pure, so that every
   * push of the order, in any worker, at any time, comes to the same answer.
   */
  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[];
  /**
   * The order to plan and push with, when the stored one may be out of date for it (Shopee: the seller can
   * split an order into packages after it was imported). Without it, the stored raw order is used.
   */
  orderForShipment?(store: ChannelAccess, orderExternalId: string): Promise<unknown | null>;
  pushShipment(store: ChannelAccess, shipment: ShipmentToPush): Promise<PushResult>;
  /** Reads back a tracking number the platform assigned; null while it has none yet. */
  readTracking(store: ChannelAccess, orderExternalId: string, packageNumber: string | null): Promise<string | null>;

  /** Verifies a webhook and says what it is about; throws WebhookRejectedError when it is not genuine. */
  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent;
}
