// Shopee Open Platform v2 (platforms.md §1): every call signed (HMAC-SHA256 over partner_id + path +
// timestamp [+ access_token + shop_id]), 5-minute timestamps, the {request_id, error, message, response}
// envelope, 4-hour access tokens and single-use rotating refresh tokens.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { installFaults } from '../http/faults.ts';
import { touch, type Order, type OrderStatus, type ShopeePackage, type Store } from '../world/model.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../world/tokens.ts';
import {
  authorizePage,
  cached,
  html,
  intParam,
  joinJson,
  query,
  sendJson,
  recordShipment,
  withParams,
  type SandboxContext,
} from './common.ts';

export const SHOPEE_STATUS: Record<OrderStatus, string> = {
  unpaid: 'UNPAID',
  paid: 'READY_TO_SHIP',
  ready_to_ship: 'READY_TO_SHIP',
  processed: 'PROCESSED',
  shipped: 'SHIPPED',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  returned: 'TO_RETURN',
};
const LIST_STATUSES = new Set([
  'UNPAID',
  'READY_TO_SHIP',
  'PROCESSED',
  'SHIPPED',
  'COMPLETED',
  'IN_CANCEL',
  'CANCELLED',
  'INVOICE_PENDING',
]);
const MAX_WINDOW_S = 15 * 86400;
const TIMESTAMP_TOLERANCE_S = 300;

export function shopeeSign(partnerKey: string, base: string): string {
  return createHmac('sha256', partnerKey).update(base).digest('hex');
}

// HTTP status per error [INF]: the docs only promise the envelope ("always check error, not just HTTP
// status"). Common auth/sign errors answer 403, parameter errors 400, rate limits 429; module errors
// (order.*, logistics.*) answer 200 with the error in the envelope, so a client that only reads the
// HTTP status fails here as it would against the real API.
const STATUS: Record<string, number> = {
  error_param: 400,
  error_auth: 403,
  error_sign: 403,
  invalid_acceess_token: 403,
  error_permission: 403,
  error_not_found: 404,
  error_rate_limit: 429,
  error_server: 500,
};

function requestId(): string {
  return randomBytes(16).toString('hex');
}

export function shopeeError(reply: FastifyReply, error: string, message: string): FastifyReply {
  return reply.code(STATUS[error] ?? 200).send({ request_id: requestId(), error, message });
}

function ok(reply: FastifyReply, response?: unknown): FastifyReply {
  return reply.send(
    response === undefined
      ? { request_id: requestId(), error: '', message: '' }
      : { request_id: requestId(), error: '', message: '', response },
  );
}

class Refused extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

/** The common parameters, checked in the order Shopee documents them; throws Refused. */
function checkCommon(
  ctx: SandboxContext,
  req: FastifyRequest,
  kind: 'public' | 'shop',
): { store: Store | null; q: Record<string, string> } {
  const p = ctx.world.platform('shopee');
  const q = query(req);
  const path = req.url.split('?')[0]!;
  if (!q.partner_id || !/^\d+$/.test(q.partner_id)) throw new Refused('error_param', 'Invalid partner_id.');
  if (q.partner_id !== p.appId) throw new Refused('error_auth', 'Invalid partner_id.');
  if (!q.timestamp || !/^\d+$/.test(q.timestamp)) throw new Refused('error_param', 'Invalid timestamp.');
  const nowS = Math.floor(ctx.now() / 1000);
  if (Math.abs(nowS - Number(q.timestamp)) > TIMESTAMP_TOLERANCE_S)
    throw new Refused('error_param', 'Timestamp is expired.');
  if (!q.sign) throw new Refused('error_param', 'sign is required.');
  if (kind === 'public') {
    if (shopeeSign(p.appSecret, `${q.partner_id}${path}${q.timestamp}`) !== q.sign)
      throw new Refused('error_sign', 'Wrong sign.');
    return { store: null, q };
  }
  if (!q.access_token) throw new Refused('error_param', 'access_token is required.');
  if (!q.shop_id || !/^\d+$/.test(q.shop_id)) throw new Refused('error_param', 'shop_id is required.');
  if (shopeeSign(p.appSecret, `${q.partner_id}${path}${q.timestamp}${q.access_token}${q.shop_id}`) !== q.sign)
    throw new Refused('error_sign', 'Wrong sign.');
  const access = checkAccess(p, q.access_token, ctx.now());
  if (!access.ok) {
    // Unknown token: error_auth; expired: invalid_acceess_token (sic, as documented). Both mean "refresh" [INF].
    throw access.reason === 'expired'
      ? new Refused('invalid_acceess_token', 'Invalid access_token.')
      : new Refused('error_auth', 'Invalid access_token.');
  }
  if (access.store.key !== q.shop_id) throw new Refused('error_auth', 'Invalid partner_id or shopid.');
  return { store: access.store, q };
}

