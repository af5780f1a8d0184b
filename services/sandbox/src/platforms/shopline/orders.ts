// SHOPLINE order routes (docs/platforms.md, "SHOPLINE: listing orders, windows and paging"): UTC time filters,
// {items, pagination} newest first, per_page default 24 and max 50, 410 for archived orders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Order } from '../../world/model.ts';
import { parseUtcLocal } from '../../world/time.ts';
import { cached, joinJson, ordersInWindows, query, queryAll, sendJson } from '../common.ts';
import { err } from './errors.ts';
import { renderOrder, shoplineStatus } from './render.ts';

const MAX_PER_PAGE = 50; // the docs give no maximum; SDKs assume 50: more is served as 50 [INF]
const DEFAULT_PER_PAGE = 24; // [INF]: a client that relies on a default page size gets a small one
const ORDER_STATUSES = ['pending', 'confirmed', 'completed', 'cancelled'];
/** The order of the route's :id in the caller's store, or null after answering 404 (or 410 when archived). */
export function findOrder(req: FastifyRequest, reply: FastifyReply, allowArchived = false): Order | null {
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
}

export function registerOrderRoutes(app: FastifyInstance): void {
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
    const o = findOrder(req, reply);
    if (!o) return reply;
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });
}
