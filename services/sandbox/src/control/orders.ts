// Control routes about orders: the truth per order and per shipment, and what a test makes happen to orders
// (status transitions, new orders, malformed payloads, Shopee package splits).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SandboxContext } from '../platforms/common.ts';
import { PLATFORM_KINDS, splitPackages, touch, type Order, type OrderStatus } from '../world/model.ts';
import { corruptSchema, createSchema, parse, platform, splitSchema, transitionSchema } from './schemas.ts';
import { selectOrders, storesOf } from './select.ts';
import { iso, truth } from './truth.ts';

/** Which orders a `count` transition may pick, per target (explicit externalIds are moved as asked). */
const FROM: Record<string, OrderStatus[]> = {
  paid: ['unpaid'],
  ready_to_ship: ['paid'],
  shipped: ['paid', 'ready_to_ship', 'processed'],
  completed: ['shipped', 'processed'],
  cancelled: ['unpaid', 'paid', 'ready_to_ship'],
  returned: ['shipped', 'completed'],
};

export function registerOrderRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const w = () => ctx.world;

  app.get('/_sandbox/orders', async (req, reply) => {
    const q = parse(z.object({ platform, store: z.string().min(1).optional() }), req.query, reply);
    if (!q) return reply;
    const ss = storesOf(ctx, q.platform, q.store, reply);
    if (!ss) return reply;
    return { orders: ss.flatMap((s) => s.byCreated.items.map(truth)) };
  });

  app.get('/_sandbox/shipments', async (req, reply) => {
    const q = parse(z.object({ platform: platform.optional() }), req.query, reply);
    if (!q) return reply;
    const names = q.platform ? [q.platform] : PLATFORM_KINDS;
    return {
      shipments: names.flatMap((n) => [...w().platform(n).shipments.values()].map((s) => ({ ...s, at: iso(s.at) }))),
    };
  });

  app.post('/_sandbox/orders/transition', async (req, reply) => {
    const b = parse(transitionSchema, req.body, reply);
    if (!b) return reply;
    const from = FROM[b.to]!;
    const orders = selectOrders(ctx, b, reply, (o) => from.includes(o.status));
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
    const ss = storesOf(ctx, b.platform, b.store, reply);
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
    const orders = selectOrders(ctx, b, reply, (o) => o.corrupt === null);
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
    const orders = selectOrders(ctx, { ...b, platform: 'shopee' }, reply, splittable);
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
}
