// Cyberbiz (platforms.md §3): the v2 App Store API (Bearer JWT, 2 h), the shop-domain token endpoint,
// the v1 HMAC scheme on the same /v1/orders paths, bare-array pages with X-* headers, Taipei local times.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { installFaults } from '../http/faults.ts';
import { lineTotal, touch, type Order, type OrderStatus, type Store } from '../world/model.ts';
import { parseTaipeiLocal, taipeiLocal } from '../world/time.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../world/tokens.ts';
import {
  authorizePage,
  cached,
  escapeHtml,
  html,
  joinJson,
  ordersInWindows,
  query,
  sendJson,
  recordShipment,
  withParams,
  type SandboxContext,
} from './common.ts';

const MAX_PER_PAGE = 50;
const HMAC_CLOCK_SKEW_S = 300; // undocumented; Kong's default [INF]
const SUPPORT_SOURCES = ['ezcat', 'pelican', 'sf', 'hct'];
export const TRACKING_COMPANIES = [
  'ezcat',
  'e_can',
  'postserv',
  'hct',
  'tjoin',
  'SF',
  'SEVEN',
  'FAMILY',
  'HILIFE',
  'OK',
  'kerry',
  'other',
];

export function cyberbizStatuses(o: Order): {
  order_status: string;
  financial_status: string;
  fulfillment_status: string;
  return_status: string;
} {
  const paid = o.cod && !o.completedAt ? 'cod' : o.paidAt ? 'paid' : 'pending';
  const map: Record<OrderStatus, [string, string, string, string]> = {
    unpaid: ['open', 'pending', 'unshipped', 'no_need'],
    paid: ['open', paid, 'unshipped', 'no_need'],
    ready_to_ship: ['open', paid, 'preparing', 'no_need'],
    processed: ['open', paid, 'fulfilled', 'no_need'],
    shipped: ['open', paid, 'fulfilled', 'no_need'],
    completed: ['closed', paid, 'received', 'no_need'],
    cancelled: ['cancelled', o.paidAt ? 'refunded' : 'pending', 'cancel', 'no_need'],
    returned: ['closed', 'refunded', 'returned', 'returned'],
  };
  const [order_status, financial_status, fulfillment_status, return_status] = map[o.status];
  return { order_status, financial_status, fulfillment_status, return_status };
}

export function cyberbizHmac(secret: string, xDate: string, requestLine: string): string {
  return createHmac('sha256', secret).update(`x-date: ${xDate}\n${requestLine}`).digest('base64');
}

declare module 'fastify' {
  interface FastifyRequest {
    cyberbizStore?: Store;
  }
}

