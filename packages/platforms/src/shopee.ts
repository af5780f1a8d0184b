// Shopee Open Platform v2 (specs/platforms.md §1). Every call is signed with HMAC-SHA256 over
// partner_id + path + timestamp [+ access_token + shop_id]; errors come in the envelope, often with HTTP 200,
// so `error` is checked on every answer.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import {
  add,
  InvalidOrderError,
  parseCanonicalOrder,
  sub,
  times,
  type CanonicalOrder,
  type OrderStatus,
} from '@oms/core';
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
import { planOnePerOrder, planPackages, type PlatformPackage } from './shipment-plan';
import {
  AuthError,
  NotReadyError,
  PermanentError,
  RateLimitedError,
  ReauthorizeError,
  TransientError,
  WebhookRejectedError,
} from './errors';
import { createHttp, jsonBody, retryAfterMs, send } from './http';
import {
  amount,
  arr,
  isObj,
  obj,
  optStr,
  optUnixSeconds,
  quantity,
  reqStr,
  unixSeconds,
  type Obj,
} from './normalize-util';

const P = 'shopee';
const DAY = 86_400_000;
const DETAIL_BATCH = 50;
const PAGE_SIZE = 100;
export const SHOPEE_DETAIL_FIELDS = [
  'buyer_user_id',
  'buyer_username',
  'estimated_shipping_fee',
  'recipient_address',
  'actual_shipping_fee',
  'note',
  'item_list',
  'pay_time',
  'cancel_by',
  'cancel_reason',
  'buyer_cancel_reason',
  'package_list',
  'shipping_carrier',
  'payment_method',
  'total_amount',
].join(',');

/** Lowercase hex HMAC-SHA256 with the partner key as UTF-8 bytes (not hex-decoded). */
export function shopeeSign(partnerKey: string, base: string): string {
  return createHmac('sha256', partnerKey).update(base, 'utf8').digest('hex');
}

/** The documented base strings: public = partner_id+path+timestamp; shop adds access_token+shop_id. */
export function shopeeBaseString(
  partnerId: string,
  path: string,
  timestamp: number,
  accessToken?: string,
  shopId?: string,
): string {
  return `${partnerId}${path}${timestamp}${accessToken ?? ''}${shopId ?? ''}`;
}

const STATUS: Record<string, OrderStatus> = {
  UNPAID: 'pending_payment',
  PENDING: 'pending_payment',
  INVOICE_PENDING: 'pending_payment',
  READY_TO_SHIP: 'ready_to_ship',
  RETRY_SHIP: 'ready_to_ship',
  // Arranged, waiting for the 3PL pickup: not shipped yet.
  PROCESSED: 'ready_to_ship',
  // A cancellation request may still be rejected: the order stays active until CANCELLED; the operator sees IN_CANCEL.
  IN_CANCEL: 'ready_to_ship',
  SHIPPED: 'shipped',
  TO_CONFIRM_RECEIVE: 'delivered',
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
  TO_RETURN: 'returned',
};

const REAUTH_ERRORS = new Set([
  'refresh_token_expired',
  'error_shop_refresh_token',
  'shop_access_expired',
  'shop_no_linked',
]);
const TOKEN_ERRORS = new Set(['invalid_acceess_token', 'invalid_access_token']);

