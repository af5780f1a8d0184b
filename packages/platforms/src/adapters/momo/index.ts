// The momo SCM supplier adapter (docs/platforms.md#momo). No OAuth, no tokens and no webhooks: what other platforms
// do there is not supported here. Each role is a module of its own: client.ts (the call with loginInfo and its
// error classes), orders.ts, normalize.ts, shipments.ts.
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
} from '../../adapter';
import { NotSupportedError } from '../../errors';
import { createHttp } from '../../http';
import { P } from './client';
import { mergeMomoRaw, normalizeMomoOrder } from './normalize';
import { fetchMomoOrder, listMomoOrders, MOMO_MAX_WINDOW_MS } from './orders';
import { planMomoShipments, pushMomoShipment } from './shipments';

export class MomoAdapter implements PlatformAdapter {
  readonly kind = 'momo' as const;
  // Undocumented; momo allowlists IPs and answers slowly: be gentle (unverified).
  readonly rateLimit = { max: 2, durationMs: 1_000 };
  readonly maxWindowMs = MOMO_MAX_WINDOW_MS;
  private readonly http: AxiosInstance;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  tokensExpire(): boolean {
    return false;
  }

  listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    return listMomoOrders(this.http, store, window);
  }

  fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    return fetchMomoOrder(this.http, store, externalId);
  }

  mergeRaw(previous: unknown, next: unknown): unknown {
    return mergeMomoRaw(previous, next);
  }

  normalize(raw: unknown): CanonicalOrder {
    return normalizeMomoOrder(raw);
  }

  refreshToken(): Promise<TokenSet> {
    return Promise.reject(new NotSupportedError('momo has no tokens: every call carries loginInfo', { platform: P }));
  }

  authorizeUrl(): string {
    throw new NotSupportedError('momo has no authorization flow: enter the SCM loginInfo', { platform: P });
  }

  exchangeCode(): Promise<TokenSet> {
    return Promise.reject(new NotSupportedError('momo has no authorization flow', { platform: P }));
  }

  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planMomoShipments(orderRaw, shipments);
  }

  pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    return pushMomoShipment(this.http, store, s);
  }

  /** The vendor supplies the slip number itself: there is nothing to read back. */
  async readTracking(): Promise<string | null> {
    return null;
  }

  verifyWebhook(): WebhookEvent {
    throw new NotSupportedError('momo sends no webhooks', { platform: P });
  }
}
