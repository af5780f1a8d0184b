import { describe, expect, it } from 'vitest';
import { matchShipmentItems } from './items';

const skus: Record<number, string[]> = { 1: ['A'], 2: ['B'], 3: ['C', 'C-OLD'], 9: ['Z'] };
const skusOf = (id: number) => new Set(skus[id] ?? []);
const name = (id: number) => `P${id}`;

describe('matchShipmentItems', () => {
  const order = [
    { lineId: 'l1', sku: 'A', quantity: 2 },
    { lineId: 'l2', sku: 'B', quantity: 1 },
    { lineId: 'l3', sku: 'C-OLD', quantity: 1 },
  ];

  it('matches shipped products to the order lines with their SKU (or an SKU mapped to the product)', () => {
    expect(
      matchShipmentItems(
        order,
        [
          { productId: 1, quantity: 1 },
          { productId: 3, quantity: 1 },
        ],
        skusOf,
        name,
      ),
    ).toEqual([
      { lineId: 'l1', sku: 'A', product: 'P1', quantity: 1 },
      { lineId: 'l3', sku: 'C-OLD', product: 'P3', quantity: 1 },
    ]);
  });

  it('adds up a line shipped as two M_InOutLines (an order line split for its price) and skips zero quantities', () => {
    expect(
      matchShipmentItems(
        order,
        [
          { productId: 1, quantity: 1 },
          { productId: 1, quantity: 1 },
          { productId: 2, quantity: 0 },
        ],
        skusOf,
        name,
      ),
    ).toEqual([{ lineId: 'l1', sku: 'A', product: 'P1', quantity: 2 }]);
  });

  it('keeps a product that is on no order line, with lineId null, so that a plan can name it', () => {
    expect(matchShipmentItems(order, [{ productId: 9, quantity: 1 }], skusOf, name)).toEqual([
      { lineId: null, sku: null, product: 'P9', quantity: 1 },
    ]);
  });

  it('fills lines that share a product in order, each up to its own quantity', () => {
    const twice = [
      { lineId: 'x', sku: 'A', quantity: 1 },
      { lineId: 'y', sku: 'A', quantity: 2 },
    ];
    expect(matchShipmentItems(twice, [{ productId: 1, quantity: 2 }], skusOf, name)).toEqual([
      { lineId: 'x', sku: 'A', product: 'P1', quantity: 1 },
      { lineId: 'y', sku: 'A', product: 'P1', quantity: 1 },
    ]);
  });
});
