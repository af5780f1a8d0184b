// The control plane (control port): credentials, scenarios, state, truth, transitions, faults, pushes.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { faultsSchema } from './http/faults.ts';
import type { IdempiereSandbox } from './idempiere/index.ts';
import { cyberbizStatuses } from './platforms/cyberbiz.ts';
import type { SandboxContext } from './platforms/common.ts';
import { sendingRemark } from './platforms/momo.ts';
import { SHOPEE_STATUS } from './platforms/shopee.ts';
import { shoplineStatus } from './platforms/shopline.ts';
import {
  lineTotal,
  ORDER_STATUSES,
  PLATFORMS,
  splitPackages,
  touch,
  type Order,
  type OrderStatus,
  type PlatformName,
  type Store,
} from './world/model.ts';
import { expireAccess, revokeAll } from './world/tokens.ts';
import { scenarioSchema } from './world/world.ts';

const platform = z.enum(PLATFORMS);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Which orders a `count` transition may pick, per target (explicit externalIds are moved as asked). */
const FROM: Record<string, OrderStatus[]> = {
  paid: ['unpaid'],
  ready_to_ship: ['paid'],
  shipped: ['paid', 'ready_to_ship', 'processed'],
  completed: ['shipped', 'processed'],
  cancelled: ['unpaid', 'paid', 'ready_to_ship'],
  returned: ['shipped', 'completed'],
};

const selection = z.object({
  platform,
  store: z.string().min(1).optional(),
  count: z.number().int().min(1).max(100_000).optional(),
  externalIds: z.array(z.string().min(1)).min(1).optional(),
});
const transitionSchema = selection
  .extend({ to: z.enum(['paid', 'ready_to_ship', 'shipped', 'cancelled', 'returned', 'completed']) })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  });
const corruptSchema = selection
  .extend({ kind: z.enum(['missing_items', 'bad_price']).optional() })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  });
const createSchema = z
  .object({ platform, store: z.string().min(1).optional(), count: z.number().int().min(1).max(10_000).default(1) })
  .strict();
const splitSchema = z
  .object({
    store: z.string().min(1).optional(),
    externalIds: z.array(z.string().min(1)).min(1).optional(),
    count: z.number().int().min(1).max(100_000).optional(),
    /** Packages to deal the lines into round-robin (default 2)... */
    packages: z.number().int().min(2).max(20).optional(),
    /** ...or the seller's own grouping of line ids, one list per package (only with one externalId). */
    groups: z
      .array(z.array(z.string().min(1)).min(1))
      .min(2)
      .optional(),
  })
  .strict()
  .refine((b) => (b.count === undefined) !== (b.externalIds === undefined), {
    message: 'give either count or externalIds',
    path: ['count'],
  })
  .refine((b) => !b.groups || (b.externalIds?.length === 1 && b.packages === undefined), {
    message: 'groups go with exactly one externalId and no packages',
    path: ['groups'],
  });
const tokenSchema = z
  .object({ platform: z.enum(['shopee', 'cyberbiz', 'shopline']), store: z.string().min(1).optional() })
  .strict();
