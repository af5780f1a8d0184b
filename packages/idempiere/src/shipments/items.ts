// What an iDempiere shipment (M_InOut) carries, in the platform order's terms, so that split packages and part
// shipments reach the platform as such (docs/idempiere.md, Shipments). The OMS writes one C_Order line per
// platform line (two when the price needs splitting), both with the product the line's SKU resolved to; so an
// M_InOutLine is matched back to the platform line through its product: the product's SKU by the channel's
// matching column (Value, UPC or SKU), or an oms_sku_mapping row that points a platform SKU at it. Lines without
// a product (charges such as freight) are not goods: skipped.
import type { Db } from '@oms/db';
import type { IdempiereClient } from '../client';
import type { IdRecord } from '../model';
import { fkId } from '../model';
import { f } from '../filter';
import { skuColumn } from '../mapping';

/** One shipped line as stored on oms_shipment.items (the platform adapter's ShipmentItem). */
export interface ShipmentItem {
  /** The canonical order's lineId; null when the product is on no line of the platform order. */
  lineId: string | null;
  sku: string | null;
  /** The iDempiere product's Value, to name it in a reason. */
  product: string;
  quantity: number;
}

export interface OrderLineRef {
  lineId: string;
  sku: string | null;
  quantity: number;
}

export interface InOutLine {
  productId: number;
  quantity: number;
}

/**
 * Matches the shipment's lines to the order's lines. A product matches the lines whose SKU is one of its SKUs;
 * when several lines share a product, the quantity fills them in order (a line takes at most its own
 * quantity, the excess goes to the last one). The result has one entry per (line, quantity).
 */
export function matchShipmentItems(
  orderLines: OrderLineRef[],
  shipped: InOutLine[],
  skusOf: (productId: number) => Set<string>,
  productName: (productId: number) => string,
): ShipmentItem[] {
  // Quantities per product first: a line split into two C_OrderLines ships as two M_InOutLines.
  const perProduct = new Map<number, number>();
  for (const l of shipped)
    if (l.quantity > 0) perProduct.set(l.productId, (perProduct.get(l.productId) ?? 0) + l.quantity);
  const out: ShipmentItem[] = [];
  const left = new Map(orderLines.map((l) => [l.lineId, l.quantity]));
  for (const [productId, qty] of perProduct) {
    const skus = skusOf(productId);
    const lines = orderLines.filter((l) => l.sku !== null && skus.has(l.sku));
    if (lines.length === 0) {
      out.push({ lineId: null, sku: null, product: productName(productId), quantity: qty });
      continue;
    }
    let rest = qty;
    for (const [i, l] of lines.entries()) {
      const take = i === lines.length - 1 ? rest : Math.min(rest, left.get(l.lineId) ?? 0);
      if (take <= 0) continue;
      left.set(l.lineId, (left.get(l.lineId) ?? 0) - take);
      out.push({ lineId: l.lineId, sku: l.sku, product: productName(productId), quantity: take });
      rest -= take;
      if (rest <= 0) break;
    }
  }
  return out;
}

export interface ItemsOrder {
  channelId: string;
  skuMatch: 'value' | 'upc' | 'sku';
  /** oms_order.normalized: the canonical order. */
  normalized: unknown;
}

/** The order's lines from its canonical form (null when it has none stored). */
function orderLines(normalized: unknown): OrderLineRef[] {
  const lines =
    normalized && typeof normalized === 'object' && Array.isArray((normalized as { lines?: unknown }).lines)
      ? (normalized as { lines: unknown[] }).lines
      : [];
  return lines
    .filter((l): l is Record<string, unknown> => !!l && typeof l === 'object')
    .map((l) => ({
      lineId: String(l.lineId),
      sku: typeof l.sku === 'string' ? l.sku : null,
      quantity: typeof l.quantity === 'number' ? l.quantity : Number(l.quantity ?? 0),
    }));
}

/**
 * Reads the lines of several M_InOut and their products (two requests, paged) and matches each shipment to
 * its order's lines. Returns M_InOut_ID -> items.
 */
export async function readShipmentItems(
  db: Db,
  client: IdempiereClient,
  inOuts: { inOutId: number; order: ItemsOrder }[],
): Promise<Map<number, ShipmentItem[]>> {
  const result = new Map<number, ShipmentItem[]>();
  if (inOuts.length === 0) return result;
  const lines = await client.getAll<IdRecord>('M_InOutLine', {
    filter: f.in(
      'M_InOut_ID',
      inOuts.map((i) => i.inOutId),
    ),
    select: ['M_InOut_ID', 'M_Product_ID', 'MovementQty'],
    orderby: 'M_InOutLine_ID',
  });
  const byInOut = new Map<number, InOutLine[]>();
  for (const l of lines) {
    const inOutId = fkId(l.M_InOut_ID);
    const productId = fkId(l.M_Product_ID);
    if (!inOutId || !productId) continue;
    const list = byInOut.get(inOutId) ?? [];
    list.push({ productId, quantity: Number(l.MovementQty ?? 0) });
    byInOut.set(inOutId, list);
  }
  const productIds = [...new Set([...byInOut.values()].flat().map((l) => l.productId))];
  const products = new Map<number, IdRecord>();
  for (let i = 0; i < productIds.length; i += 50) {
    for (const p of await client.getAll<IdRecord>('M_Product', {
      filter: f.in('M_Product_ID', productIds.slice(i, i + 50)),
      select: ['Value', 'UPC', 'SKU'],
    }))
      products.set(p.id, p);
  }
  const channelIds = [...new Set(inOuts.map((i) => i.order.channelId))];
  const overrides = productIds.length
    ? await db.skuMapping.findMany({
        where: { channelId: { in: channelIds }, erpProductId: { in: productIds } },
        select: { channelId: true, platformSku: true, erpProductId: true },
      })
    : [];
  for (const { inOutId, order } of inOuts) {
    const col = skuColumn(order.skuMatch);
    const skusOf = (productId: number) => {
      const set = new Set(
        overrides
          .filter((o) => o.channelId === order.channelId && o.erpProductId === productId)
          .map((o) => o.platformSku),
      );
      const v = products.get(productId)?.[col];
      if (typeof v === 'string' && v) set.add(v);
      return set;
    };
    const name = (productId: number) => {
      const v = products.get(productId)?.Value;
      return typeof v === 'string' && v ? v : `M_Product_ID ${productId}`;
    };
    result.set(inOutId, matchShipmentItems(orderLines(order.normalized), byInOut.get(inOutId) ?? [], skusOf, name));
  }
  return result;
}
