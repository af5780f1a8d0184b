// SHOPLINE Open API (specs/platforms.md §2A): Bearer token, a User-Agent naming the caller, UTC times,
// {items, pagination}, 20 req/s with a documented 429 body, 410 for archived orders, money objects.
// Tokens: merchant-issued (never expire, no refresh) or Developer Center OAuth (refresh on /oauth/token).
import type { AxiosInstance, AxiosResponse } from 'axios';
import { add, parseCanonicalOrder, sub, times, type CanonicalOrder, type OrderStatus } from '@oms/core';
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
import { parseIsoWithZone, toUtcLocal } from './time';
import { planOnePerOrder } from './shipment-plan';
import { amount, arr, dateOrThrow, isObj, obj, optStr, quantity, reqStr, type Obj } from './normalize-util';

const P = 'shopline';
const PER_PAGE = 50;
const DEFAULT_USER_AGENT = 'oms-idempiere/1.0';

/** A Shopline money object {cents, dollars, ...}: dollars is the amount; a bare number is accepted too. */
function moneyObj(v: unknown, field: string, optional = false) {
  if ((v === undefined || v === null) && optional) return '0.00';
  if (isObj(v)) return amount(v.dollars, `${field}.dollars`);
  return amount(v, field);
}

export function shoplineStatus(o: Obj, cod: boolean): OrderStatus {
  const status = String(o.status ?? '');
  const pay = isObj(o.order_payment) ? String(o.order_payment.status ?? '') : '';
  const delivery = isObj(o.order_delivery)
    ? String(o.order_delivery.delivery_status ?? o.order_delivery.status ?? '')
    : '';
  if (status === 'cancelled') return 'cancelled';
  if (delivery === 'returned' || delivery === 'returning' || pay === 'refunded') return 'returned';
  if (status === 'completed') return 'completed';
  if (delivery === 'arrived' || delivery === 'collected') return 'delivered';
  if (delivery === 'shipped') return 'shipped';
  const paid = pay === 'completed' || pay === 'paid';
  if (status === 'confirmed' && delivery === 'shipping') return paid || cod ? 'ready_to_ship' : 'pending_payment';
  if (paid) return 'paid';
  if (status === 'confirmed' && cod) return 'ready_to_ship';
  return 'pending_payment';
}

/** Integrated logistics, by region_type as Get Delivery Option names it (platforms.md §2A): SHOPLINE ships it. */
const INTEGRATED_REGION = /^(tw_711_|tw_fm_|tw_tcat_|hk_integrated_sf|sl_logistics_)/;

export function isIntegrated(o: Obj): boolean {
  const d = isObj(o.order_delivery) ? o.order_delivery : {};
  return d.delivery_type === 'integrated' || INTEGRATED_REGION.test(String(d.region_type ?? ''));
}

export class ShoplineAdapter implements PlatformAdapter {
  readonly kind = 'shopline' as const;
  readonly rateLimit = { max: 20, durationMs: 1_000 };
  // No documented maximum; a week keeps each committed window (and the work redone after a failure) small.
  readonly maxWindowMs = 7 * 86_400_000;
  private readonly http: AxiosInstance;
  private readonly pacer = new Pacer(this.rateLimit.max);

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  /** Merchant-issued tokens never expire and have no refresh token; OAuth ones do. */
  tokensExpire(store: ChannelAccess): boolean {
    return store.channel.refreshToken !== null && store.channel.accessTokenExpiresAt !== null;
  }

  private userAgent(store: ChannelAccess): string {
    const ua = store.platform.settings.userAgent;
    return typeof ua === 'string' && ua.trim() ? ua.trim() : DEFAULT_USER_AGENT;
  }

