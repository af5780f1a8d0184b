// Which stores and orders a control request names; an unknown store or order answers 400 naming it.
import type { FastifyReply } from 'fastify';
import type { SandboxContext } from '../platforms/common.ts';
import type { Order, PlatformKind, Store } from '../world/model.ts';
import type { Selection } from './schemas.ts';

/** The platform's stores, or the one named by `key`; null after answering 400. */
export function storesOf(
  ctx: SandboxContext,
  name: PlatformKind,
  key: string | undefined,
  reply: FastifyReply,
): Store[] | null {
  const p = ctx.world.platform(name);
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
}

/** Orders named by externalIds (all must exist) or the first `count` that `eligible` accepts, oldest first. */
export function selectOrders(
  ctx: SandboxContext,
  b: Selection,
  reply: FastifyReply,
  eligible: (o: Order) => boolean,
): Order[] | null {
  const ss = storesOf(ctx, b.platform, b.store, reply);
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
}
