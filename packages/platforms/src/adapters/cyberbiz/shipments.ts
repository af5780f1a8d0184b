// Cyberbiz shipments (docs/platforms.md#cyberbiz-shipping-and-logistics): one fulfillment per shipment with the
// line items it carries first, made by custom_shipping with our carrier and number.
import type { ChannelAccess, PushResult, ShipmentOfOrder, ShipmentPlan, ShipmentToPush } from '../../adapter';
import { PermanentError } from '../../errors';
import { jsonBody } from '../../http';
import { isObj, optStr, type Obj } from '../../normalize-util';
import { planByLines } from '../../shipment-plan';
import { cyberbizGet, cyberbizRequest, P, type CyberbizClient } from './client';

/** An order takes several fulfillments, each with its line_item_ids: one per shipment, for the lines it carries first. */
export function planCyberbizShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
  const o = isObj(orderRaw) ? orderRaw : {};
  const lineIds = (Array.isArray(o.line_items) ? o.line_items.filter(isObj) : [])
    .map((l) => String(l.id ?? ''))
    .filter(Boolean);
  return planByLines(lineIds, shipments, 'Cyberbiz');
}

/** custom_shipping with our carrier code and number; an existing fulfillment with the same number is success. */
export async function pushCyberbizShipment(
  client: CyberbizClient,
  store: ChannelAccess,
  s: ShipmentToPush,
): Promise<PushResult> {
  if (!s.trackingNumber)
    throw new PermanentError(`cyberbiz custom_shipping needs a tracking number (order ${s.orderExternalId})`, {
      platform: P,
    });
  const existing = await fulfillments(client, store, s.orderExternalId);
  // A fulfillment with this number is this shipment, made before a crash: done.
  if (existing.some((f) => f.tracking_number === s.trackingNumber))
    return { outcome: 'pushed', trackingNumber: s.trackingNumber };
  const res = await cyberbizRequest(
    client,
    store,
    'POST',
    `/v1/orders/${encodeURIComponent(s.orderExternalId)}/fulfillments/custom_shipping`,
    {
      // Without line_item_ids Cyberbiz fulfills every line not yet shipped; a part shipment names its own.
      ...(s.lineIds ? { line_item_ids: s.lineIds.map((id) => (/^\d+$/.test(id) ? Number(id) : id)) } : {}),
      tracking_number: s.trackingNumber,
      tracking_company: s.carrier,
      notify_customer: true,
    },
  );
  if (res.status === 404)
    throw new PermanentError(`cyberbiz: order ${s.orderExternalId} not found`, { platform: P, status: 404 });
  return { outcome: 'pushed', trackingNumber: s.trackingNumber };
}

async function fulfillments(client: CyberbizClient, store: ChannelAccess, orderId: string): Promise<Obj[]> {
  const res = await cyberbizGet(client, store, `/v1/orders/${encodeURIComponent(orderId)}/fulfillments`);
  if (res.status === 404)
    throw new PermanentError(`cyberbiz: order ${orderId} not found`, { platform: P, status: 404 });
  const body = jsonBody(res, P);
  return Array.isArray(body) ? body.filter(isObj) : [];
}

export async function readCyberbizTracking(
  client: CyberbizClient,
  store: ChannelAccess,
  orderExternalId: string,
): Promise<string | null> {
  const list = await fulfillments(client, store, orderExternalId);
  return optStr(list.at(-1)?.tracking_number);
}