  private async request(
    store: ChannelAccess,
    method: 'GET' | 'PATCH',
    path: string,
    body?: unknown,
    params?: Record<string, string>,
  ): Promise<AxiosResponse> {
    if (!store.channel.accessToken) throw new AuthError('shopline channel has no access token', { platform: P });
    await this.pacer.wait(store.channel.accessToken);
    const res = await send(this.http, P, {
      method,
      url: `${store.platform.apiHost.replace(/\/$/, '')}${path}`,
      params,
      headers: {
        Authorization: `Bearer ${store.channel.accessToken}`,
        Accept: 'application/json',
        'User-Agent': this.userAgent(store),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      data: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status < 300 || res.status === 404 || res.status === 410) return res;
    let parsed: unknown = null;
    try {
      parsed = jsonBody(res, P);
    } catch {
      /* the status says enough */
    }
    const text = isObj(parsed)
      ? [optStr(parsed.code), optStr(parsed.error) ?? optStr(parsed.message)].filter(Boolean).join(': ')
      : `HTTP ${res.status}`;
    const common = classifyStatus(res, P, text);
    if (common) throw common;
    const details = {
      platform: P,
      status: res.status,
      ...(isObj(parsed) && typeof parsed.code === 'string' ? { code: parsed.code } : {}),
    };
    if (res.status === 401) {
      // A non-expiring merchant token that is refused cannot be refreshed: the merchant must issue a new one.
      if (!this.tokensExpire(store)) throw new ReauthorizeError(`shopline refused the API token: ${text}`, details);
      throw new AuthError(`shopline 401: ${text}`, details);
    }
    if (res.status === 422 && /not paid/i.test(text)) throw new NotReadyError(`shopline 422: ${text}`, details);
    throw new PermanentError(`shopline ${res.status}: ${text}`, details);
  }

  async *listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    const [after, before] =
      window.field === 'created' ? ['created_after', 'created_before'] : ['updated_after', 'updated_before'];
    for (let page = 1; ; page++) {
      const res = await this.request(store, 'GET', '/v1/orders', undefined, {
        [after]: toUtcLocal(window.from),
        [before]: toUtcLocal(window.to),
        per_page: String(PER_PAGE),
        page: String(page),
      });
      const body = obj(jsonBody(res, P), 'shopline order list');
      const items = Array.isArray(body.items) ? body.items.filter(isObj) : [];
      yield { orders: items.map((o) => ({ externalId: String(o.id), raw: o })) };
      const pg = isObj(body.pagination) ? body.pagination : {};
      const totalPages = Number(pg.total_pages);
      if (items.length === 0 || (Number.isFinite(totalPages) ? page >= totalPages : items.length < PER_PAGE)) break;
    }
  }

  async fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    const res = await this.request(store, 'GET', `/v1/orders/${encodeURIComponent(externalId)}`);
    // 410: archived; the listing still carries it, a single fetch cannot.
    if (res.status === 404 || res.status === 410) return null;
    const body = obj(jsonBody(res, P), 'shopline order');
    return { externalId: String(body.id), raw: body };
  }

  normalize(raw: unknown): CanonicalOrder {
    const o = obj(raw, 'order');
    const externalId = reqStr(o.id, 'id');
    const payment = isObj(o.order_payment) ? o.order_payment : {};
    const delivery = isObj(o.order_delivery) ? o.order_delivery : {};
    const paymentMethod = optStr(payment.payment_type);
    const cod = /cash_on_delivery|^cod$/i.test(paymentMethod ?? '');
    const lines = arr(o.subtotal_items, 'subtotal_items').map((it, i) => {
      const l = obj(it, `subtotal_items[${i}]`);
      const f = (n: string) => `subtotal_items[${i}].${n}`;
      const qty = quantity(l.quantity, f('quantity'));
      const unitPrice = moneyObj(l.item_price ?? l.price, f('item_price'));
      const lineTotal =
        l.total !== undefined && l.total !== null
          ? moneyObj(l.total, f('total'))
          : times(moneyObj(l.discounted_price ?? l.price, f('discounted_price')), qty);
      const discount = sub(times(unitPrice, qty), lineTotal);
      const names = isObj(l.title_translations) ? l.title_translations : {};
      return {
        lineId: reqStr(l.id, f('id')),
        sku: optStr(l.sku),
        name: optStr(names['zh-hant']) ?? optStr(names.en) ?? optStr(Object.values(names)[0]) ?? '',
        quantity: qty,
        unitPrice,
        discount: discount.startsWith('-') ? '0.00' : discount,
      };
    });
    const addr = isObj(o.delivery_address) ? o.delivery_address : null;
    const platformStatus = [o.status, payment.status, delivery.delivery_status ?? delivery.status]
      .map((v) => String(v ?? ''))
      .join('/');
    return parseCanonicalOrder(
      {
        platform: 'shopline',
        externalId,
        externalNumber: optStr(o.order_number) ?? optStr(o.system_order_number) ?? externalId,
        status: shoplineStatus(o, cod),
        platformStatus,
        createdAt: dateOrThrow(
          typeof o.created_at === 'string' ? parseIsoWithZone(o.created_at) : null,
          o.created_at,
          'created_at',
        ),
        updatedAt: dateOrThrow(
          typeof o.updated_at === 'string' ? parseIsoWithZone(o.updated_at) : null,
          o.updated_at,
          'updated_at',
        ),
        paidAt: payment.paid_at
          ? dateOrThrow(
              typeof payment.paid_at === 'string' ? parseIsoWithZone(payment.paid_at) : null,
              payment.paid_at,
              'order_payment.paid_at',
            )
          : null,
        currency: optStr(o.currency_iso) ?? 'TWD',
        buyer: {
          id: optStr(o.customer_id),
          name: optStr(o.customer_name),
          email: optStr(o.customer_email),
          phone: optStr(o.customer_phone),
        },
        recipient: addr
          ? {
              name: optStr(addr.recipient_name),
              phone: optStr(addr.recipient_phone),
              address1: optStr(addr.address_1),
              address2: optStr(addr.address_2),
              district: optStr(addr.district),
              city: optStr(addr.city),
              state: optStr(addr.state),
              postalCode: optStr(addr.postcode),
              country: optStr(addr.country_code),
            }
          : null,
        lines,
        shippingFee: moneyObj(delivery.total, 'order_delivery.total', true),
        orderDiscount: add(
          moneyObj(o.order_discount, 'order_discount', true),
          moneyObj(o.user_credit, 'user_credit', true),
          moneyObj(o.order_points_to_cash, 'order_points_to_cash', true),
        ),
        total: moneyObj(o.total, 'total'),
        paymentMethod,
        cod,
        note: optStr(delivery.remark),
      },
      externalId,
    );
  }

