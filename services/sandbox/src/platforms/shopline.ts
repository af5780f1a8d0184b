// SHOPLINE Open API (platforms.md §2A): Bearer token, a required User-Agent, UTC times, {items, pagination},
// 20 req/s per token with the documented 429 body, 410 for archived orders, PATCH for tracking numbers
// (custom delivery only) and for the delivery status (which does not bump order.updated_at).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { installFaults } from '../http/faults.ts';
import { lineTotal, touch, type Order, type OrderStatus, type Store } from '../world/model.ts';
import { parseUtcLocal, utcIso } from '../world/time.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../world/tokens.ts';
import {
  authorizePage,
  cached,
  html,
  joinJson,
  ordersInWindows,
  query,
  sendJson,
  queryAll,
  recordShipment,
  recordShipmentStep,
  withParams,
  type SandboxContext,
} from './common.ts';

const MAX_PER_PAGE = 50; // the docs give no maximum; clients assume 50 [SDK]: more is served as 50 [INF]
const DEFAULT_PER_PAGE = 24; // [INF]: a client that relies on a default page size gets a small one
export const SHOPLINE_RATE_LIMIT_BODY = {
  error: 'Rate limit exceeded for attempts to access Open API. please try again later',
  code: 'RateLimitExceeded',
};
const DELIVERY_STATUSES = ['pending', 'shipping', 'shipped', 'arrived', 'collected', 'returned', 'returning'];
const ORDER_STATUSES = ['pending', 'confirmed', 'completed', 'cancelled'];
/** Library defaults that do not identify the caller, refused like a missing header [INF]. */
const ANONYMOUS_AGENT = /^(node|undici|axios\/|node-fetch|got |Java-http-client|okhttp|python-requests)/i;

export function shoplineStatus(o: Order): { status: string; payment: string; delivery: string } {
  const pay =
    o.status === 'returned' || (o.status === 'cancelled' && o.paidAt) ? 'refunded' : o.paidAt ? 'completed' : 'pending';
  const map: Record<OrderStatus, [string, string]> = {
    unpaid: ['pending', 'pending'],
    paid: ['confirmed', 'pending'],
    ready_to_ship: ['confirmed', 'shipping'],
    processed: ['confirmed', 'shipped'],
    shipped: ['confirmed', 'shipped'],
    completed: ['completed', 'arrived'],
    cancelled: ['cancelled', 'pending'],
    returned: ['completed', 'returned'],
  };
  const [status, delivery] = map[o.status];
  return { status, payment: pay, delivery };
}

const money = (dollars: number | string) => ({
  cents: typeof dollars === 'number' ? Math.round(dollars * 100) : dollars,
  dollars,
  currency_iso: 'TWD',
  currency_symbol: 'NT$',
  label: typeof dollars === 'number' ? `NT$${dollars.toLocaleString('en-US')}` : `NT$${dollars}`,
});

const err = (reply: FastifyReply, status: number, error: string, code: string) =>
  reply.code(status).send({ error, code });

declare module 'fastify' {
  interface FastifyRequest {
    shoplineStore?: Store;
  }
}

