// Cyberbiz order routes (docs/platforms.md, "Cyberbiz: listing orders, windows and paging"): /v1/orders with
// Taipei local time windows, per_page up to 50, offset and X-* headers; order ids by number; one order.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Order } from '../../world/model.ts';
import { parseTaipeiLocal } from '../../world/time.ts';
import { cached, joinJson, ordersInWindows, query, sendJson } from '../common.ts';
import { cyberbizStatuses, renderOrder } from './render.ts';

const MAX_PER_PAGE = 50;

/** The order of the route's :id in the caller's store, or null after answering 404. */
export function findOrder(req: FastifyRequest, reply: FastifyReply): Order | null {
  const id = (req.params as { id: string }).id;
  const o = req.cyberbizStore!.byId.get(id);
  if (!o) {
    void reply.code(404).send({ error: ['無此資源'] });
    return null;
  }
  return o;
}

export function registerOrderRoutes(app: FastifyInstance): void {
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
    const o = findOrder(req, reply);
    if (!o) return reply;
    return sendJson(
      reply,
      cached(o, 'cyberbiz:detail', () => renderOrder(o, false)),
    );
  });
}
