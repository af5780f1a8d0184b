// Cyberbiz (specs/platforms.md §3). v2 App Store API with a Bearer JWT (2 h) refreshed on the shop domain;
// v1 with the Kong-style HMAC signature (per-store API key/secret). Same /v1/orders paths and order shape:
// bare-array pages with X-* headers, per_page max 50, Taipei local times without zone, money as floats.
// The version is chosen by platform.apiVersion ("v1" or anything else = v2).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { add, parseCanonicalOrder, type CanonicalOrder, type OrderStatus } from '@oms/core';
import type {
  FetchedOrder,
  OrderPage,
  PlatformAdapter,
  PushResult,
  ShipmentOfOrder,
  ShipmentPlan,
  ShipmentToPush,
  ChannelAccess,
  TimeWindow,
  TokenSet,
  WebhookEvent,
  WebhookRequest,
} from './adapter';
import {
  AuthError,
  NotReadyError,
  NotSupportedError,
  PermanentError,
  ReauthorizeError,
  TransientError,
  WebhookRejectedError,
} from './errors';
import { classifyStatus, createHttp, jsonBody, Pacer, send } from './http';
import { parseTaipeiLocal, toTaipeiLocal } from './time';
import { planByLines } from './shipment-plan';
import { amount, arr, dateOrThrow, isObj, obj, optAmount, optStr, quantity, reqStr, type Obj } from './normalize-util';

const P = 'cyberbiz';
const PER_PAGE = 50;

/** base64 HMAC-SHA256(secret, "x-date: <date>\n<METHOD> <path+query> HTTP/1.1"). */
export function cyberbizV1Signature(secret: string, xDate: string, requestLine: string): string {
  return createHmac('sha256', secret).update(`x-date: ${xDate}\n${requestLine}`).digest('base64');
}

export function cyberbizV1Headers(
  apiKey: string,
  apiSecret: string,
  method: string,
  pathAndQuery: string,
  now = new Date(),
): Record<string, string> {
  const xDate = now.toUTCString();
  const signature = cyberbizV1Signature(apiSecret, xDate, `${method.toUpperCase()} ${pathAndQuery} HTTP/1.1`);
  return {
    'x-date': xDate,
    Authorization: `hmac username="${apiKey}", algorithm="hmac-sha256", headers="x-date request-line", signature="${signature}"`,
  };
}

/** The error text in any of Cyberbiz's shapes: {"error":[...]}, {"error":"..."}, {"message":...}, {"messages":...}. */
function errorText(body: unknown, res: AxiosResponse): string {
  if (isObj(body)) {
    for (const k of ['error', 'message', 'messages', 'error_description']) {
      const v = body[k];
      if (Array.isArray(v)) return v.map(String).join('; ');
      if (typeof v === 'string' && v)
        return k === 'error' && typeof body.error_description === 'string' ? `${v}: ${body.error_description}` : v;
    }
  }
  return `HTTP ${res.status}`;
}

/** Canonical status from the four Cyberbiz status fields. */
export function cyberbizStatus(s: Obj, cod: boolean): OrderStatus {
  const order = String(s.order_status ?? '');
  const fin = String(s.financial_status ?? '');
  const ful = String(s.fulfillment_status ?? '');
  const ret = String(s.return_status ?? '');
  if (order === 'cancelled' || ful === 'cancel') return 'cancelled';
  if (ful === 'returned' || ret === 'returned' || fin === 'refunded') return 'returned';
  if (ful === 'received') return order === 'closed' ? 'completed' : 'delivered';
  if (ful === 'arrived') return 'delivered';
  if (ful === 'fulfilled' || ful === 'partial') return 'shipped';
  if (order === 'closed') return 'completed';
  const paid = [
    'paid',
    'remitted',
    'partial_refunded',
    'pending_partial_refund',
    'no_refunded',
    'refunding',
    'refund_failed',
    'pending_refund',
    'processing',
  ].includes(fin);
  if (ful === 'preparing') return paid || cod ? 'ready_to_ship' : 'pending_payment';
  if (paid) return 'paid';
  // A confirmed COD order waits for shipment, not for payment.
  if (fin === 'cod' || cod) return 'ready_to_ship';
  return 'pending_payment';
}

function taipei(v: unknown, field: string): string {
  return dateOrThrow(typeof v === 'string' ? parseTaipeiLocal(v) : null, v, field);
}

export class CyberbizAdapter implements PlatformAdapter {
  readonly kind = 'cyberbiz' as const;
  readonly rateLimit = { max: 5, durationMs: 1_000 };
  // No documented maximum; a week keeps each committed window (and the work redone after a failure) small.
  readonly maxWindowMs = 7 * 86_400_000;
  private readonly http: AxiosInstance;
  // Per token, at the documented rate.
  private readonly pacer = new Pacer(this.rateLimit.max);

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  private isV1(store: ChannelAccess): boolean {
    return (store.platform.apiVersion ?? '').toLowerCase() === 'v1';
  }

