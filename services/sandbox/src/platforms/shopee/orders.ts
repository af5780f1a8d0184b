// Shopee's order routes (docs/platforms.md, "Shopee: listing orders, windows and paging"): get_order_list over
// at most 15 days with an opaque cursor, get_order_detail of 1..50 order_sn, get_shipment_list.
import type { FastifyInstance } from 'fastify';
import type { Order } from '../../world/model.ts';
import { cached, intParam, joinJson, sendJson } from '../common.ts';
import type { Guard } from './auth.ts';
import { renderDetail, SHOPEE_STATUS } from './detail.ts';
import { ok, Refused, requestId } from './envelope.ts';

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

function encodeCursor(t: number, uid: number): string {
  return Buffer.from(`c1:${t}:${uid}`).toString('base64url');
}

function decodeCursor(c: string): { t: number; uid: number } | null {
  const m = /^c1:(-?\d+):(\d+)$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? { t: Number(m[1]), uid: Number(m[2]) } : null;
}

export function registerOrderRoutes(app: FastifyInstance, guard: Guard): void {
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
}