type Handler = (c: { store: Store; q: Record<string, string>; req: FastifyRequest; reply: FastifyReply }) => unknown;

export async function registerShopee(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const p = ctx.world.platform('shopee');
  installFaults(app, ctx.faults.shopee, {
    rateLimited: (reply) => shopeeError(reply, 'error_rate_limit', 'Too many requests. Please try again later.'),
    serverError: (reply) => shopeeError(reply, 'error_server', 'Something wrong. Please try later.'),
  });

  const guard = (kind: 'public' | 'shop', h: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const { store, q } = checkCommon(ctx, req, kind);
      return await h({ store: store!, q, req, reply });
    } catch (e) {
      if (e instanceof Refused) return shopeeError(reply, e.error, e.message);
      throw e;
    }
  };
  const order = (store: Store, sn: string | undefined): Order => {
    const o = sn ? store.byId.get(sn) : undefined;
    if (!o) throw new Refused('error_not_found', `Order ${sn ?? ''} not found.`);
    return o;
  };

  // ---- OAuth
  app.get(
    '/api/v2/shop/auth_partner',
    guard('public', ({ q, reply }) => {
      if (!q.redirect || !/^https?:\/\//.test(q.redirect)) throw new Refused('error_param', 'redirect is required.');
      const page = authorizePage(
        `Shopee sandbox: authorize partner ${q.partner_id}`,
        p.stores,
        (s) => `/api/v2/shop/auth_partner/confirm?${new URLSearchParams({ shop_id: s.key, redirect: q.redirect! })}`,
      );
      return reply.type('text/html; charset=utf-8').send(page);
    }),
  );
  // The seller's "Confirm authorization" button (sandbox-only path): issues the single-use 10-minute code.
  app.get('/api/v2/shop/auth_partner/confirm', async (req, reply) => {
    const q = query(req);
    const store = q.shop_id ? p.storeByKey.get(q.shop_id) : undefined;
    if (!store || !q.redirect)
      return reply.code(400).type('text/html').send(html('Bad request', 'unknown shop or missing redirect'));
    const code = issueCode(p, store, ctx.now());
    return reply.redirect(withParams(q.redirect, { code, shop_id: store.key }));
  });

  app.post(
    '/api/v2/auth/token/get',
    guard('public', ({ reply, req }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (String(b.partner_id ?? '') !== p.appId) throw new Refused('error_param', 'Invalid partner_id in body.');
      if (b.shop_id === undefined && b.main_account_id === undefined)
        throw new Refused('error_param', 'shop_id or main_account_id is required.');
      const grant = useCode(
        p,
        typeof b.code === 'string' ? b.code : undefined,
        ctx.now(),
        (g) => String(b.shop_id) === g.store.key,
      );
      if (!grant) throw new Refused('error_auth', 'Invalid code.');
      const t = issueTokens(p, grant.store, ctx.world.hex, ctx.now());
      return reply.send({
        request_id: requestId(),
        error: '',
        message: '',
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        expire_in: t.expiresIn,
      });
    }),
  );

  app.post(
    '/api/v2/auth/access_token/get',
    guard('public', ({ reply, req }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (String(b.partner_id ?? '') !== p.appId) throw new Refused('error_param', 'Invalid partner_id in body.');
      if (b.shop_id === undefined) throw new Refused('error_param', 'shop_id is required.');
      const shop = p.storeByKey.get(String(b.shop_id));
      if (!shop) throw new Refused('error_auth', 'Invalid partner_id or shopid.');
      const r = useRefresh(p, typeof b.refresh_token === 'string' ? b.refresh_token : undefined, ctx.now(), shop);
      if (!r.ok)
        throw r.reason === 'expired'
          ? new Refused('error_auth', 'refresh_token_expired')
          : new Refused('error_auth', 'Invalid refresh_token.');
      const t = issueTokens(p, r.grant.store, ctx.world.hex, ctx.now());
      return reply.send({
        request_id: requestId(),
        error: '',
        message: '',
        partner_id: Number(p.appId),
        shop_id: Number(r.grant.store.key),
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        expire_in: t.expiresIn,
      });
    }),
  );

  app.get(
    '/api/v2/shop/get_shop_info',
    guard('shop', ({ store, reply }) => {
      // get_shop_info answers at the top level, not under `response`.
      return reply.send({
        request_id: requestId(),
        error: '',
        message: '',
        shop_name: store.name,
        region: 'TW',
        status: 'NORMAL',
        is_cb: false,
        is_sip: false,
        auth_time: Math.floor((store.accessExpiresAt ?? 0) / 1000) - 14400,
        expire_time: Math.floor(ctx.now() / 1000) + 365 * 86400,
      });
    }),
  );

  // ---- Orders
  app.get(
    '/api/v2/order/get_order_list',
    guard('shop', ({ store, q, reply }) => {
      const field = q.time_range_field;
      if (field !== 'create_time' && field !== 'update_time')
        throw new Refused('error_param', 'time_range_field must be create_time or update_time.');
      const from = intParam(q.time_from);
      const to = intParam(q.time_to);
      if (from === null || to === null || Number.isNaN(from) || Number.isNaN(to))
        throw new Refused('error_param', 'time_from and time_to are required.');
      if (from >= to || to - from > MAX_WINDOW_S)
        throw new Refused(
          'order.order_list_invalid_time',
          'Start time must be earlier than end time and diff in 15days.',
        );
      const size = intParam(q.page_size);
      if (size === null || Number.isNaN(size) || size < 1 || size > 100)
        throw new Refused('error_param', 'page_size should be between 1 and 100.');
      if (q.order_status && !LIST_STATUSES.has(q.order_status))
        throw new Refused('error_param', 'Invalid order_status.');
      const withStatus = (q.response_optional_fields ?? '').split(',').includes('order_status');
      const index = field === 'create_time' ? store.byCreated : store.byUpdated;
      const key = field === 'create_time' ? (o: Order) => o.createdAt : (o: Order) => o.updatedAt;
      let start = index.lowerBound(from * 1000);
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        if (!c) throw new Refused('error_param', 'Invalid cursor.');
        start = Math.max(start, index.lowerBound(c.t, c.uid + 0.5));
      }
      const end = index.lowerBound(to * 1000 + 999, Infinity);
      const list: unknown[] = [];
      let last: Order | null = null;
      let more = false;
      for (let i = start; i < end; i++) {
        const o = index.items[i]!;
        if (q.order_status && SHOPEE_STATUS[o.status] !== q.order_status) continue;
        if (list.length === size) {
          more = true;
          break;
        }
        list.push(
          withStatus ? { order_sn: o.externalId, order_status: SHOPEE_STATUS[o.status] } : { order_sn: o.externalId },
        );
        last = o;
      }
      return ok(reply, { more, next_cursor: more && last ? encodeCursor(key(last), last.uid) : '', order_list: list });
    }),
  );

  app.get(
    '/api/v2/order/get_order_detail',
    guard('shop', ({ store, q, reply }) => {
      const sns = (q.order_sn_list ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (sns.length < 1 || sns.length > 50)
        throw new Refused('error_param', 'order_sn_list should contain 1 to 50 order_sn.');
      const fields = [
        ...new Set(
          (q.response_optional_fields ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ].sort();
      const view = `shopee:${fields.join(',')}`;
      const found: Buffer[] = [];
      const missing: string[] = [];
      for (const sn of sns) {
        const o = store.byId.get(sn);
        if (o) found.push(cached(o, view, () => renderDetail(o, new Set(fields))));
        else missing.push(sn);
      }
      // Unknown (or another shop's) order_sn are left out, with a warning [INF].
      const warning = missing.length ? `,"warning":${JSON.stringify(`order_sn not found: ${missing.join(',')}`)}` : '';
      return sendJson(
        reply,
        joinJson(
          `{"request_id":"${requestId()}","error":"","message":""${warning},"response":{"order_list":[`,
          found,
          ']}}',
        ),
      );
    }),
  );

  app.get(
    '/api/v2/order/get_shipment_list',
    guard('shop', ({ store, q, reply }) => {
      const size = intParam(q.page_size);
      if (size === null || Number.isNaN(size) || size < 1 || size > 100)
        throw new Refused('error_param', 'page_size should be between 1 and 100.');
      const c = q.cursor ? decodeCursor(q.cursor) : { t: -Infinity, uid: -Infinity };
      if (!c) throw new Refused('error_param', 'Invalid cursor.');
      const items = store.byCreated.items;
      const list: unknown[] = [];
      let more = false;
      let last: Order | null = null;
      for (let i = store.byCreated.lowerBound(c.t, c.uid + 0.5); i < items.length; i++) {
        const o = items[i]!;
        if (SHOPEE_STATUS[o.status] !== 'READY_TO_SHIP') continue;
        if (list.length === size) {
          more = true;
          break;
        }
        // A split order lists each package still to arrange (an order never straddles two pages here).
        if (o.packages)
          for (const pk of o.packages.filter((x) => x.arrangedAt === null))
            list.push({ order_sn: o.externalId, package_number: pk.packageNumber });
        else list.push({ order_sn: o.externalId, package_number: o.packageNumber });
        last = o;
      }
      return ok(reply, {
        more,
        next_cursor: more && last ? encodeCursor(last.createdAt, last.uid) : '',
        order_list: list,
      });
    }),
  );

  // ---- Logistics
  app.get(
    '/api/v2/logistics/get_shipping_parameter',
    guard('shop', ({ store, q, reply }) => {
      const o = order(store, q.order_sn);
      const pk = checkPackage(o, q.package_number, 'logistics.package_number_not_exist');
      if (o.status === 'cancelled') throw new Refused('error_status', 'The order has been cancelled.');
      if (SHOPEE_STATUS[o.status] !== 'READY_TO_SHIP' || pk?.arrangedAt)
        throw new Refused(
          'error_param',
          'Shipping parameters can only be obtained when package is ready to be shipped',
        );
      return ok(reply, shippingParameter(o));
    }),
  );

  app.post(
    '/api/v2/logistics/ship_order',
    guard('shop', ({ store, req, reply }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.order_sn !== 'string' || !b.order_sn) throw new Refused('error_param', 'order_sn is required.');
      const o = order(store, b.order_sn);
      const packageNumber = typeof b.package_number === 'string' && b.package_number ? b.package_number : undefined;
      // A split order's shipments are per package: one record each.
      const part = o.packages && packageNumber ? { key: packageNumber, packageNumber } : undefined;
      const ship = (okay: boolean, trackingNumber: string | null = null) =>
        recordShipment(p, o, { carrier: o.carrier, trackingNumber, method: o.delivery }, okay, ctx.now(), part);
      try {
        const pk = checkPackage(o, packageNumber, 'logistics.ship_order_need_pacakge_number');
        const methods = (['pickup', 'dropoff', 'non_integrated'] as const).filter(
          (m) => b[m] !== undefined && b[m] !== null,
        );
        if (methods.length > 1)
          throw new Refused(
            'logistics.ship_order_only_support_one_type',
            'Only one of pickup, dropoff and non_integrated can be given.',
          );
        if (o.status === 'cancelled') throw new Refused('error_status', 'The order has been cancelled.');
        if (['processed', 'shipped', 'completed', 'returned'].includes(o.status) || pk?.arrangedAt)
          throw new Refused('logistics.package_already_shipped', 'The package has already been shipped.');
        if (o.status === 'unpaid')
          throw new Refused('logistics.ship_order_not_ready_to_ship', 'The order is not ready to ship.');
        const method = methods[0];
        if (!method) throw new Refused('error_param', 'One of pickup, dropoff or non_integrated is required.');
        if (method !== o.delivery)
          throw new Refused(
            'error_param',
            `The logistics channel of this order does not support ${method}; see get_shipping_parameter.`,
          );
        const info = (b[method] ?? {}) as Record<string, unknown>;
        let tracking: string | null = null;
        if (method === 'pickup') {
          const params = shippingParameter(o).pickup!;
          const address = params.address_list.find((a) => a.address_id === Number(info.address_id));
          if (!address || !address.time_slot_list.some((t) => t.pickup_time_id === String(info.pickup_time_id ?? '')))
            throw new Refused(
              'logistics.ship_order_need_address_pickup_time',
              'address_id and pickup_time_id from get_shipping_parameter are required.',
            );
        } else if (method === 'non_integrated') {
          if (typeof info.tracking_number !== 'string' || !info.tracking_number.trim())
            throw new Refused('error_param', 'non_integrated.tracking_number is required for this channel.');
          tracking = info.tracking_number.trim();
        }
        const now = ctx.now();
        // Integrated channels: the 3PL assigns the number; the first get_tracking_number call sees none yet.
        const assigned = (suffix: string) =>
          tracking ?? `TW${String(now).slice(-8)}${o.uid.toString().padStart(4, '0').slice(-4)}${suffix}`;
        touch(o, now, () => {
          if (pk) {
            pk.arrangedAt = now;
            pk.trackingNumber = assigned(String(o.packages!.indexOf(pk)));
            pk.trackingPolls = tracking ? 1 : 0;
            // The order moves on once every package is arranged; until then it stays READY_TO_SHIP [INF].
            if (!o.packages!.every((x) => x.arrangedAt !== null)) return;
            o.trackingNumber = o.packages![0]!.trackingNumber;
            o.trackingPolls = 1;
          } else {
            o.trackingNumber = assigned('');
            o.trackingPolls = tracking ? 1 : 0;
          }
          o.status = 'processed';
          o.shippedAt = now;
        });
        ship(true, tracking);
        return ok(reply);
      } catch (e) {
        if (e instanceof Refused) ship(false);
        throw e;
      }
    }),
  );

  app.get(
    '/api/v2/logistics/get_tracking_number',
    guard('shop', ({ store, q, reply }) => {
      const o = order(store, q.order_sn);
      const pk = checkPackage(o, q.package_number, 'logistics.package_number_not_exist');
      const holder = pk ?? o;
      if (!holder.trackingNumber)
        throw new Refused('logistics.error_status', 'The shipment of this order has not been arranged.');
      if (holder.trackingPolls === 0) {
        holder.trackingPolls++;
        return ok(reply, {
          tracking_number: '',
          hint: 'The tracking number is being generated, please try again later.',
        });
      }
      const s = p.shipments.get(`${store.key}|${o.externalId}${pk ? `|${pk.packageNumber}` : ''}`);
      if (s && !s.trackingNumber) s.trackingNumber = holder.trackingNumber;
      return ok(reply, { tracking_number: holder.trackingNumber });
    }),
  );

  app.setNotFoundHandler((req, reply) =>
    shopeeError(reply, 'error_not_found', `No API matched ${req.method} ${req.url.split('?')[0]}.`),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof Refused) return shopeeError(reply, err.error, err.message);
    if (err.statusCode && err.statusCode < 500) return shopeeError(reply, 'error_param', err.message);
    ctx.logger?.error({ err }, 'shopee sandbox error');
    return shopeeError(reply, 'error_server', 'Something wrong. Please try later.');
  });
}

