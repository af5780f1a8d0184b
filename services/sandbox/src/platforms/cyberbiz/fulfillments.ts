// Cyberbiz shipping (docs/platforms.md, "Cyberbiz: shipping and logistics"): custom_shipping with the seller's
// carrier and number, support_shipping booked by CYBERBIZ (202, number pending until read back with GET
// fulfillments). Each fulfillment is one shipment of its line items.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { touch } from '../../world/model.ts';
import { recordShipment, type SandboxContext } from '../common.ts';
import { findOrder } from './orders.ts';
import { renderFulfillment } from './render.ts';

const SUPPORT_SOURCES = ['ezcat', 'pelican', 'sf', 'hct'];
export const TRACKING_COMPANIES = [
  'ezcat',
  'e_can',
  'postserv',
  'hct',
  'tjoin',
  'SF',
  'SEVEN',
  'FAMILY',
  'HILIFE',
  'OK',
  'kerry',
  'other',
];

export function registerFulfillmentRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('cyberbiz');
  app.get('/v1/orders/:id/fulfillments', async (req, reply) => {
    const o = findOrder(req, reply);
    if (!o) return reply;
    // A support_shipping number is pending at booking and assigned by the time anyone reads it back.
    const pending = o.fulfillments.filter((f) => !f.number);
    if (pending.length) {
      touch(o, ctx.now(), () => {
        for (const f of pending) f.number = `${f.id}${String(o.uid).padStart(4, '0').slice(-4)}`;
        o.trackingNumber ??= pending[0]!.number;
      });
      for (const f of pending) {
        const s = p.shipments.get(`${o.store.key}|${o.externalId}|${fulfillmentKey(f.lineIds)}`);
        if (s && !s.trackingNumber) s.trackingNumber = f.number;
      }
    }
    return o.fulfillments.map((f) => renderFulfillment(o, f));
  });

  /**
   * custom_shipping: the seller's own carrier and number. support_shipping: CYBERBIZ books the carrier and
   * answers 202 while the number is pending; it shows in GET fulfillments afterwards.
   */
  const fulfill =
    (kind: 'custom_shipping' | 'support_shipping') => async (req: FastifyRequest, reply: FastifyReply) => {
      const o = findOrder(req, reply);
      if (!o) return reply;
      const b = (req.body ?? {}) as Record<string, unknown>;
      const errors: string[] = [];
      let tracking = '';
      let company: string;
      if (kind === 'custom_shipping') {
        tracking = typeof b.tracking_number === 'string' ? b.tracking_number.trim() : '';
        company = typeof b.tracking_company === 'string' ? b.tracking_company : '';
        if (!tracking) errors.push('tracking_number 為必填');
        if (!TRACKING_COMPANIES.includes(company))
          errors.push(`tracking_company 不正確: ${JSON.stringify(company)} (${TRACKING_COMPANIES.join('|')})`);
      } else {
        company = typeof b.source === 'string' ? b.source : '';
        if (!SUPPORT_SOURCES.includes(company))
          errors.push(`source 不正確: ${JSON.stringify(company)} (${SUPPORT_SOURCES.join('|')})`);
        if (![60, 90, 120, 150].includes(Number(b.size))) errors.push('size 不正確 (60|90|120|150)');
        if (!['normal', 'cold'].includes(String(b.temperature ?? ''))) errors.push('temperature 不正確 (normal|cold)');
      }
      const shipped = new Set(o.fulfillments.flatMap((f) => f.lineIds));
      const ids =
        b.line_item_ids === undefined
          ? o.lines.map((l) => l.id).filter((id) => !shipped.has(id))
          : Array.isArray(b.line_item_ids)
            ? b.line_item_ids.map(String)
            : null;
      if (!ids || ids.length === 0) errors.push('line_item_ids 不正確');
      else if (ids.some((id) => !o.lines.some((l) => l.id === id))) errors.push('line_item_ids 含有不屬於此訂單的商品');
      else if (ids.some((id) => shipped.has(id))) errors.push('商品已出貨');
      if (o.status === 'cancelled' || o.status === 'returned') errors.push('訂單已取消');
      else if (o.status === 'unpaid') errors.push('訂單尚未付款');
      // Each fulfillment is its own shipment (an order takes several): one record per set of line items.
      const record = (okay: boolean) =>
        recordShipment(p, o, { carrier: company, trackingNumber: tracking || null, method: kind }, okay, ctx.now(), {
          key: fulfillmentKey(ids ?? []),
          lineIds: ids ?? undefined,
        });
      if (errors.length) {
        record(false);
        return reply.code(422).send({ error: errors });
      }
      const now = ctx.now();
      const f = { id: ++ctx.world.seq.fulfillmentId, company, number: tracking, lineIds: ids!, at: now };
      touch(o, now, () => {
        o.fulfillments.push(f);
        const all = o.lines.every((l) => shipped.has(l.id) || ids!.includes(l.id));
        if (all && (o.status === 'paid' || o.status === 'ready_to_ship')) {
          o.status = 'shipped';
          o.shippedAt = now;
          o.trackingNumber = tracking || null;
        }
      });
      record(true);
      return reply.code(kind === 'support_shipping' ? 202 : 200).send(renderFulfillment(o, f));
    };
  app.post('/v1/orders/:id/fulfillments/custom_shipping', fulfill('custom_shipping'));
  app.post('/v1/orders/:id/fulfillments/support_shipping', fulfill('support_shipping'));
}

/** A fulfillment's identity in the shipment records: its line items. */
function fulfillmentKey(lineIds: string[]): string {
  return [...lineIds].sort().join(',');
}
