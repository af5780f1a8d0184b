// Shopee's logistics routes (docs/platforms.md, "Shopee: shipping and logistics"): get_shipping_parameter,
// ship_order with exactly one method matching the order's channel, get_tracking_number (empty at the first poll
// after an integrated arrangement). Split orders are shipped per package.
import type { FastifyInstance } from 'fastify';
import { touch, type Order, type ShopeePackage, type Store } from '../../world/model.ts';
import { recordShipment, type SandboxContext } from '../common.ts';
import type { Guard } from './auth.ts';
import { ok, Refused } from './envelope.ts';
import { SHOPEE_STATUS } from './detail.ts';

const order = (store: Store, sn: string | undefined): Order => {
  const o = sn ? store.byId.get(sn) : undefined;
  if (!o) throw new Refused('error_not_found', `Order ${sn ?? ''} not found.`);
  return o;
};

export function registerLogisticsRoutes(app: FastifyInstance, ctx: SandboxContext, guard: Guard): void {
  const p = ctx.world.platform('shopee');
  // ---- Logistics
  app.get(
    '/api/v2/logistics/get_shipping_parameter',
    guard('shop', ({ store, q, reply }) => {
      const o = order(store, q.order_sn);
      const pk = checkPackage(o, q.package_number, 'logistics.package_number_not_exist');
      if (o.status === 'cancelled') throw new Refused('error_status', 'The order has been cancelled.');
      if (SHOPEE_STATUS[o.status] !== 'READY_TO_SHIP' || pk?.arrangedAt)
        throw new Refused(
          'error_param',
          'Shipping parameters can only be obtained when package is ready to be shipped',
        );
      return ok(reply, shippingParameter(o));
    }),
  );

  app.post(
    '/api/v2/logistics/ship_order',
    guard('shop', ({ store, req, reply }) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.order_sn !== 'string' || !b.order_sn) throw new Refused('error_param', 'order_sn is required.');
      const o = order(store, b.order_sn);
      const packageNumber = typeof b.package_number === 'string' && b.package_number ? b.package_number : undefined;
      // A split order's shipments are per package: one record each.
      const part = o.packages && packageNumber ? { key: packageNumber, packageNumber } : undefined;
      const ship = (okay: boolean, trackingNumber: string | null = null) =>
        recordShipment(p, o, { carrier: o.carrier, trackingNumber, method: o.delivery }, okay, ctx.now(), part);
      try {
        const pk = checkPackage(o, packageNumber, 'logistics.ship_order_need_pacakge_number');
        const methods = (['pickup', 'dropoff', 'non_integrated'] as const).filter(
          (m) => b[m] !== undefined && b[m] !== null,
        );
        if (methods.length > 1)
          throw new Refused(
            'logistics.ship_order_only_support_one_type',
            'Only one of pickup, dropoff and non_integrated can be given.',
          );
        if (o.status === 'cancelled') throw new Refused('error_status', 'The order has been cancelled.');
        if (['processed', 'shipped', 'completed', 'returned'].includes(o.status) || pk?.arrangedAt)
          throw new Refused('logistics.package_already_shipped', 'The package has already been shipped.');
        if (o.status === 'unpaid')
          throw new Refused('logistics.ship_order_not_ready_to_ship', 'The order is not ready to ship.');
        const method = methods[0];
        if (!method) throw new Refused('error_param', 'One of pickup, dropoff or non_integrated is required.');
        if (method !== o.delivery)
          throw new Refused(
            'error_param',
            `The logistics channel of this order does not support ${method}; see get_shipping_parameter.`,
          );
        const info = (b[method] ?? {}) as Record<string, unknown>;
        let tracking: string | null = null;
        if (method === 'pickup') {
          const params = shippingParameter(o).pickup!;
          const address = params.address_list.find((a) => a.address_id === Number(info.address_id));
          if (!address || !address.time_slot_list.some((t) => t.pickup_time_id === String(info.pickup_time_id ?? '')))
            throw new Refused(
              'logistics.ship_order_need_address_pickup_time',
              'address_id and pickup_time_id from get_shipping_parameter are required.',
            );
        } else if (method === 'non_integrated') {
          if (typeof info.tracking_number !== 'string' || !info.tracking_number.trim())
            throw new Refused('error_param', 'non_integrated.tracking_number is required for this channel.');
          tracking = info.tracking_number.trim();
        }
        const now = ctx.now();
        // Integrated channels: the 3PL assigns the number; the first get_tracking_number call sees none yet.
        const assigned = (suffix: string) =>
          tracking ?? `TW${String(now).slice(-8)}${o.uid.toString().padStart(4, '0').slice(-4)}${suffix}`;
        touch(o, now, () => {
          if (pk) {
            pk.arrangedAt = now;
            pk.trackingNumber = assigned(String(o.packages!.indexOf(pk)));
            pk.trackingPolls = tracking ? 1 : 0;
            // The order moves on once every package is arranged; until then it stays READY_TO_SHIP [INF].
            if (!o.packages!.every((x) => x.arrangedAt !== null)) return;
            o.trackingNumber = o.packages![0]!.trackingNumber;
            o.trackingPolls = 1;
          } else {
            o.trackingNumber = assigned('');
            o.trackingPolls = tracking ? 1 : 0;
          }
          o.status = 'processed';
          o.shippedAt = now;
        });
        ship(true, tracking);
        return ok(reply);
      } catch (e) {
        if (e instanceof Refused) ship(false);
        throw e;
      }
    }),
  );

  app.get(
    '/api/v2/logistics/get_tracking_number',
    guard('shop', ({ store, q, reply }) => {
      const o = order(store, q.order_sn);
      const pk = checkPackage(o, q.package_number, 'logistics.package_number_not_exist');
      const holder = pk ?? o;
      if (!holder.trackingNumber)
        throw new Refused('logistics.error_status', 'The shipment of this order has not been arranged.');
      if (holder.trackingPolls === 0) {
        holder.trackingPolls++;
        return ok(reply, {
          tracking_number: '',
          hint: 'The tracking number is being generated, please try again later.',
        });
      }
      const s = p.shipments.get(`${store.key}|${o.externalId}${pk ? `|${pk.packageNumber}` : ''}`);
      if (s && !s.trackingNumber) s.trackingNumber = holder.trackingNumber;
      return ok(reply, { tracking_number: holder.trackingNumber });
    }),
  );
}