  private authBase(store: ChannelAccess): string {
    return (store.platform.authHost ?? 'https://developers.shoplineapp.com').replace(/\/$/, '');
  }

  private async token(store: ChannelAccess, body: Obj, context: 'refresh' | 'code'): Promise<TokenSet> {
    if (!store.platform.appId || !store.platform.appSecret)
      throw new PermanentError('shopline platform has no client_id/client_secret', { platform: P });
    const res = await send(this.http, P, {
      method: 'POST',
      url: `${this.authBase(store)}/oauth/token`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': this.userAgent(store) },
      data: JSON.stringify({ ...body, client_id: store.platform.appId, client_secret: store.platform.appSecret }),
    });
    const parsed = jsonBody(res, P);
    if (res.status >= 300) {
      const text = isObj(parsed) ? `${parsed.error ?? ''}: ${parsed.error_description ?? ''}` : `HTTP ${res.status}`;
      const common = classifyStatus(res, P, text);
      if (common) throw common;
      if (context === 'refresh' && isObj(parsed) && parsed.error === 'invalid_grant')
        throw new ReauthorizeError(`shopline refresh refused: ${text}`, { platform: P, status: res.status });
      throw new PermanentError(`shopline token endpoint ${res.status}: ${text}`, { platform: P, status: res.status });
    }
    const t = obj(parsed, 'token answer');
    const access = optStr(t.access_token);
    if (!access) throw new TransientError('shopline token answer without access_token', { platform: P });
    const now = Date.now();
    const expiresIn = typeof t.expires_in === 'number' ? t.expires_in : null;
    const accessExp = expiresIn ? new Date(now + expiresIn * 1000) : null;
    return {
      accessToken: access,
      refreshToken: optStr(t.refresh_token),
      accessTokenExpiresAt: accessExp,
      // Documented: the refresh token expires one day after the access token.
      refreshTokenExpiresAt: accessExp ? new Date(accessExp.getTime() + 86_400_000) : null,
      ...(optStr(t.resource_owner_id) ? { externalShopId: optStr(t.resource_owner_id)! } : {}),
    };
  }

  async refreshToken(store: ChannelAccess): Promise<TokenSet> {
    if (!this.tokensExpire(store))
      throw new NotSupportedError('this shopline token is merchant-issued and does not expire', { platform: P });
    const redirect = store.platform.settings.redirectUri;
    return this.token(
      store,
      {
        grant_type: 'refresh_token',
        refresh_token: store.channel.refreshToken,
        ...(typeof redirect === 'string' ? { redirect_uri: redirect } : {}),
      },
      'refresh',
    );
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    const scope = typeof store.platform.settings.scope === 'string' ? store.platform.settings.scope : 'orders';
    const u = new URL(`${this.authBase(store)}/oauth/authorize`);
    u.search = new URLSearchParams({
      client_id: store.platform.appId ?? '',
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      state,
      ...(store.channel.externalShopId ? { merchant_id: store.channel.externalShopId } : {}),
    }).toString();
    return u.toString();
  }