const pushSchema = z
  .object({
    platform: z.literal('shopee'),
    callbackUrl: z.url(),
    code: z.number().int().min(1),
    shopId: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
    data: z.record(z.string(), z.unknown()),
    timestamp: z.number().int().optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, body: unknown, reply: FastifyReply): T | null {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  void reply.code(400).send({ error: `invalid ${issues.map((i) => i.field).join(', ')}`, issues });
  return null;
}

export function platformStatus(o: Order): string {
  switch (o.platform) {
    case 'shopee':
      return SHOPEE_STATUS[o.status];
    case 'cyberbiz': {
      const s = cyberbizStatuses(o);
      return `${s.order_status}/${s.financial_status}/${s.fulfillment_status}`;
    }
    case 'shopline': {
      const s = shoplineStatus(o);
      return `${s.status}/${s.payment}/${s.delivery}`;
    }
    case 'momo':
      return momoStage(o);
  }
}

/** The vendor-delivery query that lists a momo order, with the delivery state of sendingCompanyQuery. */
function momoStage(o: Order): string {
  if (o.status === 'paid' || o.status === 'ready_to_ship' || o.status === 'unpaid') return 'unsend';
  if (o.status === 'cancelled') return 'stop';
  if (o.status === 'returned') return 'recover';
  return `sending/${sendingRemark(o)}`;
}

export function truth(o: Order) {
  return {
    platform: o.platform,
    store: o.store.key,
    externalId: o.externalId,
    number: o.number,
    status: o.status,
    platformStatus: platformStatus(o),
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt),
    paidAt: iso(o.paidAt),
    shippedAt: iso(o.shippedAt),
    cancelledAt: iso(o.cancelledAt),
    cod: o.cod,
    paymentMethod: o.paymentMethod,
    currency: 'TWD',
    customer: { name: o.buyer.name, phone: o.buyer.phone, email: o.buyer.email },
    address: o.address,
    lines: o.lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      name: l.name,
      qty: l.qty,
      unitPrice: l.unitPrice,
      discount: l.discount,
      total: lineTotal(l),
      knownSku: l.productId !== 0,
    })),
    shippingFee: o.shippingFee,
    discount: o.discount,
    total: o.total,
    delivery: o.delivery,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    archived: o.archived,
    corrupt: o.corrupt,
    // Shopee split orders: each package with its lines and, once arranged, its tracking number.
    packages:
      o.packages?.map((pk) => ({
        packageNumber: pk.packageNumber,
        lineIds: pk.lineIds,
        arranged: pk.arrangedAt !== null,
        trackingNumber: pk.trackingNumber,
      })) ?? null,
  };
}

