// SHOPLINE shipments (docs/platforms.md#shopline-shipping-and-logistics): one tracking number per order; custom
// delivery takes ours, integrated delivery (7-11, FamilyMart, T-cat, SF) is executed and SHOPLINE assigns one.
import type { ChannelAccess, PushResult, ShipmentOfOrder, ShipmentPlan, ShipmentToPush } from '../../adapter';
import { NotReadyError, PermanentError } from '../../errors';
import { isObj, optStr, type Obj } from '../../normalize-util';
import { planOnePerOrder } from '../../shipment-plan';
import { P, shoplineRequest, type ShoplineClient } from './client';
import { fetchShoplineOrder } from './orders';

/** Integrated logistics, by region_type as Get Delivery Option names it: SHOPLINE ships it. */
const INTEGRATED_REGION = /^(tw_711_|tw_fm_|tw_tcat_|hk_integrated_sf|sl_logistics_)/;

function isIntegrated(o: Obj): boolean {
  const d = isObj(o.order_delivery) ? o.order_delivery : {};
  return d.delivery_type === 'integrated' || INTEGRATED_REGION.test(String(d.region_type ?? ''));
}

/**
 * One order delivery with one tracking number per order (documented: PATCH /v1/orders/:id tracking_number;
 * execute_shipment books the one delivery; the `split` endpoint is undocumented): the first shipment is
 * pushed, later part shipments are recorded, not pushed.
 */
export function planShoplineShipments(_orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
  return planOnePerOrder(shipments, 'SHOPLINE takes one tracking number per order');
}

/**
 * Custom delivery: PATCH the tracking number, then the delivery status to shipped, each step skipped when
 * done. Integrated delivery (7-11, FamilyMart, T-cat, SF): execute_shipment, and SHOPLINE assigns the number.
 */
export async function pushShoplineShipment(
  client: ShoplineClient,
  store: ChannelAccess,
  s: ShipmentToPush,
): Promise<PushResult> {
  const current = await fetchShoplineOrder(client, store, s.orderExternalId);
  if (!current) throw new PermanentError(`shopline: order ${s.orderExternalId} not found or archived`, { platform: P });
  const o = current.raw as Obj;
  const payment = isObj(o.order_payment) ? o.order_payment : {};
  if (o.status === 'cancelled')
    throw new PermanentError(`shopline: order ${s.orderExternalId} is cancelled`, { platform: P });
  const cod = /cash_on_delivery/i.test(String(payment.payment_type ?? ''));
  if (!cod && payment.status !== 'completed' && payment.status !== 'paid')
    throw new NotReadyError(`shopline: order ${s.orderExternalId} is not paid yet`, { platform: P });
  return isIntegrated(o) ? executeShipment(client, store, s, o) : patchTracking(client, store, s, o);
}

async function patchTracking(
  client: ShoplineClient,
  store: ChannelAccess,
  s: ShipmentToPush,
  o: Obj,
): Promise<PushResult> {
  if (!s.trackingNumber)
    throw new PermanentError(`shopline needs a tracking number for order ${s.orderExternalId}`, { platform: P });
  const data = isObj(o.delivery_data) ? o.delivery_data : {};
  const delivery = isObj(o.order_delivery) ? o.order_delivery : {};
  const existing = optStr(data.tracking_number);
  if (existing && existing !== s.trackingNumber)
    throw new PermanentError(
      `shopline: order ${s.orderExternalId} already has tracking number ${existing}, not ${s.trackingNumber}`,
      { platform: P },
    );
  if (!existing) {
    await shoplineRequest(client, store, 'PATCH', `/v1/orders/${encodeURIComponent(s.orderExternalId)}`, {
      tracking_number: s.trackingNumber,
      delivery_provider_name: { 'zh-hant': s.carrier, en: s.carrier },
    });
  }
  const status = String(delivery.delivery_status ?? delivery.status ?? '');
  if (!['shipped', 'arrived', 'collected', 'returned', 'returning'].includes(status) && o.status !== 'completed') {
    await shoplineRequest(
      client,
      store,
      'PATCH',
      `/v1/orders/${encodeURIComponent(s.orderExternalId)}/order_delivery_status`,
      {
        status: 'shipped',
        mail_notify: true,
      },
    );
  }
  return { outcome: 'pushed', trackingNumber: s.trackingNumber };
}

/** Once executed, the order carries SHOPLINE's number: a repeated push (a worker died after the call) takes it. */
async function executeShipment(
  client: ShoplineClient,
  store: ChannelAccess,
  s: ShipmentToPush,
  o: Obj,
): Promise<PushResult> {
  const data = isObj(o.delivery_data) ? o.delivery_data : {};
  const assigned = optStr(data.tracking_number);
  if (assigned) return { outcome: 'pushed', trackingNumber: assigned };
  await shoplineRequest(
    client,
    store,
    'PATCH',
    `/v1/orders/${encodeURIComponent(s.orderExternalId)}/execute_shipment`,
    {},
  );
  return { outcome: 'awaiting_tracking' };
}

export async function readShoplineTracking(
  client: ShoplineClient,
  store: ChannelAccess,
  orderExternalId: string,
): Promise<string | null> {
  const current = await fetchShoplineOrder(client, store, orderExternalId);
  const data =
    current && isObj(current.raw) && isObj((current.raw as Obj).delivery_data)
      ? ((current.raw as Obj).delivery_data as Obj)
      : {};
  return optStr(data.tracking_number);
}
