// The Cyberbiz adapter (docs/platforms.md#cyberbiz): v2 App Store API with a Bearer JWT (2 h) refreshed on the shop
// domain, or v1 with the Kong-style HMAC signature (per-store API key/secret), chosen by platform.apiVersion. Same
// /v1/orders paths and order shape. Each role is a module of its own: client.ts (the authenticated call and its
// error classes), orders.ts, normalize.ts, auth.ts, shipments.ts, webhooks.ts.
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
import { cyberbizAuthorizeUrl, exchangeCyberbizCode, refreshCyberbizToken } from './auth';
import { isV1, type CyberbizClient } from './client';
import { normalizeCyberbizOrder } from './normalize';
import { CYBERBIZ_MAX_WINDOW_MS, fetchCyberbizOrder, listCyberbizOrders } from './orders';
import { planCyberbizShipments, pushCyberbizShipment, readCyberbizTracking } from './shipments';
import { verifyCyberbizWebhook } from './webhooks';

export class CyberbizAdapter implements PlatformAdapter {
  readonly kind = 'cyberbiz' as const;
  readonly rateLimit = { max: 5, durationMs: 1_000 };
  readonly maxWindowMs = CYBERBIZ_MAX_WINDOW_MS;
  private readonly client: CyberbizClient;

  constructor(opts: { timeoutMs?: number } = {}) {
    // Paced per token, at the documented rate.
    this.client = { http: createHttp(opts.timeoutMs), pacer: new Pacer(this.rateLimit.max) };
  }

  tokensExpire(store: ChannelAccess): boolean {
    return !isV1(store);
  }

  listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    return listCyberbizOrders(this.client, store, window);
  }

  fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    return fetchCyberbizOrder(this.client, store, externalId);
  }

  normalize(raw: unknown): CanonicalOrder {
    return normalizeCyberbizOrder(raw);
  }

  refreshToken(store: ChannelAccess): Promise<TokenSet> {
    return refreshCyberbizToken(this.client, store);
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    return cyberbizAuthorizeUrl(store, state, redirectUri);
  }

  exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    return exchangeCyberbizCode(this.client, store, params);
  }

  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planCyberbizShipments(orderRaw, shipments);
  }

  pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    return pushCyberbizShipment(this.client, store, s);
  }

  readTracking(store: ChannelAccess, orderExternalId: string): Promise<string | null> {
    return readCyberbizTracking(this.client, store, orderExternalId);
  }

  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    return verifyCyberbizWebhook(store, request, secret);
  }
}
