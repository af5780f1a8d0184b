// SHOPLINE authentication (docs/platforms.md, "SHOPLINE: auth and signing"): Bearer tokens, a User-Agent naming the
// app, 20 requests per second per token, and the Developer Center OAuth routes.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../world/model.ts';
import { checkAccess, issueCode, issueTokens, useCode, useRefresh } from '../../world/tokens.ts';
import { authorizePage, html, query, withParams, type SandboxContext } from '../common.ts';
import { err, SHOPLINE_RATE_LIMIT_BODY } from './errors.ts';

/** Library defaults that do not identify the caller, refused like a missing header [INF]. */
const ANONYMOUS_AGENT = /^(node|undici|axios\/|node-fetch|got |Java-http-client|okhttp|python-requests)/i;

declare module 'fastify' {
  interface FastifyRequest {
    shoplineStore?: Store;
  }
}

/** The preHandler of /v1/* and /oauth/token/info: sets req.shoplineStore, or answers 401/429 itself. */
export function installAuth(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('shopline');
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
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('shopline');
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
}