export function registerControl(
  app: FastifyInstance,
  ctx: SandboxContext,
  idempiere: IdempiereSandbox,
  urls: () => Record<string, string>,
): void {
  const w = () => ctx.world;
  const stores = (name: PlatformName, key: string | undefined, reply: FastifyReply): Store[] | null => {
    const p = w().platform(name);
    if (!key) return p.stores;
    const s = p.storeByKey.get(key);
    if (!s) {
      void reply.code(400).send({
        error: `invalid store: ${name} has no store "${key}"`,
        issues: [{ field: 'store', message: `known: ${p.stores.map((x) => x.key).join(', ')}` }],
      });
      return null;
    }
    return [s];
  };
  /** Orders named by externalIds (all must exist) or the first `count` that `eligible` accepts, oldest first. */
  const select = (
    b: z.infer<typeof selection>,
    reply: FastifyReply,
    eligible: (o: Order) => boolean,
  ): Order[] | null => {
    const ss = stores(b.platform, b.store, reply);
    if (!ss) return null;
    if (b.externalIds) {
      const found: Order[] = [];
      const missing: string[] = [];
      for (const id of b.externalIds) {
        const o = ss.map((s) => s.byId.get(id)).find(Boolean);
        if (o) found.push(o);
        else missing.push(id);
      }
      if (missing.length) {
        void reply.code(400).send({
          error: `invalid externalIds: unknown ${missing.join(', ')}`,
          issues: [{ field: 'externalIds', message: `not found: ${missing.join(', ')}` }],
        });
        return null;
      }
      return found;
    }
    const all = ss.flatMap((s) => s.byCreated.items.filter(eligible));
    all.sort((a, b2) => a.createdAt - b2.createdAt || a.uid - b2.uid);
    return all.slice(0, b.count);
  };

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.get('/_sandbox/credentials', async () => {
    const p = (n: PlatformName) => w().platform(n);
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
    for (const name of PLATFORMS) {
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
    faults: Object.fromEntries(PLATFORMS.map((n) => [n, ctx.faults[n].view()])),
  }));

  app.get('/_sandbox/orders', async (req, reply) => {
    const q = parse(z.object({ platform, store: z.string().min(1).optional() }), req.query, reply);
    if (!q) return reply;
    const ss = stores(q.platform, q.store, reply);
    if (!ss) return reply;
    return { orders: ss.flatMap((s) => s.byCreated.items.map(truth)) };
  });

  app.get('/_sandbox/shipments', async (req, reply) => {
    const q = parse(z.object({ platform: platform.optional() }), req.query, reply);
    if (!q) return reply;
    const names = q.platform ? [q.platform] : PLATFORMS;
    return {
      shipments: names.flatMap((n) => [...w().platform(n).shipments.values()].map((s) => ({ ...s, at: iso(s.at) }))),
    };
  });

  app.post('/_sandbox/orders/transition', async (req, reply) => {
    const b = parse(transitionSchema, req.body, reply);
    if (!b) return reply;
    const from = FROM[b.to]!;
    const orders = select(b, reply, (o) => from.includes(o.status));
    if (!orders) return reply;
    const now = ctx.now();
    const moved = orders.map((o) => {
      const before = o.status;
      touch(o, now, () => w().apply(o, b.to, now, String(now).slice(-8) + String(o.uid % 10_000).padStart(4, '0')));
      return { store: o.store.key, externalId: o.externalId, from: before, to: o.status };
    });
    return { moved };
  });

  app.post('/_sandbox/orders/create', async (req, reply) => {
    const b = parse(createSchema, req.body, reply);
    if (!b) return reply;
    const ss = stores(b.platform, b.store, reply);
    if (!ss) return reply;
    if (ss.length === 0)
      return reply.code(400).send({
        error: `invalid platform: ${b.platform} has no stores`,
        issues: [{ field: 'platform', message: 'no stores' }],
      });
    const created = Array.from({ length: b.count }, (_, i) => truth(w().createOrderNow(ss[i % ss.length]!, ctx.now())));
    return { created };
  });

  app.post('/_sandbox/orders/corrupt', async (req, reply) => {
    const b = parse(corruptSchema, req.body, reply);
    if (!b) return reply;
    const orders = select(b, reply, (o) => o.corrupt === null);
    if (!orders) return reply;
    const now = ctx.now();
    const corrupted = orders.map((o, i) => {
      touch(o, now, () => (o.corrupt = b.kind ?? (i % 2 === 0 ? 'missing_items' : 'bad_price')));
      return { store: o.store.key, externalId: o.externalId, kind: o.corrupt };
    });
    return { corrupted };
  });

  // The Shopee seller splits orders into packages (Seller Centre): only orders still to ship, of two lines or more.
  app.post('/_sandbox/shopee/split', async (req, reply) => {
    const b = parse(splitSchema, req.body, reply);
    if (!b) return reply;
    const splittable = (o: Order) =>
      (o.status === 'paid' || o.status === 'ready_to_ship') && o.packages === null && o.lines.length >= 2;
    const orders = select({ ...b, platform: 'shopee' }, reply, splittable);
    if (!orders) return reply;
    const refused = orders.filter((o) => !splittable(o)).map((o) => o.externalId);
    if (refused.length)
      return reply.code(400).send({
        error: `invalid externalIds: cannot split ${refused.join(', ')}`,
        issues: [{ field: 'externalIds', message: 'only unsplit orders still to ship, of two lines or more' }],
      });
    const now = ctx.now();
    const split: unknown[] = [];
    for (const o of orders) {
      let packages;
      try {
        packages = splitPackages(o, { groups: b.groups, count: b.packages });
      } catch (e) {
        return reply.code(400).send({
          error: `invalid groups: ${(e as Error).message}`,
          issues: [{ field: 'groups', message: (e as Error).message }],
        });
      }
      touch(o, now, () => (o.packages = packages));
      split.push(truth(o));
    }
    return { split };
  });

  for (const [path, fn] of [
    ['expire', expireAccess],
    ['revoke', revokeAll],
  ] as const) {
    app.post(`/_sandbox/tokens/${path}`, async (req, reply) => {
      const b = parse(tokenSchema, req.body, reply);
      if (!b) return reply;
      const ss = stores(b.platform, b.store, reply);
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
    for (const n of PLATFORMS) if (!q.system || q.system === n) ctx.faults[n].clear();
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
