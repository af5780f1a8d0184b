// Cyberbiz authentication (docs/platforms.md, "Cyberbiz: auth and signing"): Bearer JWTs of the v2 App Store API
// (2 h), the v1 HMAC scheme on the same /v1 paths, 5 requests per second per token, and the OAuth routes (the
// install page, the shop-domain token endpoint, /shop).
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../world/model.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../../world/tokens.ts';
import { authorizePage, escapeHtml, html, query, withParams, type SandboxContext } from '../common.ts';

const HMAC_CLOCK_SKEW_S = 300; // undocumented; Kong's default [INF]

export function cyberbizHmac(secret: string, xDate: string, requestLine: string): string {
  return createHmac('sha256', secret).update(`x-date: ${xDate}\n${requestLine}`).digest('base64');
}

declare module 'fastify' {
  interface FastifyRequest {
    cyberbizStore?: Store;
  }
}

/** The preHandler of /v1/*: sets req.cyberbizStore, or answers 401/429 itself. */
export function installAuth(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('cyberbiz');
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
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('cyberbiz');
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
}
