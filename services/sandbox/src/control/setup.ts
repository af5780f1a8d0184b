// Control routes about the world as a whole: health, credentials, scenarios, the state summary, token expiry,
// faults per system, and pushes signed as Shopee signs them.
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultsSchema } from '../http/faults.ts';
import type { IdempiereSandbox } from '../idempiere/index.ts';
import type { SandboxContext } from '../platforms/common.ts';
import { ORDER_STATUSES, PLATFORM_KINDS, type PlatformKind, type Store } from '../world/model.ts';
import { expireAccess, revokeAll } from '../world/tokens.ts';
import { scenarioSchema } from '../world/world.ts';
import { parse, pushSchema, tokenSchema } from './schemas.ts';
import { storesOf } from './select.ts';
import { iso } from './truth.ts';

export function registerSetupRoutes(
  app: FastifyInstance,
  ctx: SandboxContext,
  idempiere: IdempiereSandbox,
  urls: () => Record<string, string>,
): void {
  const w = () => ctx.world;

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.get('/_sandbox/credentials', async () => {
    const p = (n: PlatformKind) => w().platform(n);
    const tokens = (s: Store) => ({
      access_token: s.accessToken,
      access_token_expires_at: iso(s.accessExpiresAt),
      refresh_token: s.refreshToken,
      refresh_token_expires_at: iso(s.refreshExpiresAt),
    });
    return {
      urls: urls(),
      shopee: {
        partner_id: Number(p('shopee').appId),
        partner_key: p('shopee').appSecret,
        stores: p('shopee').stores.map((s) => ({ shop_id: Number(s.key), name: s.name, ...tokens(s) })),
      },
      cyberbiz: {
        client_id: p('cyberbiz').appId,
        client_secret: p('cyberbiz').appSecret,
        stores: p('cyberbiz').stores.map((s) => ({
          shop_domain: s.key,
          shop_id: s.numericId,
          name: s.name,
          ...tokens(s),
          v1: { api_key: s.login.apiKey, api_secret: s.login.apiSecret },
        })),
      },
      shopline: {
        client_id: p('shopline').appId,
        client_secret: p('shopline').appSecret,
        stores: p('shopline').stores.map((s) => ({ merchant_id: s.key, name: s.name, ...tokens(s) })),
      },
      momo: { stores: p('momo').stores.map((s) => ({ entpCode: s.key, name: s.name, loginInfo: { ...s.login } })) },
      // `user` as the control contract names it, beside the stand-in's own `userName`.
      idempiere: { user: idempiere.credentials().userName, ...idempiere.credentials() },
    };
  });

  app.post('/_sandbox/scenario', async (req, reply) => {
    const s = parse(scenarioSchema, req.body, reply);
    if (!s) return reply;
    const started = Date.now();
    w().reset(s, ctx.now());
    ctx.limiters.cyberbiz.reset();
    ctx.limiters.shopline.reset();
    idempiere.reset(); // a new world starts with a fresh ERP (seed data only)
    return { seeded: summary(), ms: Date.now() - started };
  });

  const summary = () => {
    const out: Record<string, unknown> = {};
    for (const name of PLATFORM_KINDS) {
      const p = w().platform(name);
      const byStatus: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0]));
      let orders = 0;
      for (const s of p.stores)
        for (const o of s.byCreated.items) {
          orders++;
          byStatus[o.status]!++;
        }
      const shipments = [...p.shipments.values()];
      out[name] = {
        stores: p.stores.length,
        orders,
        ordersByStatus: byStatus,
        shipmentsReceived: shipments.filter((s) => s.confirmations > 0).length,
        shipmentAttempts: shipments.reduce((n, s) => n + s.attempts, 0),
      };
    }
    return out;
  };

  app.get('/_sandbox/state', async () => ({
    ...summary(),
    idempiere: idempiere.summary(),
    faults: Object.fromEntries(PLATFORM_KINDS.map((n) => [n, ctx.faults[n].view()])),
  }));

  for (const [path, fn] of [
    ['expire', expireAccess],
    ['revoke', revokeAll],
  ] as const) {
    app.post(`/_sandbox/tokens/${path}`, async (req, reply) => {
      const b = parse(tokenSchema, req.body, reply);
      if (!b) return reply;
      const ss = storesOf(ctx, b.platform, b.store, reply);
      if (!ss) return reply;
      for (const s of ss) fn(w().platform(b.platform), s, ctx.now());
      return { [path === 'expire' ? 'expired' : 'revoked']: ss.map((s) => s.key) };
    });
  }

  app.post('/_sandbox/faults', async (req, reply) => {
    const f = parse(faultsSchema, req.body, reply);
    if (!f) return reply;
    if (f.system === 'idempiere') {
      // The iDempiere stand-in implements its own faults: latency, jitter, errorRate, downForMs and downMode, processingMsPerOrder, lostReplyRate.
      const unsupported = (['rateLimitBurst'] as const).filter((k) => f[k] !== undefined);
      if (unsupported.length)
        return reply.code(400).send({
          error: `invalid ${unsupported.join(', ')}: not for idempiere`,
          issues: unsupported.map((field) => ({ field, message: 'not for idempiere' })),
        });
      idempiere.setFaults(f);
      return { system: 'idempiere', faults: f };
    }
    for (const field of ['processingMsPerOrder', 'lostReplyRate'] as const) {
      if (f[field] !== undefined)
        return reply
          .code(400)
          .send({ error: `invalid ${field}: only for idempiere`, issues: [{ field, message: 'only for idempiere' }] });
    }
    ctx.faults[f.system].set(f, Date.now());
    return { system: f.system, faults: ctx.faults[f.system].view() };
  });

  app.delete('/_sandbox/faults', async (req, reply) => {
    const q = parse(z.object({ system: faultsSchema.shape.system.optional() }), req.query, reply);
    if (!q) return reply;
    for (const n of PLATFORM_KINDS) if (!q.system || q.system === n) ctx.faults[n].clear();
    if (!q.system || q.system === 'idempiere') idempiere.clearFaults();
    return { cleared: q.system ?? 'all' };
  });

  // A push signed as Shopee signs it: Authorization = hex HMAC-SHA256(partner_key, url + "|" + raw body).
  app.post('/_sandbox/push', async (req, reply) => {
    const b = parse(pushSchema, req.body, reply);
    if (!b) return reply;
    const body = JSON.stringify({
      data: b.data,
      shop_id: Number(b.shopId),
      code: b.code,
      timestamp: b.timestamp ?? Math.floor(ctx.now() / 1000),
    });
    const authorization = createHmac('sha256', w().platform('shopee').appSecret)
      .update(`${b.callbackUrl}|${body}`)
      .digest('hex');
    try {
      const res = await fetch(b.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body,
        signal: AbortSignal.timeout(3000),
      });
      return { delivered: res.ok, status: res.status, body: await res.text() };
    } catch (e) {
      return reply
        .code(502)
        .send({ delivered: false, error: `push to ${b.callbackUrl} failed: ${(e as Error).message}` });
    }
  });
}