export async function registerShopline(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const p = ctx.world.platform('shopline');
  installFaults(app, ctx.faults.shopline, {
    rateLimited: (reply) => reply.code(429).send(SHOPLINE_RATE_LIMIT_BODY),
    serverError: (reply) => err(reply, 500, 'Internal Server Error', 'InternalServerError'),
  });

  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/v1/') && !req.url.startsWith('/oauth/token/info')) return;
    const ua = String(req.headers['user-agent'] ?? '').trim();
    if (!ua || ANONYMOUS_AGENT.test(ua))
      return err(
        reply,
        401,
        'A User-Agent header naming your app (handle or company code) is required',
        'Unauthorized',
      );
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const access = checkAccess(p, token, ctx.now());
    if (!access.ok)
      return err(
        reply,
        401,
        access.reason === 'expired' ? 'The access token expired' : 'The access token is invalid',
        'Unauthorized',
      );
    if (!ctx.limiters.shopline.take(token, ctx.now())) return reply.code(429).send(SHOPLINE_RATE_LIMIT_BODY);
    req.shoplineStore = access.store;
  });

  const find = (req: FastifyRequest, reply: FastifyReply, allowArchived = false): Order | null => {
    const o = req.shoplineStore!.byId.get((req.params as { id: string }).id);
    if (!o) {
      void err(reply, 404, 'Order not found', 'NotFound');
      return null;
    }
    if (o.archived && !allowArchived) {
      void err(reply, 410, 'The order has been archived. Use Get Archived Orders.', 'Gone');
      return null;
    }
    return o;
  };

  app.get('/v1/orders', async (req, reply) => {
    const store = req.shoplineStore!;
    const q = query(req);
    const bad: string[] = [];
    const time = (name: string): number | null => {
      const v = q[name];
      if (v === undefined || v === '') return null;
      // Documented: UTC "YYYY-MM-DD HH:mm:ss". ISO 8601 with an explicit zone is read as such.
      const t = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(v) ? Date.parse(v) : parseUtcLocal(v);
      if (t === null || Number.isNaN(t)) bad.push(`${name} must be a UTC time "YYYY-MM-DD HH:mm:ss"`);
      return t;
    };
    const createdAfter = time('created_after');
    const createdBefore = time('created_before');
    const updatedAfter = time('updated_after');
    const updatedBefore = time('updated_before');
    const page = q.page ? Number(q.page) : 1;
    const perPageAsked = q.per_page ? Number(q.per_page) : DEFAULT_PER_PAGE;
    if (!Number.isInteger(page) || page < 1) bad.push('page must be a positive integer');
    if (!Number.isInteger(perPageAsked) || perPageAsked < 1) bad.push('per_page must be a positive integer');
    if (q.status && !ORDER_STATUSES.includes(q.status)) bad.push(`status must be one of ${ORDER_STATUSES.join(', ')}`);
    if (bad.length) return err(reply, 422, bad.join('; '), 'UnprocessableEntity');
    const perPage = Math.min(perPageAsked, MAX_PER_PAGE);
    const ids = new Set(
      [...queryAll(req, 'order_ids[]'), ...queryAll(req, 'order_ids')].flatMap((v) => v.split(',')).filter(Boolean),
    );

    let list = ordersInWindows(store, createdAfter, createdBefore, updatedAfter, updatedBefore);
    if (q.status) list = list.filter((o) => shoplineStatus(o).status === q.status);
    if (ids.size) list = list.filter((o) => ids.has(o.externalId));
    // Newest first [INF].
    const total = list.length;
    const start = total - (page - 1) * perPage;
    const items: Buffer[] = [];
    for (let i = start - 1; i >= Math.max(0, start - perPage); i--)
      items.push(cached(list[i]!, 'shopline', () => renderOrder(list[i]!)));
    const pagination = {
      current_page: page,
      per_page: perPage,
      total_pages: Math.ceil(total / perPage),
      total_count: total,
    };
    return sendJson(reply, joinJson('{"items":[', items, `],"pagination":${JSON.stringify(pagination)}}`));
  });

  app.get('/v1/orders/:id', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });

  app.patch('/v1/orders/:id', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const provider = (b.delivery_provider_name ?? {}) as Record<string, unknown>;
    const carrier = String(provider['zh-hant'] ?? provider.en ?? '');
    const tracking = typeof b.tracking_number === 'string' ? b.tracking_number.trim() : undefined;
    const refuse = (message: string) => {
      if (tracking !== undefined)
        recordShipment(p, o, { carrier, trackingNumber: tracking || null, method: 'patch_tracking' }, false, ctx.now());
      return err(reply, 422, message, 'UnprocessableEntity');
    };
    if (tracking !== undefined && o.delivery !== 'custom')
      return refuse('Tracking numbers can only be set for custom delivery options');
    if (tracking !== undefined && !tracking) return refuse('tracking_number must not be empty');
    if (o.status === 'cancelled') return refuse('The order is cancelled');
    touch(o, ctx.now(), () => {
      if (tracking) o.trackingNumber = tracking;
      if (typeof b.tracking_url === 'string') o.trackingUrl = b.tracking_url;
      if (carrier) o.carrier = carrier;
    });
    if (tracking)
      recordShipment(p, o, { carrier: o.carrier, trackingNumber: tracking, method: 'patch_tracking' }, true, ctx.now());
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });

  app.patch('/v1/orders/:id/order_delivery_status', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const status = String(b.status ?? '');
    if (!DELIVERY_STATUSES.includes(status))
      return err(reply, 422, `status must be one of ${DELIVERY_STATUSES.join(', ')}`, 'UnprocessableEntity');
    if (o.delivery !== 'custom')
      return err(
        reply,
        422,
        `Delivery status of integrated logistics (${o.delivery}) cannot be changed`,
        'UnprocessableEntity',
      );
    if (o.status === 'completed' || o.status === 'cancelled')
      return err(
        reply,
        422,
        `The order is ${shoplineStatus(o).status}; its delivery status cannot change`,
        'UnprocessableEntity',
      );
    if (o.status === 'unpaid' && !o.cod) return err(reply, 422, 'The order is not paid', 'UnprocessableEntity');
    const now = ctx.now();
    const to: Record<string, OrderStatus> = {
      pending: 'paid',
      shipping: 'ready_to_ship',
      shipped: 'shipped',
      arrived: 'completed',
      collected: 'completed',
      returned: 'returned',
      returning: 'returned',
    };
    // A change to order_delivery does NOT bump order.updated_at (documented): no touch() here.
    o.status = to[status]!;
    if (status === 'shipped') o.shippedAt ??= now;
    // The tracking-number PATCH confirmed the shipment; its status change is a step of it, not a second one.
    if (p.shipments.has(`${o.store.key}|${o.externalId}`) || status === 'shipped')
      recordShipmentStep(p, o, { deliveryStatus: status }, now);
    if (o.status === 'completed') o.completedAt ??= now;
    if (o.status === 'returned') o.returnedAt ??= now;
    o.cache.clear();
    return { order_id: o.externalId, status, updated_at: utcIso(now) };
  });

  // Integrated logistics (7-11, FamilyMart, T-cat, SF): SHOPLINE books the carrier and assigns the number;
  // only while delivery is pending. The response shape is undocumented [INF]: the order.
  app.patch('/v1/orders/:id/execute_shipment', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    const refuse = (message: string) => {
      recordShipment(p, o, { carrier: o.carrier, trackingNumber: null, method: 'execute_shipment' }, false, ctx.now());
      return err(reply, 422, message, 'UnprocessableEntity');
    };
    if (o.delivery === 'custom')
      return refuse('execute_shipment is only for integrated delivery options (7-11, FamilyMart, T-cat, SF)');
    if (shoplineStatus(o).delivery !== 'pending' || o.status === 'cancelled')
      return refuse(`Shipment can only be executed while delivery is pending (it is ${shoplineStatus(o).delivery})`);
    if (o.status === 'unpaid' && !o.cod) return refuse('The order is not paid');
    const now = ctx.now();
    // A change to order_delivery: no touch(), order.updated_at stays.
    o.status = 'processed';
    o.shippedAt = now;
    o.trackingNumber = `F${String(now).slice(-7)}${String(o.uid).padStart(4, '0').slice(-4)}`;
    o.cache.clear();
    recordShipment(
      p,
      o,
      { carrier: o.carrier, trackingNumber: o.trackingNumber, method: 'execute_shipment' },
      true,
      now,
    );
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });

  // ---- Developer Center OAuth (sandbox pages on this port).
  app.get('/oauth/authorize', async (req, reply) => {
    const q = query(req);
    if (q.client_id !== p.appId)
      return reply.code(400).type('text/html').send(html('SHOPLINE sandbox', 'unknown client_id'));
    if (q.response_type !== 'code')
      return reply.code(400).type('text/html').send(html('SHOPLINE sandbox', 'response_type must be code'));
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri))
      return reply.code(400).type('text/html').send(html('SHOPLINE sandbox', 'redirect_uri is required'));
    const stores = q.merchant_id ? p.stores.filter((s) => s.key === q.merchant_id) : p.stores;
    const page = authorizePage(
      'SHOPLINE sandbox: authorize app',
      stores,
      (s) =>
        `/oauth/authorize/confirm?${new URLSearchParams({ merchant_id: s.key, redirect_uri: q.redirect_uri!, state: q.state ?? '' })}`,
    );
    return reply.type('text/html; charset=utf-8').send(page);
  });
  app.get('/oauth/authorize/confirm', async (req, reply) => {
    const q = query(req);
    const store = q.merchant_id ? p.storeByKey.get(q.merchant_id) : undefined;
    if (!store || !q.redirect_uri)
      return reply.code(400).type('text/html').send(html('SHOPLINE sandbox', 'bad request'));
    const code = issueCode(p, store, ctx.now(), q.redirect_uri);
    return reply.redirect(withParams(q.redirect_uri, { code, ...(q.state ? { state: q.state } : {}) }));
  });

  app.post('/oauth/token', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.client_id !== p.appId || b.client_secret !== p.appSecret)
      return reply.code(401).send({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const now = ctx.now();
    const invalid = () =>
      reply.code(400).send({
        error: 'invalid_grant',
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      });
    let store: Store;
    if (b.grant_type === 'authorization_code') {
      const g = useCode(
        p,
        typeof b.code === 'string' ? b.code : undefined,
        now,
        (c) => b.redirect_uri === c.redirectUri,
      );
      if (!g) return invalid();
      store = g.store;
    } else if (b.grant_type === 'refresh_token') {
      const r = useRefresh(p, typeof b.refresh_token === 'string' ? b.refresh_token : undefined, now);
      if (!r.ok) return invalid();
      store = r.grant.store;
    } else {
      return reply.code(400).send({
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be authorization_code or refresh_token.',
      });
    }
    const t = issueTokens(p, store, ctx.world.hex, now);
    return {
      access_token: t.accessToken,
      token_type: 'Bearer',
      expires_in: t.expiresIn,
      refresh_token: t.refreshToken,
      scope: 'orders',
      created_at: Math.floor(now / 1000),
      resource_owner_id: store.key,
    };
  });

  app.get('/oauth/token/info', async (req) => {
    const s = req.shoplineStore!;
    return {
      resource_owner_id: s.key,
      scope: ['orders'],
      expires_in: Math.max(0, Math.floor(((s.accessExpiresAt ?? 0) - ctx.now()) / 1000)),
      application: { uid: p.appId },
      created_at: Math.floor(ctx.now() / 1000),
    };
  });

  app.setNotFoundHandler((_req, reply) => err(reply, 404, 'Not Found', 'NotFound'));
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    if (e.statusCode && e.statusCode < 500) return err(reply, e.statusCode, e.message, 'BadRequest');
    ctx.logger?.error({ err: e }, 'shopline sandbox error');
    return err(reply, 500, 'Internal Server Error', 'InternalServerError');
  });
}

