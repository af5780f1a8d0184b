// The warehouse's side of a shipment, which the sandbox does for tests (POST /_sandbox/idempiere/ship): a completed
// order gets an M_InOut with the shipper and tracking number, one line per product line still to ship (or the
// products asked for), completed unless asked otherwise; order lines get QtyDelivered (doc-actions.ts).
import { tableDef } from './dictionary';
import { validation } from './errors';
import type { LoginContext } from './models';
import { SEED } from './seed';
import type { IdempiereState } from './state';
import { RestError, type Row, type Store } from './store';

export interface ShipRequest {
  orderId?: number;
  documentNo?: string;
  poReference?: string;
  /** M_Shipper name or id */
  shipper: string | number;
  trackingNo?: string | null;
  /** default true: a completed shipment; false leaves it drafted */
  complete?: boolean;
  /** yyyy-MM-dd, default today */
  movementDate?: string;
  /**
   * A part shipment: only these products (M_Product Value or id), each `qty` (default: all that is left of it).
   * Without it everything left to ship goes.
   */
  lines?: { product: string | number; qty?: number }[];
}

/** An M_Shipper by id or by name (exact, then case-insensitive). */
function resolveShipper(store: Store, s: string | number): number {
  if (typeof s === 'number' || /^\d+$/.test(String(s))) {
    const row = store.get('M_Shipper', Number(s));
    if (!row) throw validation(`M_Shipper ${s} does not exist`);
    return Number(s);
  }
  for (const r of store.all('M_Shipper')) if (r.Name === s) return r.M_Shipper_ID as number;
  for (const r of store.all('M_Shipper'))
    if (String(r.Name).toLowerCase() === String(s).toLowerCase()) return r.M_Shipper_ID as number;
  throw validation(`M_Shipper '${s}' does not exist`);
}

/** The order by id, DocumentNo or POReference (as given, or truncated to the configured length as it was stored). */
function findOrder(state: IdempiereState, req: ShipRequest): Row {
  const { store } = state;
  let found: Row | undefined;
  if (req.orderId !== undefined) found = store.get('C_Order', Number(req.orderId));
  else if (req.documentNo !== undefined) {
    for (const r of store.all('C_Order')) if (r.DocumentNo === req.documentNo) found = r;
  } else if (req.poReference !== undefined) {
    const wanted = String(req.poReference);
    const truncated = wanted.slice(0, state.modelOptions.poReferenceLength);
    for (const r of store.all('C_Order')) if (r.POReference === wanted || r.POReference === truncated) found = r;
  } else throw validation('Give orderId, documentNo or poReference');
  if (!found)
    throw new RestError(
      404,
      'Record not found',
      `No C_Order matching ${JSON.stringify(req.orderId ?? req.documentNo ?? req.poReference)}`,
    );
  return found;
}

/** Ships (part of) a completed order in one transaction; returns the M_InOut as POST /models answers it. */
export function ship(state: IdempiereState, req: ShipRequest): Record<string, unknown> {
  if (!req || typeof req !== 'object') throw validation('Body must be an object');
  if (req.shipper === undefined || req.shipper === null || req.shipper === '')
    throw validation('shipper is required (M_Shipper name or id)');
  const { store, models } = state;
  return store.transaction(() => {
    const order = findOrder(state, req);
    if (order.DocStatus !== 'CO')
      throw validation(
        `Order ${String(order.DocumentNo)} is ${String(order.DocStatus)}, only completed orders can be shipped`,
      );
    const shipperId = resolveShipper(store, req.shipper);
    // Product lines are shipped; charge lines (freight, discounts) only when the order has no product at all.
    const all = store.children('C_OrderLine', order.C_Order_ID as number);
    const shippable = all.some((l) => l.M_Product_ID) ? all.filter((l) => l.M_Product_ID) : all;
    const leftOf = (l: Row) => Number(l.QtyOrdered ?? 0) - Number(l.QtyDelivered ?? 0);
    let toShip = shippable.filter((l) => leftOf(l) > 0).map((l) => ({ line: l, qty: leftOf(l) }));
    if (req.lines) {
      // A part shipment: the asked quantity of each product, taken from its order lines in turn.
      const picked: { line: Row; qty: number }[] = [];
      for (const want of req.lines) {
        const productId = /^\d+$/.test(String(want.product))
          ? Number(want.product)
          : [...store.all('M_Product')].find((p) => p.Value === want.product)?.M_Product_ID;
        const candidates = toShip.filter((t) => t.line.M_Product_ID === productId);
        if (candidates.length === 0)
          throw validation(`Order ${String(order.DocumentNo)} has no ${String(want.product)} left to ship`);
        let rest = want.qty ?? candidates.reduce((n, t) => n + t.qty, 0);
        for (const t of candidates) {
          const q = Math.min(rest, t.qty);
          if (q > 0) picked.push({ line: t.line, qty: q });
          rest -= q;
        }
        if (rest > 0)
          throw validation(
            `Order ${String(order.DocumentNo)} has less than ${want.qty} of ${String(want.product)} left to ship`,
          );
      }
      toShip = picked;
    }
    if (toShip.length === 0) throw validation(`Order ${String(order.DocumentNo)} has nothing left to ship`);
    const ctx: LoginContext = {
      clientId: order.AD_Client_ID as number,
      orgId: order.AD_Org_ID as number,
      warehouseId: order.M_Warehouse_ID as number,
      roleId: SEED.roleAdmin,
      userId: SEED.userId,
      language: SEED.language,
    };
    const body: Record<string, unknown> = {
      C_Order_ID: order.C_Order_ID,
      C_DocType_ID: SEED.docTypeShipment,
      M_Shipper_ID: shipperId,
      TrackingNo: req.trackingNo ?? null,
      DeliveryViaRule: 'S',
      M_InOutLine: toShip.map(({ line: l, qty: q }) => ({
        C_OrderLine_ID: l.C_OrderLine_ID,
        M_Product_ID: l.M_Product_ID ?? null,
        C_Charge_ID: l.C_Charge_ID ?? null,
        QtyEntered: q,
        MovementQty: q,
      })),
    };
    if (req.movementDate) body.MovementDate = req.movementDate;
    if (req.complete !== false) body['doc-action'] = 'CO';
    return models.create(ctx, tableDef('M_InOut'), body);
  });
}