export async function registerCyberbiz(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const p = ctx.world.platform('cyberbiz');
  installFaults(app, ctx.faults.cyberbiz, {
    rateLimited: (reply) => reply.code(429).send({ error: 'Too Many Requests' }), // body undocumented [INF]
    serverError: (reply) => reply.code(500).send({ error: ['系統發生錯誤，請稍後再試'] }),
  });

  // Authentication of /v1/*: Bearer JWT (v2 App Store API) or the v1 Kong-style HMAC signature.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/v1/')) return;
    const auth = req.headers.authorization ?? '';
    let limiterKey: string;
    if (auth.startsWith('Bearer ')) {
      const token = auth.slice(7).trim();
      // Only tokens this sandbox issued are in the grant table: a lookup is the signature check.
      const access = checkAccess(p, token, ctx.now());
      if (!access.ok)
        return reply.code(401).send({
          error: access.ok || access.reason === 'unknown' ? 'Invalid access token' : 'Access token has expired',
        });
      req.cyberbizStore = access.store;
      limiterKey = token;
    } else if (auth.toLowerCase().startsWith('hmac ')) {
      const m = /username="([^"]*)",\s*algorithm="([^"]*)",\s*headers="([^"]*)",\s*signature="([^"]*)"/.exec(auth);
      const store = m ? p.stores.find((s) => s.login.apiKey === m[1]) : undefined;
      if (!m || !store) return reply.code(401).send({ message: 'Unauthorized' });
      const xDate = String(req.headers['x-date'] ?? '');
      const at = Date.parse(xDate);
      if (!xDate || Number.isNaN(at) || Math.abs(ctx.now() - at) > HMAC_CLOCK_SKEW_S * 1000)
        return reply.code(401).send({
          message:
            'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication',
        });
      const line = `${req.method} ${req.url} HTTP/${req.raw.httpVersion}`;
      if (
        m[2] !== 'hmac-sha256' ||
        m[3] !== 'x-date request-line' ||
        cyberbizHmac(store.login.apiSecret!, xDate, line) !== m[4]
      )
        return reply.code(401).send({ message: 'HMAC signature cannot be verified' });
      req.cyberbizStore = store;
      limiterKey = `v1:${store.login.apiKey}`;
    } else {
      return reply.code(401).send({ error: 'Unauthorized' });
    }
    if (!ctx.limiters.cyberbiz.take(limiterKey, ctx.now())) return reply.code(429).send({ error: 'Too Many Requests' });
  });

  const find = (req: FastifyRequest, reply: FastifyReply): Order | null => {
    const id = (req.params as { id: string }).id;
    const o = req.cyberbizStore!.byId.get(id);
    if (!o) {
      void reply.code(404).send({ error: ['無此資源'] });
      return null;
    }
    return o;
  };

  app.get('/v1/orders', async (req, reply) => {
    const store = req.cyberbizStore!;
    const q = query(req);
    const bad: string[] = [];
    const time = (name: string): number | null => {
      const v = q[name];
      if (v === undefined || v === '') return null;
      const t = parseTaipeiLocal(v);
      if (t === null) bad.push(`${name} 格式錯誤 (YYYY-MM-DD HH:MM:SS)`);
      return t;
    };
    const num = (name: string, def: number, min: number): number => {
      const v = q[name];
      if (v === undefined || v === '') return def;
      if (!/^\d+$/.test(v) || Number(v) < min) {
        bad.push(`${name} 格式錯誤`);
        return def;
      }
      return Number(v);
    };
    const createdFrom = time('start_time');
    const createdTo = time('end_time');
    const updatedFrom = time('updated_at_start_time');
    const updatedTo = time('updated_at_end_time');
    const page = num('page', 1, 1);
    // per_page: default and maximum 50; more is served as 50 (the X-Per-Page header says so).
    const perPage = Math.min(num('per_page', MAX_PER_PAGE, 1), MAX_PER_PAGE);
    const offset = num('offset', 0, 0);
    if (bad.length) return reply.code(422).send({ error: bad });
    const set = (name: string) => (q[name] ? new Set(q[name]!.split(',').map((s) => s.trim())) : null);
    const statuses = set('statuses');
    const financial = set('financial_statuses');
    const fulfillment = set('fulfillment_statuses');

    // Ordered by id (= creation) whatever the filter [INF].
    let candidates = ordersInWindows(store, createdFrom, createdTo, updatedFrom, updatedTo);
    if (statuses || financial || fulfillment) {
      candidates = candidates.filter((o) => {
        const s = cyberbizStatuses(o);
        return (
          (!statuses || statuses.has(s.order_status)) &&
          (!financial || financial.has(s.financial_status)) &&
          (!fulfillment || fulfillment.has(s.fulfillment_status))
        );
      });
    }
    const total = candidates.length;
    const start = offset + (page - 1) * perPage;
    const slice = candidates.slice(start, start + perPage);
    const totalPages = Math.ceil(Math.max(0, total - offset) / perPage);
    void reply.headers({
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Offset': String(offset),
      'X-Total': String(total),
      'X-Total-Pages': String(totalPages),
      'X-Next-Page': page < totalPages ? String(page + 1) : '',
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
    });
    return sendJson(
      reply,
      joinJson(
        '[',
        slice.map((o) => cached(o, 'cyberbiz:list', () => renderOrder(o, true))),
        ']',
      ),
    );
  });

  app.get('/v1/orders/get_order_id', async (req, reply) => {
    const numbers = (query(req).order_numbers ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (numbers.length === 0) return reply.code(422).send({ error: ['order_numbers 為必填'] });
    // Shape undocumented [INF]: one {order_number, id} per number found.
    const store = req.cyberbizStore!;
    return numbers.flatMap((n) => {
      const o = store.byNumber.get(n.replace(/^#/, ''));
      return o ? [{ order_number: Number(o.number), id: Number(o.externalId) }] : [];
    });
  });

  app.get('/v1/orders/:id', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    return sendJson(
      reply,
      cached(o, 'cyberbiz:detail', () => renderOrder(o, false)),
    );
  });

  app.get('/v1/orders/:id/fulfillments', async (req, reply) => {
    const o = find(req, reply);
    if (!o) return reply;
    // A support_shipping number is pending at booking and assigned by the time anyone reads it back.
    const pending = o.fulfillments.filter((f) => !f.number);
    if (pending.length) {
      touch(o, ctx.now(), () => {
        for (const f of pending) f.number = `${f.id}${String(o.uid).padStart(4, '0').slice(-4)}`;
        o.trackingNumber ??= pending[0]!.number;
      });
      for (const f of pending) {
        const s = p.shipments.get(`${o.store.key}|${o.externalId}|${fulfillmentKey(f.lineIds)}`);
        if (s && !s.trackingNumber) s.trackingNumber = f.number;
      }
    }
    return o.fulfillments.map((f) => renderFulfillment(o, f));
  });

  /**
   * custom_shipping: the seller's own carrier and number. support_shipping: CYBERBIZ books the carrier and
   * answers 202 while the number is pending; it shows in GET fulfillments afterwards.
   */
  const fulfill =
    (kind: 'custom_shipping' | 'support_shipping') => async (req: FastifyRequest, reply: FastifyReply) => {
      const o = find(req, reply);
      if (!o) return reply;
      const b = (req.body ?? {}) as Record<string, unknown>;
      const errors: string[] = [];
      let tracking = '';
      let company: string;
      if (kind === 'custom_shipping') {
        tracking = typeof b.tracking_number === 'string' ? b.tracking_number.trim() : '';
        company = typeof b.tracking_company === 'string' ? b.tracking_company : '';
        if (!tracking) errors.push('tracking_number 為必填');
        if (!TRACKING_COMPANIES.includes(company))
          errors.push(`tracking_company 不正確: ${JSON.stringify(company)} (${TRACKING_COMPANIES.join('|')})`);
      } else {
        company = typeof b.source === 'string' ? b.source : '';
        if (!SUPPORT_SOURCES.includes(company))
          errors.push(`source 不正確: ${JSON.stringify(company)} (${SUPPORT_SOURCES.join('|')})`);
        if (![60, 90, 120, 150].includes(Number(b.size))) errors.push('size 不正確 (60|90|120|150)');
        if (!['normal', 'cold'].includes(String(b.temperature ?? ''))) errors.push('temperature 不正確 (normal|cold)');
      }
      const shipped = new Set(o.fulfillments.flatMap((f) => f.lineIds));
      const ids =
        b.line_item_ids === undefined
          ? o.lines.map((l) => l.id).filter((id) => !shipped.has(id))
          : Array.isArray(b.line_item_ids)
            ? b.line_item_ids.map(String)
            : null;
      if (!ids || ids.length === 0) errors.push('line_item_ids 不正確');
      else if (ids.some((id) => !o.lines.some((l) => l.id === id))) errors.push('line_item_ids 含有不屬於此訂單的商品');
      else if (ids.some((id) => shipped.has(id))) errors.push('商品已出貨');
      if (o.status === 'cancelled' || o.status === 'returned') errors.push('訂單已取消');
      else if (o.status === 'unpaid') errors.push('訂單尚未付款');
      // Each fulfillment is its own shipment (an order takes several): one record per set of line items.
      const record = (okay: boolean) =>
        recordShipment(p, o, { carrier: company, trackingNumber: tracking || null, method: kind }, okay, ctx.now(), {
          key: fulfillmentKey(ids ?? []),
          lineIds: ids ?? undefined,
        });
      if (errors.length) {
        record(false);
        return reply.code(422).send({ error: errors });
      }
      const now = ctx.now();
      const f = { id: ++ctx.world.seq.fulfillmentId, company, number: tracking, lineIds: ids!, at: now };
      touch(o, now, () => {
        o.fulfillments.push(f);
        const all = o.lines.every((l) => shipped.has(l.id) || ids!.includes(l.id));
        if (all && (o.status === 'paid' || o.status === 'ready_to_ship')) {
          o.status = 'shipped';
          o.shippedAt = now;
          o.trackingNumber = tracking || null;
        }
      });
      record(true);
      return reply.code(kind === 'support_shipping' ? 202 : 200).send(renderFulfillment(o, f));
    };
  app.post('/v1/orders/:id/fulfillments/custom_shipping', fulfill('custom_shipping'));
  app.post('/v1/orders/:id/fulfillments/support_shipping', fulfill('support_shipping'));

  app.get('/shop', async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    const access = checkAccess(p, auth.replace(/^Bearer /, ''), ctx.now());
    if (!access.ok) return reply.code(401).send({ error: 'Unauthorized' });
    return {
      id: access.store.numericId,
      name: access.store.name,
      domain: access.store.key,
      currency: 'TWD',
      timezone: 'Asia/Taipei',
    };
  });

  // ---- OAuth. The real authorize URL is undocumented; this is the sandbox's own page.
  app.get('/oauth/authorize', async (req, reply) => {
    const q = query(req);
    if (q.client_id !== p.appId)
      return reply.code(400).type('text/html').send(html('Cyberbiz sandbox', 'unknown client_id'));
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri))
      return reply.code(400).type('text/html').send(html('Cyberbiz sandbox', 'redirect_uri is required'));
    const stores = q.shop_domain ? p.stores.filter((s) => s.key === q.shop_domain) : p.stores;
    if (stores.length === 0)
      return reply
        .code(404)
        .type('text/html')
        .send(html('Cyberbiz sandbox', `unknown shop ${escapeHtml(q.shop_domain ?? '')}`));
    const page = authorizePage(
      'Cyberbiz sandbox: install app',
      stores,
      (s) =>
        `/oauth/authorize/confirm?${new URLSearchParams({ shop_domain: s.key, redirect_uri: q.redirect_uri!, state: q.state ?? '' })}`,
    );
    return reply.type('text/html; charset=utf-8').send(page);
  });
  app.get('/oauth/authorize/confirm', async (req, reply) => {
    const q = query(req);
    const store = q.shop_domain ? p.storeByKey.get(q.shop_domain) : undefined;
    if (!store || !q.redirect_uri)
      return reply.code(400).type('text/html').send(html('Cyberbiz sandbox', 'bad request'));
    const code = issueCode(p, store, ctx.now(), q.redirect_uri);
    return reply.redirect(withParams(q.redirect_uri, { code, state: q.state ?? '', shop_domain: store.key }));
  });

  // The real token endpoint is https://{shop domain}/admin/oauth/token. Here every shop shares one host,
  // so the shop domain travels in the X-Shop-Domain header or as `shop_domain` in the body.
  app.post('/admin/oauth/token', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const domain = String(req.headers['x-shop-domain'] ?? b.shop_domain ?? '');
    const store = p.storeByKey.get(domain);
    if (!store)
      return reply.code(404).send({
        error: 'invalid_request',
        error_description: `unknown shop domain "${domain}" (send it as X-Shop-Domain or shop_domain)`,
      });
    if (b.client_id !== p.appId || b.client_secret !== p.appSecret)
      return reply.code(401).send({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    const now = ctx.now();
    let grantStore: Store;
    if (b.grant_type === 'refresh_token') {
      const r = useRefresh(p, typeof b.refresh_token === 'string' ? b.refresh_token : undefined, now, store);
      if (!r.ok)
        return reply.code(400).send({
          error: 'invalid_grant',
          error_description:
            'The provided authorization grant is invalid, expired, revoked, or was issued to another client.',
        });
      grantStore = r.grant.store;
    } else if (b.grant_type === 'authorization_code') {
      const g = useCode(
        p,
        typeof b.code === 'string' ? b.code : undefined,
        now,
        (c) => c.store === store && (!c.redirectUri || b.redirect_uri === c.redirectUri),
      );
      if (!g)
        return reply.code(400).send({
          error: 'invalid_grant',
          error_description:
            'The provided authorization grant is invalid, expired, revoked, or was issued to another client.',
        });
      grantStore = g.store;
    } else {
      return reply.code(400).send({
        error: 'unsupported_grant_type',
        error_description: 'grant_type must be refresh_token or authorization_code.',
      });
    }
    const t = issueTokens(p, grantStore, ctx.world.hex, now);
    return {
      access_token: t.accessToken,
      token_type: 'Bearer',
      expires_in: t.expiresIn,
      refresh_token: t.refreshToken,
      scope: 'public shop_api read_orders write_orders',
      created_at: Math.floor(now / 1000),
    };
  });

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: ['無此資源'] }));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: [err.message] });
    ctx.logger?.error({ err }, 'cyberbiz sandbox error');
    return reply.code(500).send({ error: ['系統發生錯誤，請稍後再試'] });
  });
}

