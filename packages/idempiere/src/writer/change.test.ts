// inPlaceLines: the C_OrderLine items of an order update (docs/idempiere.md, "Batch"): existing lines changed in
// place by product or charge, left-over ones set to quantity 0 (never deleted), the rest new.
import { describe, expect, it } from 'vitest';
import { inPlaceLines } from './change';

const line = (product: number | null, qty: number, price = 10, charge: number | null = null) => ({
  ...(product ? { M_Product_ID: product } : {}),
  ...(charge ? { C_Charge_ID: charge } : {}),
  QtyEntered: qty,
  QtyOrdered: qty,
  PriceEntered: price,
  PriceActual: price,
});

describe('inPlaceLines', () => {
  it('updates matching lines by id, zeroes the removed ones, adds the new ones', () => {
    const existing = [
      { id: 1, M_Product_ID: { id: 100 }, QtyOrdered: 2 },
      { id: 2, M_Product_ID: { id: 200 }, QtyOrdered: 1 },
      { id: 3, C_Charge_ID: { id: 9 }, QtyOrdered: 1 },
      { id: 4, M_Product_ID: { id: 300 }, QtyOrdered: 0 },
    ];
    const items = inPlaceLines(existing, [line(100, 4), line(null, 1, 60, 9), line(400, 1)]);
    expect(items).toEqual([
      { id: 1, QtyEntered: 4, QtyOrdered: 4, PriceEntered: 10, PriceActual: 10 },
      { id: 3, QtyEntered: 1, QtyOrdered: 1, PriceEntered: 60, PriceActual: 60 },
      line(400, 1),
      { id: 2, QtyEntered: 0, QtyOrdered: 0 },
    ]);
    expect(items.some((i) => '(delete)' in i)).toBe(false);
  });

  it('matches the same product twice in order (a line split for cents) and is idempotent on a repeat', () => {
    const existing = [
      { id: 1, M_Product_ID: 100, QtyOrdered: 2 },
      { id: 2, M_Product_ID: 100, QtyOrdered: 1 },
    ];
    const items = inPlaceLines(existing, [line(100, 2, 33), line(100, 1, 34)]);
    expect(items.map((i) => i.id)).toEqual([1, 2]);
  });
});
