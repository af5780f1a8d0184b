// Shopee shipments (docs/platforms.md#shopee-shipping-and-logistics): which package each iDempiere shipment is,
// get_shipping_parameter then ship_order with the one method the logistics channel takes, and the tracking number
// read back when Shopee assigns it.
import type { AxiosInstance } from 'axios';
import type { ChannelAccess, PushResult, ShipmentOfOrder, ShipmentPlan, ShipmentToPush } from '../../adapter';
import { NotReadyError, PermanentError } from '../../errors';
import { isObj, optStr, type Obj } from '../../normalize-util';
import { planOnePerOrder, planPackages, type PlatformPackage } from '../../shipment-plan';
import { P, shopeeCall } from './client';
import { shopeeLineId } from './normalize';
import { fetchShopeeOrder } from './orders';

/** package_list of a get_order_detail answer, each package with the order lines it holds. */
export function shopeePackages(raw: unknown): PlatformPackage[] {
  const o = isObj(raw) ? raw : {};
  const packages = Array.isArray(o.package_list) ? o.package_list.filter(isObj) : [];
  return packages
    .map((p, i) => ({
      packageNumber: String(p.package_number ?? ''),
      lineIds: (Array.isArray(p.item_list) ? p.item_list.filter(isObj) : []).map((it, k) =>
        shopeeLineId(it, `package_list[${i}].item_list[${k}]`),
      ),
    }))
    .filter((p) => p.packageNumber);
}

/** Logistics statuses of a package that mean it was arranged (or went further): ship_order must not run again. */
const ARRANGED = new Set([
  'LOGISTICS_REQUEST_CREATED',
  'LOGISTICS_PICKUP_DONE',
  'LOGISTICS_DELIVERY_DONE',
  'LOGISTICS_PICKUP_RETRY',
  'LOGISTICS_DELIVERY_FAILED',
  'LOGISTICS_LOST',
]);

/**
 * An order of one package takes one tracking number: its first shipment. A split order (package_list of
 * several; documented: "split orders need package_number on every logistics call"): each shipment is the package
 * holding its items (see planPackages).
 */
export function planShopeeShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
  const packages = shopeePackages(orderRaw);
  const sn = isObj(orderRaw) ? String(orderRaw.order_sn ?? '') : '';
  if (packages.length > 1) return planPackages(packages, shipments, `Shopee order ${sn}`);
  return planOnePerOrder(
    shipments,
    `Shopee takes one tracking number per package and order ${sn} is one package`,
    packages[0]?.packageNumber ?? null,
  );
}

/** The seller may split an order after the OMS imported it: plan with the current package_list. */
export async function shopeeOrderForShipment(
  http: AxiosInstance,
  store: ChannelAccess,
  orderExternalId: string,
): Promise<unknown | null> {
  return (await fetchShopeeOrder(http, store, orderExternalId))?.raw ?? null;
}

