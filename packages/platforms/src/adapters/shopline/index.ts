// The SHOPLINE Open API adapter (docs/platforms.md#shopline). Each role is a module of its own: client.ts (the
// authenticated call and its error classes), orders.ts, normalize.ts, auth.ts, shipments.ts, webhooks.ts.
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
import { createHttp, Pacer } from '../../http';
import { exchangeShoplineCode, refreshShoplineToken, shoplineAuthorizeUrl } from './auth';
import { shoplineTokensExpire, type ShoplineClient } from './client';
import { normalizeShoplineOrder } from './normalize';
import { fetchShoplineOrder, listShoplineOrders, SHOPLINE_MAX_WINDOW_MS } from './orders';
import { planShoplineShipments, pushShoplineShipment, readShoplineTracking } from './shipments';
import { verifyShoplineWebhook } from './webhooks';

export class ShoplineAdapter implements PlatformAdapter {
  readonly kind = 'shopline' as const;
  readonly rateLimit = { max: 20, durationMs: 1_000 };
  readonly maxWindowMs = SHOPLINE_MAX_WINDOW_MS;
  private readonly client: ShoplineClient;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.client = { http: createHttp(opts.timeoutMs), pacer: new Pacer(this.rateLimit.max) };
  }

  /** Merchant-issued tokens never expire and have no refresh token; OAuth ones do. */
  tokensExpire(store: ChannelAccess): boolean {
    return shoplineTokensExpire(store);
  }

  listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    return listShoplineOrders(this.client, store, window);
  }

  fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    return fetchShoplineOrder(this.client, store, externalId);
  }

  normalize(raw: unknown): CanonicalOrder {
    return normalizeShoplineOrder(raw);
  }

  refreshToken(store: ChannelAccess): Promise<TokenSet> {
    return refreshShoplineToken(this.client, store);
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    return shoplineAuthorizeUrl(store, state, redirectUri);
  }

  exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    return exchangeShoplineCode(this.client, store, params);
  }

  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planShoplineShipments(orderRaw, shipments);
  }

  pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    return pushShoplineShipment(this.client, store, s);
  }

  readTracking(store: ChannelAccess, orderExternalId: string): Promise<string | null> {
    return readShoplineTracking(this.client, store, orderExternalId);
  }

  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    return verifyShoplineWebhook(store, request, secret);
  }
}
