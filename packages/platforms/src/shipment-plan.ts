// Partial shipments and split packages: which part of a platform order each iDempiere shipment
// (M_InOut) stands for. One rule everywhere: a part of the order (the whole order, a package, a line) goes with
// the FIRST recorded shipment that carries it; a later shipment that carries nothing new is recorded as
// not_pushed, because the platform already holds the earlier shipment's tracking number for that part and a
// second push would either be refused or overwrite it. The plans are pure functions of the order and its
// shipments in recording order, so concurrent pushes of one order always agree without a lock.
import type { ShipmentItem, ShipmentOfOrder, ShipmentPlan } from './adapter';

const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');

/** Products of a shipment that are on no line of the platform order. */
function strangers(items: ShipmentItem[]): string[] {
  return [...new Set(items.filter((i) => i.lineId === null).map((i) => i.product))];
}

/**
 * Platforms with one tracking number per order (SHOPLINE's order delivery; a Shopee order of one package):
 * the first shipment is pushed, every later one is recorded and not pushed.
 */
export function planOnePerOrder(
  shipments: ShipmentOfOrder[],
  what: string,
  packageNumber: string | null = null,
): ShipmentPlan[] {
  const first = shipments[0];
  return shipments.map((s, i) =>
    i === 0
      ? { action: 'push', packageNumber, lineIds: null }
      : {
          action: 'not_pushed',
          reason: `${what}: it went with the order's first iDempiere shipment ${first!.label}; this later part shipment ${s.label} is recorded here only`,
        },
  );
}

/**
 * Platforms that confirm lines (Cyberbiz fulfillments with line_item_ids, momo rows): each shipment confirms
 * the lines it carries that no earlier shipment carried. Lines are confirmed whole: the rest of a line shipped
 * later adds nothing on the platform. A shipment without item list (recorded before items were read) takes
 * every line not yet taken.
 */
export function planByLines(orderLineIds: string[], shipments: ShipmentOfOrder[], platform: string): ShipmentPlan[] {
  const takenBy = new Map<string, string>();
  return shipments.map((s) => {
    const carried =
      s.items === null
        ? orderLineIds
        : [...new Set(s.items.map((i) => i.lineId).filter((id): id is string => id !== null))];
    if (s.items !== null && carried.length === 0) {
      const names = strangers(s.items);
      return {
        action: 'block',
        reason: `iDempiere shipment ${s.label} carries no product of the ${platform} order${names.length ? ` (it carries ${list(names)})` : ''}: check the shipment's lines in iDempiere, then retry`,
      };
    }
    const mine = carried.filter((id) => !takenBy.has(id));
    for (const id of mine) takenBy.set(id, s.label);
    if (mine.length === 0) {
      const earlier = [...new Set(carried.map((id) => takenBy.get(id)!))];
      return {
        action: 'not_pushed',
        reason: `${platform} confirms each order line once: every line iDempiere shipment ${s.label} carries went with earlier shipment ${earlier.join(', ')}; recorded here only`,
      };
    }
    return { action: 'push', packageNumber: null, lineIds: mine };
  });
}

/** A platform package: its number and the order lines (canonical line ids) in it. */
export interface PlatformPackage {
  packageNumber: string;
  lineIds: string[];
}

/**
 * Shopee split orders: each shipment is the package that holds every item it carries. Among packages that
 * qualify and that no earlier shipment took, the one with exactly the shipment's items wins, else the first
 * in the order's package list (packages with the same items are interchangeable). A shipment whose items
 * are spread over several packages, or that carries products not on the order, is blocked: the warehouse
 * must ship each package as its own M_InOut. A shipment that fits only a package already taken is the rest
 * of that package: recorded, not pushed (Shopee takes one tracking number per package).
 */
export function planPackages(
  packages: PlatformPackage[],
  shipments: ShipmentOfOrder[],
  orderLabel: string,
): ShipmentPlan[] {
  const takenBy = new Map<string, string>();
  const describe = (p: PlatformPackage) => `${p.packageNumber} (lines ${p.lineIds.join(', ')})`;
  return shipments.map((s) => {
    if (s.items === null)
      return {
        action: 'block',
        reason: `${orderLabel} is split into ${packages.length} packages and iDempiere shipment ${s.label} has no item list to tell which one it is: retry the shipment`,
      };
    const names = strangers(s.items);
    if (names.length)
      return {
        action: 'block',
        reason: `iDempiere shipment ${s.label} carries ${list(names)}, on no line of ${orderLabel}: check the shipment's lines in iDempiere, then retry`,
      };
    const carried = [...new Set(s.items.map((i) => i.lineId!))];
    if (carried.length === 0)
      return {
        action: 'block',
        reason: `iDempiere shipment ${s.label} carries no product, so it matches no package of ${orderLabel}: check its lines in iDempiere, then retry`,
      };
    const fits = packages.filter((p) => carried.every((id) => p.lineIds.includes(id)));
    if (fits.length === 0) {
      const spread = packages.filter((p) => carried.some((id) => p.lineIds.includes(id)));
      return {
        action: 'block',
        reason: `${orderLabel} is split into packages ${packages.map(describe).join('; ')}: iDempiere shipment ${s.label} carries lines ${carried.join(', ')}, ${spread.length > 1 ? `spread over packages ${spread.map((p) => p.packageNumber).join(' and ')}` : 'that no package holds'}; ship each package as its own shipment in iDempiere`,
      };
    }
    const free = fits.filter((p) => !takenBy.has(p.packageNumber));
    const exact = free.find((p) => p.lineIds.length === carried.length);
    const pick = exact ?? free[0];
    if (!pick) {
      const p = fits[0]!;
      return {
        action: 'not_pushed',
        reason: `Shopee takes one tracking number per package: package ${p.packageNumber} went with iDempiere shipment ${takenBy.get(p.packageNumber)}; this later part shipment ${s.label} is recorded here only`,
      };
    }
    takenBy.set(pick.packageNumber, s.label);
    return { action: 'push', packageNumber: pick.packageNumber, lineIds: null };
  });
}