function renderFulfillment(o: Order, f: Order['fulfillments'][number]) {
  return {
    id: f.id,
    tracking_company: f.company,
    tracking_number: f.number || null,
    fulfilled_at: taipeiLocal(f.at),
    received_at: o.completedAt ? taipeiLocal(o.completedAt) : null,
    status: f.number ? 'fulfilled' : 'pending',
    line_items: o.lines
      .filter((l) => f.lineIds.includes(l.id))
      .map((l) => ({ id: Number(l.id), sku: l.sku, quantity: l.qty })),
    tracking_url: null,
  };
}

function renderOrder(o: Order, inList: boolean): Record<string, unknown> {
  const t = (ms: number | null) => (ms === null ? null : taipeiLocal(ms));
  const itemsTotal = o.lines.reduce((s, l) => s + lineTotal(l), 0);
  const statuses = cyberbizStatuses(o);
  const shopDiscount = o.discount;
  const out: Record<string, unknown> = {
    id: Number(o.externalId),
    order_number: Number(o.number),
    order_name: `#${o.number}`,
    ...(inList ? { token: `${o.externalId}-${o.uid.toString(36)}` } : {}),
    subtotal_price: itemsTotal,
    customer: { id: 60_000_000 + o.uid, name: o.buyer.name, email: o.buyer.email, mobile: o.buyer.phone },
    buyer: { email: o.buyer.email, mobile: o.buyer.phone },
    receiver: {
      name: o.buyer.name,
      country_calling_code: '+886',
      phone: o.buyer.phone,
      address: o.address.full,
      detail_address: {
        zip: o.address.zip,
        country: '台灣',
        province: null,
        city: o.address.city,
        district: o.address.district,
        address1: o.address.street,
        address2: null,
      },
      cvs_store_id: null,
      allpay_logistics_id: null,
    },
    shipping_type: 'home_delivery',
    shipping_name: '宅配',
    shipping_vendor: { type: 'home', name: '黑貓宅急便' },
    logistics_id: null,
    fulfillments: o.fulfillments.map((f) => renderFulfillment(o, f)),
    shipping_status: statuses.fulfillment_status,
    payment_name: o.cod
      ? '貨到付款'
      : o.paymentMethod === 'atm'
        ? 'ATM 轉帳'
        : o.paymentMethod === 'line_pay'
          ? 'LINE Pay'
          : '信用卡',
    payment_method: o.paymentMethod,
    card4no: o.paymentMethod === 'credit_card' ? String(1000 + (o.uid % 9000)) : null,
    transaction_number: o.paidAt ? `T${o.externalId}` : null,
    prices: {
      total_line_items_price: itemsTotal,
      shipping_rate_price: o.shippingFee,
      total_price: o.total,
      discounts: {
        vip_discount: 0,
        shop_discount: shopDiscount,
        coupon_discounts: [],
        bonus_consumed: 0,
        price_discount: 0,
      },
    },
    statuses,
    timings: {
      paid_at: t(o.paidAt),
      fulfilled_at: t(o.shippedAt),
      received_at: t(o.completedAt),
      cancelled_at: t(o.cancelledAt),
      returned_at: t(o.returnedAt),
      closed_at: t(o.completedAt ?? o.returnedAt),
    },
    einvoice: null,
    note: o.note || null,
    tags: [],
    created_at: t(o.createdAt),
    updated_at: t(o.updatedAt),
    line_items: o.lines.map((l, i) => ({
      id: Number(l.id),
      product_id: 400_000 + l.productId,
      product_variant_id: 500_000 + l.productId,
      title: l.name,
      variant_title: null,
      sku: l.sku,
      qc: null,
      vendor: null,
      price: o.corrupt === 'bad_price' && i === 0 ? `${l.unitPrice}元` : l.unitPrice,
      cost: null,
      quantity: l.qty,
      item_type: 'product',
      return_status: o.status === 'returned' ? 'returned' : 'no_need',
      discounts: l.discount ? [{ title: '商品折扣', amount: l.discount }] : [],
      total_price_before_discounts: l.unitPrice * l.qty,
      total_discount: l.discount,
      total_price_after_discounts: lineTotal(l),
      tax_type_id: 'inclusive_tax',
      related_items: [],
      weight: 0.5,
      photo: null,
    })),
  };
  if (o.corrupt === 'missing_items') out.line_items = null;
  return out;
}

/** A fulfillment's identity in the shipment records: its line items. */
function fulfillmentKey(lineIds: string[]): string {
  return [...lineIds].sort().join(',');
}