/**
 * The package a logistics call is about. A split order needs package_number on every call ([OFF]: else
 * logistics.package_number_not_exist / logistics.ship_order_need_pacakge_number, sic); an order of one package
 * takes its own number or none.
 */
function checkPackage(o: Order, packageNumber: string | undefined, missing: string): ShopeePackage | null {
  if (o.packages) {
    if (!packageNumber)
      throw new Refused(
        missing,
        `Order ${o.externalId} is split into ${o.packages.length} packages: package_number is required.`,
      );
    const pk = o.packages.find((x) => x.packageNumber === packageNumber);
    if (!pk) throw new Refused('logistics.package_number_not_exist', 'The package_number does not exist.');
    return pk;
  }
  if (packageNumber && packageNumber !== o.packageNumber)
    throw new Refused('logistics.package_number_not_exist', 'The package_number does not exist.');
  return null;
}

/** A package's logistics status, from its own arrangement and the order's life. */
function packageStatus(o: Order, arranged: boolean): string {
  if (o.status === 'cancelled') return 'LOGISTICS_REQUEST_CANCELED';
  if (o.shippedAt && o.status !== 'processed')
    return o.completedAt ? 'LOGISTICS_DELIVERY_DONE' : 'LOGISTICS_PICKUP_DONE';
  return arranged ? 'LOGISTICS_REQUEST_CREATED' : 'LOGISTICS_READY';
}

