// Shopee's common parameters and signing (docs/platforms.md, "Shopee: auth and signing"): every call signed
// with HMAC-SHA256 over partner_id + path + timestamp [+ access_token + shop_id], timestamps within 5 minutes, and
// the OAuth routes: the seller's consent page, code exchange, single-use rotating refresh tokens, shop info.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../world/model.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../../world/tokens.ts';
import { authorizePage, html, query, withParams, type SandboxContext } from '../common.ts';
import { Refused, requestId, shopeeError } from './envelope.ts';

const TIMESTAMP_TOLERANCE_S = 300;

export function shopeeSign(partnerKey: string, base: string): string {
  return createHmac('sha256', partnerKey).update(base).digest('hex');
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

/** A route's handler once the common parameters passed (public calls have no store: do not read it). */
export type Handler = (c: {
  store: Store;
  q: Record<string, string>;
  req: FastifyRequest;
  reply: FastifyReply;
}) => unknown;

export type Guard = (
  kind: 'public' | 'shop',
  h: Handler,
) => (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Wraps a handler with the common checks; a Refused answers in the envelope. */
export function makeGuard(ctx: SandboxContext): Guard {
  return (kind, h) => async (req, reply) => {
    try {
      const { store, q } = checkCommon(ctx, req, kind);
      return await h({ store: store!, q, req, reply });
    } catch (e) {
      if (e instanceof Refused) return shopeeError(reply, e.error, e.message);
      throw e;
    }
  };
}

export function registerAuthRoutes(app: FastifyInstance, ctx: SandboxContext, guard: Guard): void {
  const p = ctx.world.platform('shopee');
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
}