/** Turns a non-empty envelope error into the error class the worker acts on, keeping Shopee's words. */
export function classifyShopeeError(
  error: string,
  message: string,
  httpStatus: number,
  context: 'shop' | 'refresh' | 'public',
  retryMs?: number,
): Error {
  const text = `${error}: ${message}`;
  const details = { platform: P, status: httpStatus, code: error };
  if (error === 'error_rate_limit') return new RateLimitedError(text, retryMs ?? 1_000, details);
  if (error === 'error_limit') {
    // Daily app quota: resets at 00:00 UTC+8.
    const now = Date.now();
    const nextMidnight = Math.ceil((now + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
    return new RateLimitedError(text, Math.max(60_000, nextMidnight - now), details);
  }
  if (error === 'error_server' || httpStatus >= 500) return new TransientError(text, details);
  if (REAUTH_ERRORS.has(error)) return new ReauthorizeError(text, details);
  if (context === 'refresh' && (error === 'error_auth' || error === 'error_param') && /refresh/i.test(message))
    return new ReauthorizeError(text, details);
  if (context === 'shop' && (TOKEN_ERRORS.has(error) || (error === 'error_auth' && /access_token/i.test(message))))
    return new AuthError(text, details);
  if (error === 'error_param' && /timestamp is expired/i.test(message))
    return new TransientError(`${text} (is the clock right?)`, details);
  return new PermanentError(text, details);
}

const isEmptyError = (e: unknown) => e === undefined || e === null || e === '' || e === '-';

/**
 * The canonical line id of an item_list entry, and of a package_list item (same order_item_id and model_id):
 * how a package's items are matched to the order lines an iDempiere shipment carries.
 */
export function shopeeLineId(item: Obj, where: string): string {
  const modelId = optStr(item.model_id);
  const orderItemId = optStr(item.order_item_id) ?? reqStr(item.item_id, `${where}.item_id`);
  return modelId && modelId !== '0' ? `${orderItemId}:${modelId}` : orderItemId;
}

/** package_list of a get_order_detail answer, each package with the order lines it holds. */
export function shopeePackages(raw: unknown): PlatformPackage[] {
  const o = isObj(raw) ? raw : {};
  const packages = Array.isArray(o.package_list) ? o.package_list.filter(isObj) : [];
  return packages
    .map((p, i) => ({
      packageNumber: String(p.package_number ?? ''),
      lineIds: (Array.isArray(p.item_list) ? p.item_list.filter(isObj) : []).map((it, k) =>
        shopeeLineId(it, `package_list[${i}].item_list[${k}]`),
      ),
    }))
    .filter((p) => p.packageNumber);
}

/** Logistics statuses of a package that mean it was arranged (or went further): ship_order must not run again. */
const ARRANGED = new Set([
  'LOGISTICS_REQUEST_CREATED',
  'LOGISTICS_PICKUP_DONE',
  'LOGISTICS_DELIVERY_DONE',
  'LOGISTICS_PICKUP_RETRY',
  'LOGISTICS_DELIVERY_FAILED',
  'LOGISTICS_LOST',
]);

export class ShopeeAdapter implements PlatformAdapter {
  readonly kind = 'shopee' as const;
  // No published numbers; community code assumes about 10 requests/s per shop [INF].
  readonly rateLimit = { max: 10, durationMs: 1_000 };
  readonly maxWindowMs = 15 * DAY;
  private readonly http: AxiosInstance;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  tokensExpire(): boolean {
    return true;
  }

  private app(store: ChannelAccess): { partnerId: string; partnerKey: string } {
    const partnerId = store.platform.appId;
    const partnerKey = store.platform.appSecret;
    if (!partnerId || !partnerKey)
      throw new PermanentError('shopee platform has no partner_id or partner_key', { platform: P });
    return { partnerId, partnerKey };
  }

  private signedUrl(
    store: ChannelAccess,
    path: string,
    kind: 'public' | 'shop',
    extra: Record<string, string> = {},
    host?: string,
  ): string {
    const { partnerId, partnerKey } = this.app(store);
    const ts = Math.floor(Date.now() / 1000);
    const params = new URLSearchParams({ partner_id: partnerId, timestamp: String(ts) });
    if (kind === 'shop') {
      const token = store.channel.accessToken;
      if (!token) throw new AuthError('shopee channel has no access token', { platform: P });
      params.set('access_token', token);
      params.set('shop_id', store.channel.externalShopId);
      params.set(
        'sign',
        shopeeSign(partnerKey, shopeeBaseString(partnerId, path, ts, token, store.channel.externalShopId)),
      );
    } else {
      params.set('sign', shopeeSign(partnerKey, shopeeBaseString(partnerId, path, ts)));
    }
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `${(host ?? store.platform.apiHost).replace(/\/$/, '')}${path}?${params}`;
  }

  /** One call; returns the whole envelope when `error` is empty. */
  private async call(
    store: ChannelAccess,
    method: 'GET' | 'POST',
    path: string,
    kind: 'public' | 'shop',
    query: Record<string, string> = {},
    body?: unknown,
    context: 'shop' | 'refresh' | 'public' = kind,
  ): Promise<Obj> {
    const url = this.signedUrl(store, path, kind, query);
    const res = await send(this.http, P, {
      method,
      url,
      data: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    const parsed = jsonBody(res, P);
    if (!isObj(parsed)) {
      if (res.status >= 500 || res.status === 429)
        throw res.status === 429
          ? new RateLimitedError(`shopee ${res.status}`, retryAfterMs(res), { platform: P, status: 429 })
          : new TransientError(`shopee answered ${res.status} without an envelope`, {
              platform: P,
              status: res.status,
            });
      throw new PermanentError(`shopee answered ${res.status} without an envelope`, {
        platform: P,
        status: res.status,
      });
    }
    if (!isEmptyError(parsed.error))
      throw classifyShopeeError(
        String(parsed.error),
        String(parsed.message ?? ''),
        res.status,
        context,
        retryAfterMs(res),
      );
    if (res.status >= 500)
      throw new TransientError(`shopee answered ${res.status}`, { platform: P, status: res.status });
    return parsed;
  }

  async *listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    for (let from = window.from.getTime(); from < window.to.getTime(); from += this.maxWindowMs) {
      const to = Math.min(from + this.maxWindowMs, window.to.getTime());
      let cursor = '';
      for (;;) {
        const env = await this.call(store, 'GET', '/api/v2/order/get_order_list', 'shop', {
          time_range_field: window.field === 'created' ? 'create_time' : 'update_time',
          time_from: String(Math.floor(from / 1000)),
          time_to: String(Math.floor(to / 1000)),
          page_size: String(PAGE_SIZE),
          cursor,
          response_optional_fields: 'order_status',
        });
        const r = isObj(env.response) ? env.response : {};
        const sns = (Array.isArray(r.order_list) ? r.order_list : []).map((o) => String((o as Obj).order_sn));
        const orders: FetchedOrder[] = [];
        for (let i = 0; i < sns.length; i += DETAIL_BATCH)
          orders.push(...(await this.details(store, sns.slice(i, i + DETAIL_BATCH))));
        yield { orders };
        const next = typeof r.next_cursor === 'string' ? r.next_cursor : '';
        if (!r.more || !next || next === cursor) break;
        cursor = next;
      }
    }
  }

  private async details(store: ChannelAccess, sns: string[]): Promise<FetchedOrder[]> {
    if (sns.length === 0) return [];
    const env = await this.call(store, 'GET', '/api/v2/order/get_order_detail', 'shop', {
      order_sn_list: sns.join(','),
      response_optional_fields: SHOPEE_DETAIL_FIELDS,
    });
    const list = isObj(env.response) && Array.isArray(env.response.order_list) ? env.response.order_list : [];
    return list.filter(isObj).map((o) => ({ externalId: String(o.order_sn), raw: o }));
  }

  async fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    try {
      return (await this.details(store, [externalId]))[0] ?? null;
    } catch (err) {
      if (err instanceof PermanentError && err.details.code === 'error_not_found') return null;
      throw err;
    }
  }

  normalize(raw: unknown): CanonicalOrder {
    const o = obj(raw, 'order');
    const externalId = reqStr(o.order_sn, 'order_sn');
    const platformStatus = reqStr(o.order_status, 'order_status');
    const status = STATUS[platformStatus];
    if (!status) throw new InvalidOrderError('order_status', `unknown Shopee status "${platformStatus}"`, externalId);
    const items = arr(o.item_list, 'item_list');
    const lines = items.map((it, i) => {
      const item = obj(it, `item_list[${i}]`);
      const f = (name: string) => `item_list[${i}].${name}`;
      const qty = quantity(item.model_quantity_purchased, f('model_quantity_purchased'));
      const unitPrice = amount(item.model_original_price, f('model_original_price'));
      const discounted = amount(item.model_discounted_price, f('model_discounted_price'));
      // model_discounted_price is 0 for bundle-deal items (the real price is in the escrow detail): no line discount then.
      const perUnitDiscount =
        discounted === '0.00' || Number(discounted) > Number(unitPrice) ? '0.00' : sub(unitPrice, discounted);
      return {
        lineId: shopeeLineId(item, `item_list[${i}]`),
        sku: optStr(item.model_sku) ?? optStr(item.item_sku),
        name:
          [optStr(item.item_name), optStr(item.model_name)].filter(Boolean).join(' ') || (optStr(item.item_name) ?? ''),
        quantity: qty,
        unitPrice,
        discount: times(perUnitDiscount, qty),
      };
    });
    const shippingFee =
      o.estimated_shipping_fee !== undefined && o.estimated_shipping_fee !== null
        ? amount(o.estimated_shipping_fee, 'estimated_shipping_fee')
        : '0.00';
    const computed = add(...lines.map((l) => sub(times(l.unitPrice, l.quantity), l.discount)), shippingFee);
    const ra = isObj(o.recipient_address) ? o.recipient_address : null;
    const paymentMethod = optStr(o.payment_method);
    return parseCanonicalOrder(
      {
        platform: 'shopee',
        externalId,
        externalNumber: externalId,
        status,
        platformStatus,
        createdAt: unixSeconds(o.create_time, 'create_time'),
        updatedAt: unixSeconds(o.update_time, 'update_time'),
        paidAt: optUnixSeconds(o.pay_time, 'pay_time'),
        currency: reqStr(o.currency, 'currency'),
        buyer: { id: optStr(o.buyer_user_id), name: optStr(o.buyer_username), email: null, phone: null },
        recipient: ra
          ? {
              name: optStr(ra.name),
              phone: optStr(ra.phone),
              address1: optStr(ra.full_address),
              address2: optStr(ra.town),
              district: optStr(ra.district),
              city: optStr(ra.city),
              state: optStr(ra.state),
              postalCode: optStr(ra.zipcode),
              country: optStr(ra.region),
            }
          : null,
        lines,
        shippingFee,
        // Seller vouchers are not in the order detail (payment.get_escrow_detail has them).
        orderDiscount: '0.00',
        // total_amount exists only once paid; before that the order's own sum stands in.
        total:
          o.total_amount !== undefined && o.total_amount !== null ? amount(o.total_amount, 'total_amount') : computed,
        paymentMethod,
        cod: o.cod === true,
        note: optStr(o.message_to_seller) ?? optStr(o.note),
      },
      externalId,
    );
  }

  async refreshToken(store: ChannelAccess): Promise<TokenSet> {
    const { partnerId } = this.app(store);
    if (!store.channel.refreshToken)
      throw new ReauthorizeError('shopee channel has no refresh token: connect the shop again', { platform: P });
    const env = await this.call(
      store,
      'POST',
      '/api/v2/auth/access_token/get',
      'public',
      {},
      {
        refresh_token: store.channel.refreshToken,
        partner_id: Number(partnerId),
        shop_id: Number(store.channel.externalShopId),
      },
      'refresh',
    );
    return this.tokens(env, store.channel.externalShopId);
  }

  private tokens(env: Obj, shopId: string | undefined): TokenSet {
    const access = optStr(env.access_token);
    if (!access) throw new TransientError('shopee token answer without access_token', { platform: P });
    const now = Date.now();
    const expireIn = typeof env.expire_in === 'number' ? env.expire_in : 14_400;
    // expire_in is documented as seconds, but a token/get sample shows an epoch: read both [INF].
    const expiresAt = expireIn > 1_000_000_000 ? new Date(expireIn * 1000) : new Date(now + expireIn * 1000);
    return {
      accessToken: access,
      refreshToken: optStr(env.refresh_token),
      accessTokenExpiresAt: expiresAt,
      refreshTokenExpiresAt: new Date(now + 30 * DAY),
      ...(shopId ? { externalShopId: shopId } : {}),
    };
  }

  authorizeUrl(store: ChannelAccess, state: string, redirectUri: string): string {
    // Shopee carries no state parameter: it rides in the redirect URL, which Shopee calls back unchanged.
    const redirect = new URL(redirectUri);
    redirect.searchParams.set('state', state);
    return this.signedUrl(
      store,
      '/api/v2/shop/auth_partner',
      'public',
      { redirect: redirect.toString() },
      store.platform.authHost ?? undefined,
    );
  }

  async exchangeCode(
    store: ChannelAccess,
    params: { code: string; redirectUri: string; query: Record<string, string> },
  ): Promise<TokenSet> {
    const { partnerId } = this.app(store);
    const shopId = params.query.shop_id;
    if (!shopId || !/^\d+$/.test(shopId))
      throw new PermanentError('shopee callback has no shop_id (main-account authorization is not supported)', {
        platform: P,
      });
    const env = await this.call(
      store,
      'POST',
      '/api/v2/auth/token/get',
      'public',
      {},
      { code: params.code, partner_id: Number(partnerId), shop_id: Number(shopId) },
    );
    return this.tokens(env, shopId);
  }

  /**
   * An order of one package takes one tracking number: its first shipment. A split order (package_list of
   * several, [OFF] "split orders need package_number on every logistics call"): each shipment is the package
   * holding its items (see planPackages).
   */
  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    const packages = shopeePackages(orderRaw);
    const sn = isObj(orderRaw) ? String(orderRaw.order_sn ?? '') : '';
    if (packages.length > 1) return planPackages(packages, shipments, `Shopee order ${sn}`);
    return planOnePerOrder(
      shipments,
      `Shopee takes one tracking number per package and order ${sn} is one package`,
      packages[0]?.packageNumber ?? null,
    );
  }

  /** The seller may split an order after the OMS imported it: plan with the current package_list. */
  async orderForShipment(store: ChannelAccess, orderExternalId: string): Promise<unknown | null> {
    return (await this.fetchOrder(store, orderExternalId))?.raw ?? null;
  }

  /** get_shipping_parameter then ship_order with the one method the logistics channel takes. */
  async pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    const raw = isObj(s.orderRaw) ? s.orderRaw : {};
    const packages = Array.isArray(raw.package_list) ? raw.package_list.filter(isObj) : [];
    let packageNumber = s.packageNumber;
    if (!packageNumber && packages.length > 1)
      throw new PermanentError(
        `order ${s.orderExternalId} is split into ${packages.length} packages: the shipment must name its package_number`,
        { platform: P },
      );
    if (!packageNumber && packages.length === 1) packageNumber = optStr(packages[0]!.package_number);
    const pkg: Record<string, string> = packageNumber ? { package_number: packageNumber } : {};

    let params: Obj;
    try {
      const env = await this.call(store, 'GET', '/api/v2/logistics/get_shipping_parameter', 'shop', {
        order_sn: s.orderExternalId,
        ...pkg,
      });
      params = isObj(env.response) ? env.response : {};
    } catch (err) {
      if (err instanceof PermanentError && /ready to be shipped|being allocated/i.test(err.message))
        return this.alreadyOrNotReady(store, s, packageNumber, err.message);
      throw err;
    }
    const needed = isObj(params.info_needed) ? params.info_needed : {};
    const body: Obj = { order_sn: s.orderExternalId, ...pkg };
    let platformAssigns = true;
    if (Array.isArray(needed.non_integrated)) {
      if (!s.trackingNumber)
        throw new PermanentError(`order ${s.orderExternalId} ships non-integrated: a tracking number is required`, {
          platform: P,
        });
      body.non_integrated = { tracking_number: s.trackingNumber };
      platformAssigns = false;
    } else if (Array.isArray(needed.pickup)) {
      const pickup = isObj(params.pickup) ? params.pickup : {};
      const addresses = (Array.isArray(pickup.address_list) ? pickup.address_list : []).filter(isObj);
      const address =
        addresses.find((a) => Array.isArray(a.address_flag) && a.address_flag.includes('pickup_address')) ??
        addresses.find((a) => Array.isArray(a.address_flag) && a.address_flag.includes('default_address')) ??
        addresses[0];
      const slot =
        address && Array.isArray(address.time_slot_list) ? address.time_slot_list.filter(isObj)[0] : undefined;
      if (!address)
        throw new PermanentError(`order ${s.orderExternalId}: Shopee offers no pickup address`, { platform: P });
      const info: Obj = { address_id: address.address_id };
      if (needed.pickup.includes('pickup_time_id')) {
        if (!slot)
          throw new NotReadyError(`order ${s.orderExternalId}: no pickup time slot offered yet`, { platform: P });
        info.pickup_time_id = slot.pickup_time_id;
      }
      if (needed.pickup.includes('tracking_number') && s.trackingNumber) info.tracking_number = s.trackingNumber;
      body.pickup = info;
    } else if (Array.isArray(needed.dropoff)) {
      const dropoff = isObj(params.dropoff) ? params.dropoff : {};
      const info: Obj = {};
      const first = (list: unknown) => (Array.isArray(list) ? list.filter(isObj)[0] : undefined);
      if (needed.dropoff.includes('branch_id')) info.branch_id = first(dropoff.branch_list)?.branch_id;
      if (needed.dropoff.includes('slug')) info.slug = first(dropoff.slug_list)?.slug;
      if (needed.dropoff.includes('tracking_no') && s.trackingNumber) info.tracking_number = s.trackingNumber;
      body.dropoff = info;
    } else {
      throw new PermanentError(
        `order ${s.orderExternalId}: get_shipping_parameter names no shipping method (${JSON.stringify(needed)})`,
        { platform: P },
      );
    }
    try {
      await this.call(store, 'POST', '/api/v2/logistics/ship_order', 'shop', {}, body);
    } catch (err) {
      if (err instanceof PermanentError && err.details.code === 'logistics.package_already_shipped')
        return this.alreadyOrNotReady(store, s, packageNumber, err.message);
      if (err instanceof PermanentError && err.details.code === 'logistics.ship_order_not_ready_to_ship')
        throw new NotReadyError(err.message, err.details);
      throw err;
    }
    if (!platformAssigns) return { outcome: 'pushed', trackingNumber: s.trackingNumber, packageNumber };
    const tracking = await this.readTracking(store, s.orderExternalId, packageNumber);
    return tracking
      ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
      : { outcome: 'awaiting_tracking', packageNumber };
  }

  /** Shipping refused: either the order was already arranged (success when the number matches) or it is not ready yet. */
  private async alreadyOrNotReady(
    store: ChannelAccess,
    s: ShipmentToPush,
    packageNumber: string | null,
    why: string,
  ): Promise<PushResult> {
    const current = await this.fetchOrder(store, s.orderExternalId);
    const status = current && isObj(current.raw) ? String(current.raw.order_status) : '';
    // A split order stays READY_TO_SHIP while some of its packages are not arranged [INF]: the package's own
    // logistics status says whether this one was.
    const pkg =
      packageNumber && current && isObj(current.raw) && Array.isArray(current.raw.package_list)
        ? current.raw.package_list.filter(isObj).find((p) => String(p.package_number) === packageNumber)
        : undefined;
    if (
      pkg &&
      ARRANGED.has(String(pkg.logistics_status)) &&
      !['CANCELLED', 'IN_CANCEL', 'TO_RETURN'].includes(status)
    ) {
      const tracking = await this.readTracking(store, s.orderExternalId, packageNumber).catch(() => null);
      return tracking
        ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
        : { outcome: 'awaiting_tracking', packageNumber };
    }
    if (['UNPAID', 'PENDING', 'INVOICE_PENDING', 'READY_TO_SHIP', 'RETRY_SHIP', ''].includes(status))
      throw new NotReadyError(`shopee: ${why} (order ${status || 'not found'})`, { platform: P });
    if (['CANCELLED', 'IN_CANCEL', 'TO_RETURN'].includes(status))
      throw new PermanentError(`shopee: order ${s.orderExternalId} is ${status}: ${why}`, { platform: P });
    // Already arranged (by us before a crash, or in Seller Centre): Shopee's number is the one the buyer
    // sees — on integrated channels it is always the 3PL's, never ours — so it is what gets recorded.
    const tracking = await this.readTracking(store, s.orderExternalId, packageNumber).catch(() => null);
    return tracking
      ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
      : { outcome: 'awaiting_tracking', packageNumber };
  }

  async readTracking(
    store: ChannelAccess,
    orderExternalId: string,
    packageNumber: string | null,
  ): Promise<string | null> {
    const env = await this.call(store, 'GET', '/api/v2/logistics/get_tracking_number', 'shop', {
      order_sn: orderExternalId,
      ...(packageNumber ? { package_number: packageNumber } : {}),
    });
    return isObj(env.response) ? optStr(env.response.tracking_number) : null;
  }

  verifyWebhook(store: ChannelAccess | null, request: WebhookRequest, secret: string | null): WebhookEvent {
    const key = secret ?? store?.platform.appSecret;
    if (!key) throw new WebhookRejectedError('no partner key to verify the push with');
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !/^[0-9a-f]{64}$/i.test(given))
      throw new WebhookRejectedError('missing or malformed Authorization header');
    const expected = createHmac('sha256', key).update(`${request.url}|`).update(request.rawBody).digest('hex');
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase())))
      throw new WebhookRejectedError('signature does not match');
    let body: Obj;
    try {
      body = obj(JSON.parse(request.rawBody.toString('utf8')), 'body');
    } catch {
      throw new WebhookRejectedError('body is not a JSON object');
    }
    const data = isObj(body.data) ? body.data : {};
    return {
      externalShopId: optStr(body.shop_id),
      topic: String(body.code ?? 'unknown'),
      orderExternalId: optStr(data.ordersn) ?? optStr(data.order_sn),
    };
  }
}