  tokensExpire(store: ChannelAccess): boolean {
    return !this.isV1(store);
  }

  private async get(store: ChannelAccess, pathAndQuery: string): Promise<AxiosResponse> {
    return this.request(store, 'GET', pathAndQuery);
  }

  private async request(
    store: ChannelAccess,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body?: unknown,
  ): Promise<AxiosResponse> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.isV1(store)) {
      const creds = store.channel.credentials ?? {};
      if (!creds.apiKey || !creds.apiSecret)
        throw new ReauthorizeError('cyberbiz v1 channel has no API key/secret in its credentials (apiKey, apiSecret)', {
          platform: P,
        });
      Object.assign(headers, cyberbizV1Headers(creds.apiKey, creds.apiSecret, method, pathAndQuery));
    } else {
      if (!store.channel.accessToken) throw new AuthError('cyberbiz channel has no access token', { platform: P });
      headers.Authorization = `Bearer ${store.channel.accessToken}`;
    }
    await this.pacer.wait(store.channel.accessToken ?? store.channel.id);
    const res = await send(this.http, P, {
      method,
      url: `${store.platform.apiHost.replace(/\/$/, '')}${pathAndQuery}`,
      headers,
      data: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status < 300 || res.status === 404) return res;
    const parsed = (() => {
      try {
        return jsonBody(res, P);
      } catch {
        return null;
      }
    })();
    const text = errorText(parsed, res);
    const common = classifyStatus(res, P, text);
    if (common) throw common;
    const details = { platform: P, status: res.status };
    if (res.status === 401) {
      // v1 keys do not refresh: only the operator can fix them.
      if (this.isV1(store)) throw new ReauthorizeError(`cyberbiz v1 HMAC credentials refused: ${text}`, details);
      throw new AuthError(`cyberbiz 401: ${text}`, details);
    }
    if (res.status === 422 && /尚未付款|not paid/i.test(text))
      throw new NotReadyError(`cyberbiz 422: ${text}`, details);
    throw new PermanentError(`cyberbiz ${res.status}: ${text}`, details);
  }

  async *listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    const [fromKey, toKey] =
      window.field === 'created' ? ['start_time', 'end_time'] : ['updated_at_start_time', 'updated_at_end_time'];
    for (let page = 1; ; page++) {
      // Built by hand so the v1 signature covers exactly the query string sent.
      const q = `${fromKey}=${encodeURIComponent(toTaipeiLocal(window.from))}&${toKey}=${encodeURIComponent(toTaipeiLocal(window.to))}&page=${page}&per_page=${PER_PAGE}&offset=0`;
      const res = await this.get(store, `/v1/orders?${q}`);
      const body = res.status === 404 ? [] : jsonBody(res, P);
      // "Not found" is sometimes 200 null or 206 [].
      const list = Array.isArray(body) ? body : [];
      yield { orders: list.filter(isObj).map((o) => ({ externalId: String(o.id), raw: o })) };
      if (list.length === 0) break;
      // v2 says how many pages there are; v1 may not: then a short page is the last one.
      const header = res.headers['x-total-pages'];
      const totalPages = header !== undefined && header !== '' ? Number(header) : Number.NaN;
      if (Number.isFinite(totalPages) ? page >= totalPages : list.length < PER_PAGE) break;
    }
  }

  async fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    const res = await this.get(store, `/v1/orders/${encodeURIComponent(externalId)}`);
    if (res.status === 404) return null;
    const body = jsonBody(res, P);
    return isObj(body) ? { externalId: String(body.id), raw: body } : null;
  }

  normalize(raw: unknown): CanonicalOrder {
    const o = obj(raw, 'order');
    const externalId = reqStr(o.id, 'id');
    const statuses = obj(o.statuses, 'statuses');
    const paymentMethod = optStr(o.payment_method);
    const cod =
      statuses.financial_status === 'cod' ||
      /^cod$|cash_on_delivery|貨到付款/i.test(`${paymentMethod ?? ''}`) ||
      /貨到付款/.test(String(o.payment_name ?? ''));
    const prices = obj(o.prices, 'prices');
    const discounts = isObj(prices.discounts) ? prices.discounts : {};
    const coupons = Array.isArray(discounts.coupon_discounts) ? discounts.coupon_discounts : [];
    const orderDiscount = add(
      ...['vip_discount', 'shop_discount', 'bonus_consumed', 'price_discount'].map((k) =>
        optAmount(discounts[k], `prices.discounts.${k}`),
      ),
      ...coupons.map((c, i) =>
        optAmount(isObj(c) ? (c.amount ?? c.price ?? c.discount) : c, `prices.discounts.coupon_discounts[${i}]`),
      ),
    );
    const lines = arr(o.line_items, 'line_items').map((it, i) => {
      const l = obj(it, `line_items[${i}]`);
      const f = (n: string) => `line_items[${i}].${n}`;
      return {
        lineId: reqStr(l.id, f('id')),
        sku: optStr(l.sku),
        name: [optStr(l.title), optStr(l.variant_title)].filter(Boolean).join(' '),
        quantity: quantity(l.quantity, f('quantity')),
        unitPrice: amount(l.price, f('price')),
        discount: optAmount(l.total_discount, f('total_discount')),
      };
    });
    const receiver = isObj(o.receiver) ? o.receiver : null;
    const detail = receiver && isObj(receiver.detail_address) ? receiver.detail_address : {};
    const customer = isObj(o.customer) ? o.customer : {};
    const timings = isObj(o.timings) ? o.timings : {};
    const platformStatus = ['order_status', 'financial_status', 'fulfillment_status']
      .map((k) => String(statuses[k] ?? ''))
      .join('/');
    return parseCanonicalOrder(
      {
        platform: 'cyberbiz',
        externalId,
        externalNumber: optStr(o.order_number) ?? optStr(o.order_name)?.replace(/^#/, '') ?? externalId,
        status: cyberbizStatus(statuses, cod),
        platformStatus,
        createdAt: taipei(o.created_at, 'created_at'),
        updatedAt: taipei(o.updated_at, 'updated_at'),
        paidAt: timings.paid_at ? taipei(timings.paid_at, 'timings.paid_at') : null,
        currency: 'TWD',
        buyer: {
          id: optStr(customer.id),
          name: optStr(customer.name),
          email: optStr(customer.email),
          phone: optStr(customer.mobile),
        },
        recipient: receiver
          ? {
              name: optStr(receiver.name),
              phone: optStr(receiver.phone),
              address1: optStr(detail.address1) ?? optStr(receiver.address),
              address2: optStr(detail.address2),
              district: optStr(detail.district),
              city: optStr(detail.city),
              state: optStr(detail.province),
              postalCode: optStr(detail.zip),
              country: optStr(detail.country),
            }
          : null,
        lines,
        shippingFee: optAmount(prices.shipping_rate_price, 'prices.shipping_rate_price'),
        orderDiscount,
        total: amount(prices.total_price, 'prices.total_price'),
        paymentMethod: paymentMethod ?? optStr(o.payment_name),
        cod,
        note: optStr(o.note),
      },
      externalId,
    );
  }

  private tokenUrl(store: ChannelAccess): string {
    // Real: https://{shop domain}/admin/oauth/token. A configured authHost (the sandbox) takes its place.
    return store.platform.authHost
      ? `${store.platform.authHost.replace(/\/$/, '')}/admin/oauth/token`
      : `https://${store.channel.externalShopId}/admin/oauth/token`;
  }

  private async token(
    store: ChannelAccess,
    shopDomain: string,
    body: Obj,
    context: 'refresh' | 'code',
  ): Promise<TokenSet> {
    if (!store.platform.appId || !store.platform.appSecret)
      throw new PermanentError('cyberbiz platform has no client_id/client_secret', { platform: P });
    const res = await send(this.http, P, {
      method: 'POST',
      url: this.tokenUrl({ ...store, channel: { ...store.channel, externalShopId: shopDomain } }),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Shop-Domain': shopDomain },
      data: JSON.stringify({
        ...body,
        client_id: store.platform.appId,
        client_secret: store.platform.appSecret,
        shop_domain: shopDomain,
      }),
    });
    const parsed = jsonBody(res, P);
    if (res.status >= 300) {
      const text = errorText(parsed, res);
      const common = classifyStatus(res, P, text);
      if (common) throw common;
      if (context === 'refresh' && isObj(parsed) && parsed.error === 'invalid_grant')
        throw new ReauthorizeError(`cyberbiz refresh refused: ${text}`, { platform: P, status: res.status });
      throw new PermanentError(`cyberbiz token endpoint ${res.status}: ${text}`, { platform: P, status: res.status });
    }
    const t = obj(parsed, 'token answer');
    const access = optStr(t.access_token);
    if (!access) throw new TransientError('cyberbiz token answer without access_token', { platform: P });
    const expiresIn = typeof t.expires_in === 'number' ? t.expires_in : 7200;
    return {
      accessToken: access,
      refreshToken: optStr(t.refresh_token),
      accessTokenExpiresAt: new Date(Date.now() + expiresIn * 1000),
      refreshTokenExpiresAt: null,
      externalShopId: shopDomain,
    };
  }

  async refreshToken(store: ChannelAccess): Promise<TokenSet> {
    if (this.isV1(store))
      throw new NotSupportedError('cyberbiz v1 uses an API key/secret: nothing to refresh', { platform: P });
    if (!store.channel.refreshToken)
      throw new ReauthorizeError('cyberbiz channel has no refresh token: install the app again', { platform: P });
    return this.token(
      store,
      store.channel.externalShopId,
      { grant_type: 'refresh_token', refresh_token: store.channel.refreshToken },
      'refresh',
    );
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    if (this.isV1(store))
      throw new NotSupportedError('cyberbiz v1 has no authorization flow: enter the API key/secret', { platform: P });
    // The real authorize URL is undocumented; this is the sandbox's page (and the most common OAuth shape) [INF].
    const u = new URL('/oauth/authorize', store.platform.authHost ?? store.platform.apiHost);
    u.search = new URLSearchParams({
      client_id: store.platform.appId ?? '',
      redirect_uri: redirectUri,
      state,
      response_type: 'code',
      ...(store.channel.externalShopId ? { shop_domain: store.channel.externalShopId } : {}),
    }).toString();
    return u.toString();
  }

  async exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    const domain = params.query.shop_domain || store.channel.externalShopId;
    if (!domain) throw new PermanentError('cyberbiz callback has no shop_domain', { platform: P });
    return this.token(
      store,
      domain,
      { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri },
      'code',
    );
  }

  /** custom_shipping with our carrier code and number; an existing fulfilment with the same number is success. */
  /** An order takes several fulfillments, each with its line_item_ids: one per shipment, for the lines it carries first. */
  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    const o = isObj(orderRaw) ? orderRaw : {};
    const lineIds = (Array.isArray(o.line_items) ? o.line_items.filter(isObj) : [])
      .map((l) => String(l.id ?? ''))
      .filter(Boolean);
    return planByLines(lineIds, shipments, 'Cyberbiz');
  }

  async pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    if (!s.trackingNumber)
      throw new PermanentError(`cyberbiz custom_shipping needs a tracking number (order ${s.orderExternalId})`, {
        platform: P,
      });
    const existing = await this.fulfillments(store, s.orderExternalId);
    // A fulfillment with this number is this shipment, made before a crash: done.
    if (existing.some((f) => f.tracking_number === s.trackingNumber))
      return { outcome: 'pushed', trackingNumber: s.trackingNumber };
    const res = await this.request(
      store,
      'POST',
      `/v1/orders/${encodeURIComponent(s.orderExternalId)}/fulfillments/custom_shipping`,
      {
        // Without line_item_ids Cyberbiz fulfills every line not yet shipped; a part shipment names its own.
        ...(s.lineIds ? { line_item_ids: s.lineIds.map((id) => (/^\d+$/.test(id) ? Number(id) : id)) } : {}),
        tracking_number: s.trackingNumber,
        tracking_company: s.carrier,
        notify_customer: true,
      },
    );
    if (res.status === 404)
      throw new PermanentError(`cyberbiz: order ${s.orderExternalId} not found`, { platform: P, status: 404 });
    return { outcome: 'pushed', trackingNumber: s.trackingNumber };
  }

  private async fulfillments(store: ChannelAccess, orderId: string): Promise<Obj[]> {
    const res = await this.get(store, `/v1/orders/${encodeURIComponent(orderId)}/fulfillments`);
    if (res.status === 404)
      throw new PermanentError(`cyberbiz: order ${orderId} not found`, { platform: P, status: 404 });
    const body = jsonBody(res, P);
    return Array.isArray(body) ? body.filter(isObj) : [];
  }

  async readTracking(store: ChannelAccess, orderExternalId: string): Promise<string | null> {
    const list = await this.fulfillments(store, orderExternalId);
    return optStr(list.at(-1)?.tracking_number);
  }

  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    const key = secret ?? store?.platform.appSecret;
    if (!key) throw new WebhookRejectedError('no app secret to verify the webhook with');
    const given = request.headers['x-cyberbiz-hmac-sha256'];
    if (typeof given !== 'string' || !given) throw new WebhookRejectedError('missing X-Cyberbiz-Hmac-Sha256 header');
    const mac = createHmac('sha256', key).update(request.rawBody).digest();
    // Observed hex; the docs say base64: accept both.
    const candidates = [mac.toString('hex'), mac.toString('base64')];
    if (!candidates.some((c) => c.length === given.length && timingSafeEqual(Buffer.from(c), Buffer.from(given))))
      throw new WebhookRejectedError('signature does not match');
    const topic = String(request.headers['x-cyberbiz-event'] ?? 'unknown');
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new WebhookRejectedError('body is not JSON');
    }
    const domain = request.headers['x-cyberbiz-domain'];
    return {
      externalShopId: typeof domain === 'string' ? domain : null,
      topic,
      orderExternalId: topic.startsWith('orders/') && isObj(body) ? optStr(body.id) : null,
    };
  }
}