/** get_shipping_parameter then ship_order with the one method the logistics channel takes. */
export async function pushShopeeShipment(
  http: AxiosInstance,
  store: ChannelAccess,
  s: ShipmentToPush,
): Promise<PushResult> {
  const raw = isObj(s.orderRaw) ? s.orderRaw : {};
  const packages = Array.isArray(raw.package_list) ? raw.package_list.filter(isObj) : [];
  let packageNumber = s.packageNumber;
  if (!packageNumber && packages.length > 1)
    throw new PermanentError(
      `order ${s.orderExternalId} is split into ${packages.length} packages: the shipment must name its package_number`,
      { platform: P },
    );
  if (!packageNumber && packages.length === 1) packageNumber = optStr(packages[0]!.package_number);
  const pkg: Record<string, string> = packageNumber ? { package_number: packageNumber } : {};

  let params: Obj;
  try {
    const env = await shopeeCall(http, store, 'GET', '/api/v2/logistics/get_shipping_parameter', 'shop', {
      order_sn: s.orderExternalId,
      ...pkg,
    });
    params = isObj(env.response) ? env.response : {};
  } catch (err) {
    if (err instanceof PermanentError && /ready to be shipped|being allocated/i.test(err.message))
      return alreadyOrNotReady(http, store, s, packageNumber, err.message);
    throw err;
  }
  const needed = isObj(params.info_needed) ? params.info_needed : {};
  const body: Obj = { order_sn: s.orderExternalId, ...pkg };
  let platformAssigns = true;
  if (Array.isArray(needed.non_integrated)) {
    if (!s.trackingNumber)
      throw new PermanentError(`order ${s.orderExternalId} ships non-integrated: a tracking number is required`, {
        platform: P,
      });
    body.non_integrated = { tracking_number: s.trackingNumber };
    platformAssigns = false;
  } else if (Array.isArray(needed.pickup)) {
    const pickup = isObj(params.pickup) ? params.pickup : {};
    const addresses = (Array.isArray(pickup.address_list) ? pickup.address_list : []).filter(isObj);
    const address =
      addresses.find((a) => Array.isArray(a.address_flag) && a.address_flag.includes('pickup_address')) ??
      addresses.find((a) => Array.isArray(a.address_flag) && a.address_flag.includes('default_address')) ??
      addresses[0];
    const slot = address && Array.isArray(address.time_slot_list) ? address.time_slot_list.filter(isObj)[0] : undefined;
    if (!address)
      throw new PermanentError(`order ${s.orderExternalId}: Shopee offers no pickup address`, { platform: P });
    const info: Obj = { address_id: address.address_id };
    if (needed.pickup.includes('pickup_time_id')) {
      if (!slot)
        throw new NotReadyError(`order ${s.orderExternalId}: no pickup time slot offered yet`, { platform: P });
      info.pickup_time_id = slot.pickup_time_id;
    }
    if (needed.pickup.includes('tracking_number') && s.trackingNumber) info.tracking_number = s.trackingNumber;
    body.pickup = info;
  } else if (Array.isArray(needed.dropoff)) {
    const dropoff = isObj(params.dropoff) ? params.dropoff : {};
    const info: Obj = {};
    const first = (list: unknown) => (Array.isArray(list) ? list.filter(isObj)[0] : undefined);
    if (needed.dropoff.includes('branch_id')) info.branch_id = first(dropoff.branch_list)?.branch_id;
    if (needed.dropoff.includes('slug')) info.slug = first(dropoff.slug_list)?.slug;
    if (needed.dropoff.includes('tracking_no') && s.trackingNumber) info.tracking_number = s.trackingNumber;
    body.dropoff = info;
  } else {
    throw new PermanentError(
      `order ${s.orderExternalId}: get_shipping_parameter names no shipping method (${JSON.stringify(needed)})`,
      { platform: P },
    );
  }
  try {
    await shopeeCall(http, store, 'POST', '/api/v2/logistics/ship_order', 'shop', {}, body);
  } catch (err) {
    if (err instanceof PermanentError && err.details.code === 'logistics.package_already_shipped')
      return alreadyOrNotReady(http, store, s, packageNumber, err.message);
    if (err instanceof PermanentError && err.details.code === 'logistics.ship_order_not_ready_to_ship')
      throw new NotReadyError(err.message, err.details);
    throw err;
  }
  if (!platformAssigns) return { outcome: 'pushed', trackingNumber: s.trackingNumber, packageNumber };
  const tracking = await readShopeeTracking(http, store, s.orderExternalId, packageNumber);
  return tracking
    ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
    : { outcome: 'awaiting_tracking', packageNumber };
}

/** Shipping refused: either the order was already arranged (success when the number matches) or it is not ready yet. */
async function alreadyOrNotReady(
  http: AxiosInstance,
  store: ChannelAccess,
  s: ShipmentToPush,
  packageNumber: string | null,
  why: string,
): Promise<PushResult> {
  const current = await fetchShopeeOrder(http, store, s.orderExternalId);
  const status = current && isObj(current.raw) ? String(current.raw.order_status) : '';
  // A split order stays READY_TO_SHIP while some of its packages are not arranged (unverified): the package's own
  // logistics status says whether this one was.
  const pkg =
    packageNumber && current && isObj(current.raw) && Array.isArray(current.raw.package_list)
      ? current.raw.package_list.filter(isObj).find((p) => String(p.package_number) === packageNumber)
      : undefined;
  if (pkg && ARRANGED.has(String(pkg.logistics_status)) && !['CANCELLED', 'IN_CANCEL', 'TO_RETURN'].includes(status)) {
    const tracking = await readShopeeTracking(http, store, s.orderExternalId, packageNumber).catch(() => null);
    return tracking
      ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
      : { outcome: 'awaiting_tracking', packageNumber };
  }
  if (['UNPAID', 'PENDING', 'INVOICE_PENDING', 'READY_TO_SHIP', 'RETRY_SHIP', ''].includes(status))
    throw new NotReadyError(`shopee: ${why} (order ${status || 'not found'})`, { platform: P });
  if (['CANCELLED', 'IN_CANCEL', 'TO_RETURN'].includes(status))
    throw new PermanentError(`shopee: order ${s.orderExternalId} is ${status}: ${why}`, { platform: P });
  // Already arranged (by us before a crash, or in Seller Centre): Shopee's number is the one the buyer
  // sees — on integrated channels it is always the 3PL's, never ours — so it is what gets recorded.
  const tracking = await readShopeeTracking(http, store, s.orderExternalId, packageNumber).catch(() => null);
  return tracking
    ? { outcome: 'pushed', trackingNumber: tracking, packageNumber }
    : { outcome: 'awaiting_tracking', packageNumber };
}

export async function readShopeeTracking(
  http: AxiosInstance,
  store: ChannelAccess,
  orderExternalId: string,
  packageNumber: string | null,
): Promise<string | null> {
  const env = await shopeeCall(http, store, 'GET', '/api/v2/logistics/get_tracking_number', 'shop', {
    order_sn: orderExternalId,
    ...(packageNumber ? { package_number: packageNumber } : {}),
  });
  return isObj(env.response) ? optStr(env.response.tracking_number) : null;
}