  async exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    return this.token(
      store,
      { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri },
      'code',
    );
  }

  /**
   * One order delivery with one tracking number per order ([OFF] PATCH /v1/orders/:id tracking_number;
   * execute_shipment books the one delivery; the `split` endpoint is undocumented): the first shipment is
   * pushed, later part shipments are recorded, not pushed.
   */
  planShipments(_orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planOnePerOrder(shipments, 'SHOPLINE takes one tracking number per order');
  }

  /**
   * Custom delivery: PATCH the tracking number, then the delivery status to shipped, each step skipped when
   * done. Integrated delivery (7-11, FamilyMart, T-cat, SF): execute_shipment, and SHOPLINE assigns the number.
   */
  async pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    const current = await this.fetchOrder(store, s.orderExternalId);
    if (!current)
      throw new PermanentError(`shopline: order ${s.orderExternalId} not found or archived`, { platform: P });
    const o = current.raw as Obj;
    const payment = isObj(o.order_payment) ? o.order_payment : {};
    if (o.status === 'cancelled')
      throw new PermanentError(`shopline: order ${s.orderExternalId} is cancelled`, { platform: P });
    const cod = /cash_on_delivery/i.test(String(payment.payment_type ?? ''));
    if (!cod && payment.status !== 'completed' && payment.status !== 'paid')
      throw new NotReadyError(`shopline: order ${s.orderExternalId} is not paid yet`, { platform: P });
    return isIntegrated(o) ? this.executeShipment(store, s, o) : this.patchTracking(store, s, o);
  }

  private async patchTracking(store: ChannelAccess, s: ShipmentToPush, o: Obj): Promise<PushResult> {
    if (!s.trackingNumber)
      throw new PermanentError(`shopline needs a tracking number for order ${s.orderExternalId}`, { platform: P });
    const data = isObj(o.delivery_data) ? o.delivery_data : {};
    const delivery = isObj(o.order_delivery) ? o.order_delivery : {};
    const existing = optStr(data.tracking_number);
    if (existing && existing !== s.trackingNumber)
      throw new PermanentError(
        `shopline: order ${s.orderExternalId} already has tracking number ${existing}, not ${s.trackingNumber}`,
        { platform: P },
      );
    if (!existing) {
      await this.request(store, 'PATCH', `/v1/orders/${encodeURIComponent(s.orderExternalId)}`, {
        tracking_number: s.trackingNumber,
        delivery_provider_name: { 'zh-hant': s.carrier, en: s.carrier },
      });
    }
    const status = String(delivery.delivery_status ?? delivery.status ?? '');
    if (!['shipped', 'arrived', 'collected', 'returned', 'returning'].includes(status) && o.status !== 'completed') {
      await this.request(store, 'PATCH', `/v1/orders/${encodeURIComponent(s.orderExternalId)}/order_delivery_status`, {
        status: 'shipped',
        mail_notify: true,
      });
    }
    return { outcome: 'pushed', trackingNumber: s.trackingNumber };
  }

  /** Once executed, the order carries SHOPLINE's number: a repeated push (a worker died after the call) takes it. */
  private async executeShipment(store: ChannelAccess, s: ShipmentToPush, o: Obj): Promise<PushResult> {
    const data = isObj(o.delivery_data) ? o.delivery_data : {};
    const assigned = optStr(data.tracking_number);
    if (assigned) return { outcome: 'pushed', trackingNumber: assigned };
    await this.request(store, 'PATCH', `/v1/orders/${encodeURIComponent(s.orderExternalId)}/execute_shipment`, {});
    return { outcome: 'awaiting_tracking' };
  }

  async readTracking(store: ChannelAccess, orderExternalId: string): Promise<string | null> {
    const current = await this.fetchOrder(store, orderExternalId);
    const data =
      current && isObj(current.raw) && isObj((current.raw as Obj).delivery_data)
        ? ((current.raw as Obj).delivery_data as Obj)
        : {};
    return optStr(data.tracking_number);
  }

  /**
   * The signature scheme of Open API webhooks is unknown: the webhook URL carries a per-channel secret
   * (oms_channel.webhook_secret) that must match. The body names the order.
   */
  verifyWebhook(_store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    if (!secret) throw new WebhookRejectedError('channel has no webhook secret');
    const given = new URL(request.url, 'http://x').searchParams.get('secret') ?? '';
    if (given.length !== secret.length || given !== secret)
      throw new WebhookRejectedError('webhook secret does not match');
    let body: Obj;
    try {
      body = obj(JSON.parse(request.rawBody.toString('utf8')), 'body');
    } catch {
      throw new WebhookRejectedError('body is not a JSON object');
    }
    const resource = isObj(body.resource) ? body.resource : body;
    const topic = optStr(body.topic) ?? optStr(body.event) ?? 'unknown';
    return {
      externalShopId: optStr(body.merchant_id) ?? optStr(resource.merchant_id),
      topic,
      orderExternalId: /order/i.test(topic) ? (optStr(resource.order_id) ?? optStr(resource.id)) : null,
    };
  }
}
