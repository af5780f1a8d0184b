// Every order carries its business partner location: when C_BPartner_Location_ID is 0, core MOrder.beforeSave
// calls setBPartner, which overwrites the channel's price list, payment term, payment rule, delivery and invoice
// rules with the partner's (docs/idempiere.md, "Order import: columns and core behaviour"). New customers get a
// client-made C_BPartner_Location_UU referenced as {"uid": …}; known partners without a cached location (the
// default customer, customers found by Value) have theirs read once and kept.
import { randomUUID } from 'node:crypto';
import type { IdRecord } from '../model';
import { fkId } from '../model';
import { f } from '../filter';
import type { CustomerNeed } from './catalog';
import type { WriterContext } from './types';

interface Locations {
  /** C_BPartner_ID → its ship-to C_BPartner_Location_ID (null: the partner has none) */
  byPartner: Map<number, number | null>;
  /** Value of a customer being created → the UU its location was given */
  uuByValue: Map<string, string>;
}

const PER_CONTEXT = new WeakMap<WriterContext, Locations>();
const MAX_UU = 10_000;

function of(ctx: WriterContext): Locations {
  let l = PER_CONTEXT.get(ctx);
  if (!l) PER_CONTEXT.set(ctx, (l = { byPartner: new Map(), uuByValue: new Map() }));
  return l;
}

/** The UU the location of the new customer `value` is created with (kept for orders of later batches). */
export function newLocationUU(ctx: WriterContext, value: string): string {
  const m = of(ctx).uuByValue;
  const uu = randomUUID();
  m.set(value, uu);
  if (m.size > MAX_UU) m.delete(m.keys().next().value!);
  return uu;
}

/**
 * Sets C_BPartner_Location_ID on each order body: `{"uid": …}` for a customer created in this batch or the one
 * before, the cached id for a known partner, else the partner's ship-to location read now (once per partner).
 */
export async function attachLocations(
  ctx: WriterContext,
  orders: { need: CustomerNeed; body: Record<string, unknown> }[],
): Promise<void> {
  const l = of(ctx);
  const unknown = new Set<number>();
  for (const o of orders) {
    const ref = o.need.ref;
    if (ref && 'bpartnerId' in ref && !ref.locationId && !l.byPartner.has(ref.bpartnerId)) unknown.add(ref.bpartnerId);
  }
  if (unknown.size) {
    const rows = await ctx.client.getAll<IdRecord>('C_BPartner_Location', {
      filter: f.and(f.in('C_BPartner_ID', [...unknown]), f.eq('IsActive', true)),
      select: ['C_BPartner_ID', 'IsShipTo'],
      orderby: 'C_BPartner_Location_ID',
    });
    for (const id of unknown) {
      const mine = rows.filter((r) => fkId(r.C_BPartner_ID) === id);
      const ship = mine.find((r) => r.IsShipTo === true) ?? mine[0];
      l.byPartner.set(id, ship ? ship.id : null);
    }
  }
  for (const o of orders) {
    if (o.body.C_BPartner_Location_ID) continue;
    const ref = o.need.ref;
    const value = o.need.create?.value ?? o.need.dependsOn;
    const uu = value ? l.uuByValue.get(value) : undefined;
    if (ref && 'bpartnerId' in ref) {
      const id = ref.locationId ?? l.byPartner.get(ref.bpartnerId);
      if (id) o.body.C_BPartner_Location_ID = id;
    } else if (uu) o.body.C_BPartner_Location_ID = { uid: uu };
  }
}