function encodeCursor(t: number, uid: number): string {
  return Buffer.from(`c1:${t}:${uid}`).toString('base64url');
}

function decodeCursor(c: string): { t: number; uid: number } | null {
  const m = /^c1:(-?\d+):(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? { t: Number(m[1]), uid: Number(m[2]) } : null;
}

function shippingParameter(o: Order) {
  const day = 86400_000;
  const base = Math.floor(o.createdAt / day) * day;
  switch (o.delivery) {
    case 'pickup':
      return {
        info_needed: { pickup: ['address_id', 'pickup_time_id'] },
        pickup: {
          address_list: [
            {
              address_id: 10_000 + o.store.index,
              region: 'TW',
              state: '',
              city: '臺北市',
              district: '信義區',
              town: '',
              address: '松高路 1 號',
              zipcode: '110',
              address_flag: ['default_address', 'pickup_address'],
              time_slot_list: [1, 2].map((d) => ({
                date: Math.floor((base + d * day) / 1000),
                time_text: '09:00-18:00',
                pickup_time_id: String(Math.floor((base + d * day) / 1000)),
              })),
            },
          ],
        },
      };
    case 'dropoff':
      // 7-ELEVEN C2C: nothing to fill in, but the key must be sent (as {}).
      return { info_needed: { dropoff: [] as string[] }, dropoff: { branch_list: [], slug_list: [] } };
    default:
      return { info_needed: { non_integrated: ['tracking_no'] } };
  }
}

const s = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

function renderDetail(o: Order, f: Set<string>): Record<string, unknown> {
  const status = SHOPEE_STATUS[o.status];
  const d: Record<string, unknown> = {
    order_sn: o.externalId,
    region: 'TW',
    currency: 'TWD',
    cod: o.cod,
    order_status: status,
    message_to_seller: o.note,
    create_time: s(o.createdAt),
    update_time: s(o.updatedAt),
    days_to_ship: 2,
    ship_by_date: s(o.createdAt + 2 * 86400_000),
    booking_sn: '',
  };
  const opt = (name: string, value: () => unknown) => {
    if (f.has(name)) d[name] = value();
  };
  opt('buyer_user_id', () => 300_000_000 + o.uid);
  opt('buyer_username', () => o.buyer.username);
  opt('estimated_shipping_fee', () => o.shippingFee);
  // TW integrated channels mask everything; non-integrated packages keep the address for the seller's carrier.
  opt('recipient_address', () =>
    o.delivery === 'non_integrated'
      ? {
          name: o.buyer.name,
          phone: o.buyer.phone,
          town: '',
          district: o.address.district,
          city: o.address.city,
          state: '',
          region: 'TW',
          zipcode: o.address.zip,
          full_address: o.address.full,
        }
      : {
          name: '****',
          phone: '****',
          town: '****',
          district: '****',
          city: '****',
          state: '****',
          region: 'TW',
          zipcode: '****',
          full_address: '****',
        },
  );
  opt('actual_shipping_fee', () => (o.shippedAt ? o.shippingFee : 0));
  opt('actual_shipping_fee_confirmed', () => o.status === 'completed');
  opt('goods_to_declare', () => false);
  opt('note', () => '');
  opt('note_update_time', () => 0);
  if (o.corrupt !== 'missing_items') {
    opt('item_list', () =>
      o.lines.map((l, i) => ({
        item_id: 800_000_000 + l.productId,
        item_name: l.name,
        item_sku: l.variation ? `P-${l.sku}` : l.sku,
        model_id: l.variation ? 900_000_000 + l.productId : 0,
        model_name: l.variation ? '標準' : '',
        model_sku: l.variation ? l.sku : '',
        model_quantity_purchased: l.qty,
        model_original_price: l.unitPrice,
        model_discounted_price:
          o.corrupt === 'bad_price' && i === 0 ? `${l.unitPrice}元` : l.unitPrice - l.discount / l.qty,
        wholesale: false,
        weight: 0.5,
        add_on_deal: false,
        main_item: false,
        add_on_deal_id: 0,
        promotion_type: l.discount ? 'discount' : '',
        promotion_id: 0,
        order_item_id: Number(l.id),
        promotion_group_id: 0,
        image_info: { image_url: `https://cf.shopee.tw/file/sandbox-${l.productId}` },
        product_location_id: [],
        is_prescription_item: false,
        is_b2c_owned_item: false,
      })),
    );
  }
  opt('pay_time', () => s(o.paidAt));
  opt('dropshipper', () => '');
  opt('dropshipper_phone', () => '');
  opt('split_up', () => o.packages !== null);
  opt('buyer_cancel_reason', () => '');
  opt('cancel_by', () => (o.status === 'cancelled' ? 'buyer' : ''));
  opt('cancel_reason', () => (o.status === 'cancelled' ? 'Change of mind' : ''));
  opt('fulfillment_flag', () => 'fulfilled_by_local_seller');
  opt('pickup_done_time', () =>
    o.status === 'shipped' || o.status === 'completed' || o.status === 'returned' ? s(o.shippedAt) : 0,
  );
  const packageOf = (packageNumber: string, lines: typeof o.lines, arranged: boolean) => ({
    package_number: packageNumber,
    logistics_status: packageStatus(o, arranged),
    logistics_channel_id: o.delivery === 'pickup' ? 30001 : o.delivery === 'dropoff' ? 30005 : 39999,
    shipping_carrier: o.carrier,
    allow_self_design_awb: false,
    item_list: lines.map((l) => ({
      item_id: 800_000_000 + l.productId,
      model_id: l.variation ? 900_000_000 + l.productId : 0,
      model_quantity: l.qty,
      order_item_id: Number(l.id),
      promotion_group_id: 0,
    })),
    group_shipment_id: 0,
  });
  opt('package_list', () =>
    o.packages
      ? o.packages.map((pk) =>
          packageOf(
            pk.packageNumber,
            o.lines.filter((l) => pk.lineIds.includes(l.id)),
            pk.arrangedAt !== null,
          ),
        )
      : [packageOf(o.packageNumber, o.lines, o.status === 'processed')],
  );
  opt('shipping_carrier', () => o.carrier);
  opt('payment_method', () => o.paymentMethod);
  // total_amount is present only after payment (COD orders owe it on delivery, so they carry it).
  if (o.paidAt !== null || o.cod) opt('total_amount', () => o.total);
  opt('invoice_data', () => null);
  opt('order_chargeable_weight_gram', () => 500 * o.lines.length);
  opt('return_request_due_date', () => (o.completedAt ? s(o.completedAt + 7 * 86400_000) : null));
  opt('edt', () => null);
  return d;
}