/**
 * The package a logistics call is about. A split order needs package_number on every call (documented: else
 * logistics.package_number_not_exist / logistics.ship_order_need_pacakge_number, sic); an order of one package
 * takes its own number or none.
 */
function checkPackage(o: Order, packageNumber: string | undefined, missing: string): ShopeePackage | null {
  if (o.packages) {
    if (!packageNumber)
      throw new Refused(
        missing,
        `Order ${o.externalId} is split into ${o.packages.length} packages: package_number is required.`,
      );
    const pk = o.packages.find((x) => x.packageNumber === packageNumber);
    if (!pk) throw new Refused('logistics.package_number_not_exist', 'The package_number does not exist.');
    return pk;
  }
  if (packageNumber && packageNumber !== o.packageNumber)
    throw new Refused('logistics.package_number_not_exist', 'The package_number does not exist.');
  return null;
}

export function shippingParameter(o: Order) {
  const day = 86400_000;
  const base = Math.floor(o.createdAt / day) * day;
  switch (o.delivery) {
    case 'pickup':
      return {
        info_needed: { pickup: ['address_id', 'pickup_time_id'] },
        pickup: {
          address_list: [
            {
              address_id: 10_000 + o.store.index,
              region: 'TW',
              state: '',
              city: '臺北市',
              district: '信義區',
              town: '',
              address: '松高路 1 號',
              zipcode: '110',
              address_flag: ['default_address', 'pickup_address'],
              time_slot_list: [1, 2].map((d) => ({
                date: Math.floor((base + d * day) / 1000),
                time_text: '09:00-18:00',
                pickup_time_id: String(Math.floor((base + d * day) / 1000)),
              })),
            },
          ],
        },
      };
    case 'dropoff':
      // 7-ELEVEN C2C: nothing to fill in, but the key must be sent (as {}).
      return { info_needed: { dropoff: [] as string[] }, dropoff: { branch_list: [], slug_list: [] } };
    default:
      return { info_needed: { non_integrated: ['tracking_no'] } };
  }
}
