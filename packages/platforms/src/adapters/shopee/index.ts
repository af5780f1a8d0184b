// The Shopee Open Platform v2 adapter (docs/platforms.md#shopee). Each role is a module of its own: client.ts (the
// signed call and its error classes), orders.ts, normalize.ts, auth.ts, shipments.ts, webhooks.ts.
import type { AxiosInstance } from 'axios';
import type { CanonicalOrder } from '@oms/core';
import type {
  ChannelAccess,
  FetchedOrder,
  OrderPage,
  PlatformAdapter,
  PushResult,
  ShipmentOfOrder,
  ShipmentPlan,
  ShipmentToPush,
  TimeWindow,
  TokenSet,
  WebhookEvent,
  WebhookRequest,
} from '../../adapter';
import { createHttp } from '../../http';
import { exchangeShopeeCode, refreshShopeeToken, shopeeAuthorizeUrl } from './auth';
import { normalizeShopeeOrder } from './normalize';
import { fetchShopeeOrder, listShopeeOrders, SHOPEE_MAX_WINDOW_MS } from './orders';
import { planShopeeShipments, pushShopeeShipment, readShopeeTracking, shopeeOrderForShipment } from './shipments';
import { verifyShopeeWebhook } from './webhooks';

export class ShopeeAdapter implements PlatformAdapter {
  readonly kind = 'shopee' as const;
  // No published numbers; community code assumes about 10 requests/s per shop (unverified).
  readonly rateLimit = { max: 10, durationMs: 1_000 };
  readonly maxWindowMs = SHOPEE_MAX_WINDOW_MS;
  private readonly http: AxiosInstance;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  tokensExpire(): boolean {
    return true;
  }

  listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    return listShopeeOrders(this.http, store, window);
  }

  fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    return fetchShopeeOrder(this.http, store, externalId);
  }

  normalize(raw: unknown): CanonicalOrder {
    return normalizeShopeeOrder(raw);
  }

  refreshToken(store: ChannelAccess): Promise<TokenSet> {
    return refreshShopeeToken(this.http, store);
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    return shopeeAuthorizeUrl(store, state, redirectUri);
  }

  exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    return exchangeShopeeCode(this.http, store, params);
  }

  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planShopeeShipments(orderRaw, shipments);
  }

  orderForShipment(store: ChannelAccess, orderExternalId: string): Promise<unknown | null> {
    return shopeeOrderForShipment(this.http, store, orderExternalId);
  }

  pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    return pushShopeeShipment(this.http, store, s);
  }

  readTracking(store: ChannelAccess, orderExternalId: string, packageNumber: string | null): Promise<string | null> {
    return readShopeeTracking(this.http, store, orderExternalId, packageNumber);
  }

  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    return verifyShopeeWebhook(store, request, secret);
  }
}
