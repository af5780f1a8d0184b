// The one interface every platform hides behind. Nothing outside packages/platforms asks which platform
// it is talking to: it asks the adapter.
import type { CanonicalOrder, Platform } from '@oms/core';

/** A store with its platform app and decrypted secrets: what an adapter needs to make a call. */
export interface StoreAccess {
  platform: {
    kind: Platform;
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
  shippedAt: Date;
}

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
  readonly kind: Platform;
  /** Requests per second the platform documents for one app/token; the queue limiter uses it. */
  readonly rateLimit: { max: number; durationMs: number };
  /** Widest window one listing may cover (Shopee 15 days, momo 2 months). */
  readonly maxWindowMs: number;
  /** Whether access tokens expire and need refresh-token jobs. */
  tokensExpire(store: StoreAccess): boolean;

  /** Every order whose create (or update) time falls in the window, page by page, to the end. */
  listOrders(store: StoreAccess, window: TimeWindow): AsyncIterable<OrderPage>;
  /** One order by its platform id (webhooks, retries); null when the platform no longer has it. */
  fetchOrder(store: StoreAccess, externalId: string): Promise<FetchedOrder | null>;
  /** The canonical order; throws InvalidOrderError naming the field. */
  normalize(raw: unknown): CanonicalOrder;
  /**
   * Where a later listing carries less than an earlier one (momo: prices only while unsent), the raw payload
   * to store given the one stored before; without it the new payload replaces the old.
   */
  mergeRaw?(previous: unknown, next: unknown): unknown;

  /** Throws NotSupportedError where the platform has no such thing (momo; non-expiring Shopline tokens). */
  refreshToken(store: StoreAccess): Promise<TokenSet>;
  authorizeUrl(store: StoreAccess, state: string, redirectUri: string): string;
  exchangeCode(store: StoreAccess, params: { code: string; redirectUri: string; query: Record<string, string> }): Promise<TokenSet>;

  pushShipment(store: StoreAccess, shipment: ShipmentToPush): Promise<PushResult>;
  /** Reads back a tracking number the platform assigned; null while it has none yet. */
  readTracking(store: StoreAccess, orderExternalId: string, packageNumber: string | null): Promise<string | null>;

  /** Verifies a webhook and says what it is about; throws WebhookRejectedError when it is not genuine. */
  verifyWebhook(store: StoreAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent;
}