function renderOrder(o: Order): Record<string, unknown> {
  const st = shoplineStatus(o);
  const subtotal = o.lines.reduce((s, l) => s + lineTotal(l), 0);
  const t = (ms: number | null) => (ms === null ? null : utcIso(ms));
  const out: Record<string, unknown> = {
    id: o.externalId,
    order_number: o.number,
    system_order_number: o.number,
    merchant_order_number: null,
    status: st.status,
    created_from: 'shop',
    channel: { created_by_channel_id: null, created_by_channel_name: null },
    customer_id: (o.uid * 7919).toString(16).padStart(24, '0'),
    customer_name: o.buyer.name,
    customer_email: o.buyer.email,
    customer_phone: o.buyer.phone,
    currency_iso: 'TWD',
    subtotal: money(subtotal),
    total: money(o.total),
    order_discount: money(o.discount),
    user_credit: money(0),
    total_tax_fee: money(0),
    order_points_to_cash: money(0),
    order_payment: {
      id: `p${o.externalId.slice(1)}`,
      payment_type: o.paymentMethod,
      status: st.payment,
      total: money(o.total),
      paid_at: t(o.paidAt),
    },
    order_delivery: {
      id: `d${o.externalId.slice(1)}`,
      delivery_option_id: o.delivery === 'custom' ? 'custom-home' : o.delivery,
      platform: o.delivery === 'custom' ? 'custom' : 'tw_711',
      region_type: o.delivery === 'custom' ? 'custom' : o.delivery,
      status: st.delivery,
      delivery_status: st.delivery,
      delivery_type: o.delivery === 'custom' ? 'custom' : 'integrated',
      total: money(o.shippingFee),
      shipped_at: t(o.shippedAt),
      arrived_at: t(o.completedAt),
      remark: null,
    },
    delivery_address: {
      recipient_name: o.buyer.name,
      recipient_phone: o.buyer.phone,
      country_code: 'TW',
      city: o.address.city,
      state: null,
      postcode: o.address.zip,
      address_1: o.address.street,
      address_2: null,
      district: o.address.district,
    },
    delivery_data: {
      tracking_number: o.trackingNumber,
      tracking_url: o.trackingUrl ?? null,
      location_code: null,
      location_name: null,
      store_address: null,
    },
    subtotal_items: o.lines.map((l, i) => ({
      id: l.id,
      item_type: 'Product',
      item_id: (400_000 + l.productId).toString(16).padStart(24, '0'),
      item_variation_key: null,
      sku: l.sku,
      quantity: l.qty,
      item_price: money(l.unitPrice),
      price: money(l.unitPrice),
      discounted_price: money(l.unitPrice - l.discount / l.qty),
      total: o.corrupt === 'bad_price' && i === 0 ? money(`${lineTotal(l)}元`) : money(lineTotal(l)),
      title_translations: { 'zh-hant': l.name, en: l.name },
    })),
    invoice: null,
    tags: [],
    created_at: t(o.createdAt),
    updated_at: t(o.updatedAt),
    ...(o.archived ? { is_archived: true } : {}),
  };
  if (o.corrupt === 'missing_items') delete out.subtotal_items;
  return out;
}
