// SHOPLINE shipping (docs/platforms.md, "SHOPLINE: shipping and logistics"): the tracking-number PATCH and the
// delivery-status PATCH for custom delivery, execute_shipment for integrated delivery. Delivery changes do not
// bump the order's updated_at.
import type { FastifyInstance } from 'fastify';
import { touch, type OrderStatus } from '../../world/model.ts';
import { utcIso } from '../../world/time.ts';
import { cached, recordShipment, recordShipmentStep, sendJson, type SandboxContext } from '../common.ts';
import { err } from './errors.ts';
import { findOrder } from './orders.ts';
import { renderOrder, shoplineStatus } from './render.ts';

const DELIVERY_STATUSES = ['pending', 'shipping', 'shipped', 'arrived', 'collected', 'returned', 'returning'];
export function registerDeliveryRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const p = ctx.world.platform('shopline');
  app.patch('/v1/orders/:id', async (req, reply) => {
    const o = findOrder(req, reply);
    if (!o) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const provider = (b.delivery_provider_name ?? {}) as Record<string, unknown>;
    const carrier = String(provider['zh-hant'] ?? provider.en ?? '');
    const tracking = typeof b.tracking_number === 'string' ? b.tracking_number.trim() : undefined;
    const refuse = (message: string) => {
      if (tracking !== undefined)
        recordShipment(p, o, { carrier, trackingNumber: tracking || null, method: 'patch_tracking' }, false, ctx.now());
      return err(reply, 422, message, 'UnprocessableEntity');
    };
    if (tracking !== undefined && o.delivery !== 'custom')
      return refuse('Tracking numbers can only be set for custom delivery options');
    if (tracking !== undefined && !tracking) return refuse('tracking_number must not be empty');
    if (o.status === 'cancelled') return refuse('The order is cancelled');
    touch(o, ctx.now(), () => {
      if (tracking) o.trackingNumber = tracking;
      if (typeof b.tracking_url === 'string') o.trackingUrl = b.tracking_url;
      if (carrier) o.carrier = carrier;
    });
    if (tracking)
      recordShipment(p, o, { carrier: o.carrier, trackingNumber: tracking, method: 'patch_tracking' }, true, ctx.now());
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });

  app.patch('/v1/orders/:id/order_delivery_status', async (req, reply) => {
    const o = findOrder(req, reply);
    if (!o) return reply;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const status = String(b.status ?? '');
    if (!DELIVERY_STATUSES.includes(status))
      return err(reply, 422, `status must be one of ${DELIVERY_STATUSES.join(', ')}`, 'UnprocessableEntity');
    if (o.delivery !== 'custom')
      return err(
        reply,
        422,
        `Delivery status of integrated logistics (${o.delivery}) cannot be changed`,
        'UnprocessableEntity',
      );
    if (o.status === 'completed' || o.status === 'cancelled')
      return err(
        reply,
        422,
        `The order is ${shoplineStatus(o).status}; its delivery status cannot change`,
        'UnprocessableEntity',
      );
    if (o.status === 'unpaid' && !o.cod) return err(reply, 422, 'The order is not paid', 'UnprocessableEntity');
    const now = ctx.now();
    const to: Record<string, OrderStatus> = {
      pending: 'paid',
      shipping: 'ready_to_ship',
      shipped: 'shipped',
      arrived: 'completed',
      collected: 'completed',
      returned: 'returned',
      returning: 'returned',
    };
    // A change to order_delivery does NOT bump order.updated_at (documented): no touch() here.
    o.status = to[status]!;
    if (status === 'shipped') o.shippedAt ??= now;
    // The tracking-number PATCH confirmed the shipment; its status change is a step of it, not a second one.
    if (p.shipments.has(`${o.store.key}|${o.externalId}`) || status === 'shipped')
      recordShipmentStep(p, o, { deliveryStatus: status }, now);
    if (o.status === 'completed') o.completedAt ??= now;
    if (o.status === 'returned') o.returnedAt ??= now;
    o.cache.clear();
    return { order_id: o.externalId, status, updated_at: utcIso(now) };
  });

  // Integrated logistics (7-11, FamilyMart, T-cat, SF): SHOPLINE books the carrier and assigns the number;
  // only while delivery is pending. The response shape is undocumented [INF]: the order.
  app.patch('/v1/orders/:id/execute_shipment', async (req, reply) => {
    const o = findOrder(req, reply);
    if (!o) return reply;
    const refuse = (message: string) => {
      recordShipment(p, o, { carrier: o.carrier, trackingNumber: null, method: 'execute_shipment' }, false, ctx.now());
      return err(reply, 422, message, 'UnprocessableEntity');
    };
    if (o.delivery === 'custom')
      return refuse('execute_shipment is only for integrated delivery options (7-11, FamilyMart, T-cat, SF)');
    if (shoplineStatus(o).delivery !== 'pending' || o.status === 'cancelled')
      return refuse(`Shipment can only be executed while delivery is pending (it is ${shoplineStatus(o).delivery})`);
    if (o.status === 'unpaid' && !o.cod) return refuse('The order is not paid');
    const now = ctx.now();
    // A change to order_delivery: no touch(), order.updated_at stays.
    o.status = 'processed';
    o.shippedAt = now;
    o.trackingNumber = `F${String(now).slice(-7)}${String(o.uid).padStart(4, '0').slice(-4)}`;
    o.cache.clear();
    recordShipment(
      p,
      o,
      { carrier: o.carrier, trackingNumber: o.trackingNumber, method: 'execute_shipment' },
      true,
      now,
    );
    return sendJson(
      reply,
      cached(o, 'shopline', () => renderOrder(o)),
    );
  });
}
