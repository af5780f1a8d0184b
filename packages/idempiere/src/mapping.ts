// Canonical order (@oms/core) -> C_Order with C_OrderLine children, from the channel's ERP mapping.
// Pure: products and the customer are resolved by the caller (the writer), so this is testable without I/O.
// Every problem that needs an operator is a MappingError naming what is wrong.
import { createHash } from 'node:crypto';
import { add, computedTotal, negate, sameCents, toUnits, fromUnits, type CanonicalOrder, type Money } from '@oms/core';
import type { Channel } from '@oms/db';

/** The channel columns the mapping reads. */
export type ChannelMapping = Pick<
  Channel,
  | 'id'
  | 'name'
  | 'erpOrgId'
  | 'erpWarehouseId'
  | 'erpDocTypeId'
  | 'erpPriceListId'
  | 'erpPaymentTermId'
  | 'erpDefaultCustomerId'
  | 'erpCustomerGroupId'
  | 'erpShippingChargeId'
  | 'erpDiscountChargeId'
  | 'customerMode'
  | 'skuMatch'
  | 'allowCreateProducts'
  | 'erpCreateOn'
  | 'completeInErp'
>;

export interface MappingSettings {
  /** IDEMPIERE_POREFERENCE_LENGTH */
  poReferenceLength: number;
  /** Time zone of the ERP's dates (DateOrdered is a date, not an instant). */
  timeZone: string;
  /** Login organization and warehouse, used when the channel leaves them empty. */
  defaultOrgId: number;
  defaultWarehouseId: number;
}

/** A problem only a person can fix (mapping, data); the order is blocked with this message. */
export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

export class UnknownSkuError extends MappingError {
  constructor(
    readonly skus: string[],
    column: string,
  ) {
    super(
      `unknown SKU ${skus.map((s) => `"${s}"`).join(', ')}: no M_Product with ${column} = that SKU and no oms_sku_mapping row for this channel`,
    );
    this.name = 'UnknownSkuError';
  }
}

/** M_Product column the channel matches SKUs on. */
export function skuColumn(rule: ChannelMapping['skuMatch']): 'Value' | 'UPC' | 'SKU' {
  return rule === 'upc' ? 'UPC' : rule === 'sku' ? 'SKU' : 'Value';
}

function shortHash(input: string, length: number): string {
  const n = BigInt(`0x${createHash('sha256').update(input).digest('hex').slice(0, 24)}`);
  return n.toString(36).toUpperCase().padStart(length, '0').slice(0, length);
}

/**
 * Characters a POReference may carry as it is: it is looked up with `eq`/`in` literals, and the real filter parser
 * breaks on `'`, `,`, `(`, `)` and spaces (DefaultQueryConverter, docs/idempiere.md, Reading models).
 */
const SAFE_REFERENCE = /^[A-Za-z0-9#\-_.]+$/;

/**
 * POReference: the platform's order number when it fits the column (20 in core) and the safe alphabet; otherwise
 * its safe characters plus a deterministic hash of the channel and order id, so that it stays unique per channel,
 * recognisable, and found again by the idempotency lookup.
 */
export function poReference(
  channelId: string,
  order: Pick<CanonicalOrder, 'externalId' | 'externalNumber'>,
  length: number,
): string {
  const num = order.externalNumber.trim();
  if (num.length <= length && SAFE_REFERENCE.test(num)) return num;
  const hash = shortHash(`${channelId}:${order.externalId}`, Math.min(8, length));
  const keep = Math.max(0, length - hash.length - 1);
  const head = num.replace(/[^A-Za-z0-9#\-_.]/g, '').slice(0, keep);
  return head ? `${head}~${hash}` : hash;
}

/** The tag in C_Order.Description that says which channel wrote it (POReference is unique per channel only). */
export function channelTag(channelId: string): string {
  return `[oms:${channelId.slice(0, 8)}]`;
}

/** Stable key of a buyer on a channel, or null when the platform tells nothing stable. */
export function buyerKey(order: Pick<CanonicalOrder, 'buyer'>): string | null {
  const b = order.buyer;
  if (b.id) return `id:${b.id}`;
  if (b.email && !b.email.includes('*')) return `email:${b.email.toLowerCase()}`;
  const digits = b.phone?.replace(/\D/g, '');
  if (digits && digits.length >= 6 && !b.phone!.includes('*')) return `phone:${digits}`;
  return null;
}

/** C_BPartner.Value for a buyer: deterministic, so a crashed create is found again by Value. */
export function customerValue(channelId: string, key: string): string {
  return `OMS-${shortHash(`${channelId}|${key}`, 14)}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function isoDate(instant: string, timeZone: string): string {
  // en-CA formats as yyyy-mm-dd. Formatters are costly to build: one per time zone.
  let fmt = dateFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, fmt);
  }
  return fmt.format(new Date(instant));
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function recipientText(order: Pick<CanonicalOrder, 'recipient'>): string | null {
  const r = order.recipient;
  if (!r) return null;
  const addr = [r.address1, r.address2, r.district, r.city, r.state, r.postalCode, r.country].filter(Boolean).join(' ');
  const parts = [r.name, r.phone, addr].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** New C_BPartner with its location and contact, created in the same request as the order. */
/**
 * The C_BPartner of a new buyer, with a location from the recipient address and a contact. `locationUU` is a
 * client-made C_BPartner_Location_UU: the plugin keeps it on insert, so an order in the same batch references the
 * location as `{"uid": …}` (LookupTypeConverter resolves it in the batch's transaction) and core does not overwrite
 * the channel's price list and rules with the partner's (docs/idempiere.md, "Order import: columns and core
 * behaviour").
 */
export function customerBody(
  channel: ChannelMapping,
  order: CanonicalOrder,
  value: string,
  locationUU?: string,
): Record<string, unknown> {
  const r = order.recipient;
  const name = clip(order.buyer.name ?? r?.name ?? order.buyer.email ?? `Buyer ${order.buyer.id ?? value}`, 60);
  const location: Record<string, unknown> = { id: 0 };
  if (r?.address1) location.Address1 = clip(r.address1, 60);
  if (r?.address2) location.Address2 = clip(r.address2, 60);
  if (r?.district) location.Address3 = clip(r.district, 60);
  if (r?.city) location.City = clip(r.city, 60);
  if (r?.postalCode) location.Postal = clip(r.postalCode, 10);
  if (r?.state) location.RegionName = clip(r.state, 40);
  if (r?.country && /^[A-Za-z]{2}$/.test(r.country))
    location.C_Country_ID = { lookupColumn: 'CountryCode', lookupValue: r.country.toUpperCase() };
  const body: Record<string, unknown> = {
    Value: value,
    Name: name,
    IsCustomer: true,
    C_BPartner_Location: [
      {
        Name: clip(r?.city ?? r?.address1 ?? 'Ship to', 60),
        ...(locationUU ? { C_BPartner_Location_UU: locationUU } : {}),
        IsShipTo: true,
        IsBillTo: true,
        ...(r?.phone ? { Phone: clip(r.phone, 40) } : {}),
        C_Location_ID: location,
      },
    ],
  };
  if (channel.erpCustomerGroupId) body.C_BP_Group_ID = channel.erpCustomerGroupId;
  const contact: Record<string, unknown> = { Name: name };
  if (order.buyer.email) contact.EMail = clip(order.buyer.email, 60);
  if (order.buyer.phone ?? r?.phone) contact.Phone = clip((order.buyer.phone ?? r?.phone)!, 40);
  body.AD_User = [contact];
  return body;
}

/** A known M_Product_ID, or a product created earlier in the same batch request (referenced by its Value). */
export type ProductRef = number | { value: string };

function productInput(ref: ProductRef): unknown {
  return typeof ref === 'number' ? ref : { lookupColumn: 'Value', lookupValue: ref.value };
}

/** Settings for products the writer creates when a channel allows it (allowCreateProducts). */
export interface NewProductSettings {
  uomId: number;
  categoryId: number;
  taxCategoryId: number;
}

/** New M_Product for an unknown SKU; Value = the SKU, and the channel's match column too. */
export function productBody(
  channel: ChannelMapping,
  sku: string,
  name: string,
  s: NewProductSettings,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Value: sku,
    Name: clip(name || sku, 255),
    Description: 'Created by the OMS for a platform SKU',
    C_UOM_ID: s.uomId,
    M_Product_Category_ID: s.categoryId,
    C_TaxCategory_ID: s.taxCategoryId,
    ProductType: 'I',
    IsSold: true,
    IsStocked: true,
  };
  if (channel.skuMatch === 'sku') body.SKU = clip(sku, 30);
  if (channel.skuMatch === 'upc') body.UPC = clip(sku, 30);
  return body;
}

/** Who the order is for: a known C_BPartner id, or one created in the same batch (referenced by Value). */
export type CustomerRef = { bpartnerId: number; locationId?: number | null } | { value: string };

export interface MappedOrder {
  body: Record<string, unknown>;
  poReference: string;
  /** Sum of the C_OrderLine amounts: equals the platform's total to the cent. */
  total: Money;
  /** Hash of what the ERP order holds; a changed fingerprint means the ERP order must be updated. */
  fingerprint: string;
}

interface LineAmount {
  qty: number;
  price: Money;
}

/**
 * Splits qty x unitPrice - discount into at most two (qty, price) groups whose prices are whole cents and whose
 * sum is exact: iDempiere rounds each line to the cent, so a net price like 96.6667 would drift.
 */
export function lineAmounts(qty: number, unitPrice: Money, discount: Money): LineAmount[] {
  const net = toUnits(unitPrice) * BigInt(qty) - toUnits(discount);
  if (net < 0n) throw new MappingError(`line discount ${discount} exceeds ${qty} x ${unitPrice}`);
  if (net % 100n !== 0n) throw new MappingError(`line amount ${fromUnits(net)} is not in whole cents`);
  const cents = net / 100n;
  const q = BigInt(qty);
  const base = cents / q;
  const rest = cents - base * q; // 0 <= rest < qty units get one cent more
  const price = (c: bigint) => fromUnits(c * 100n);
  if (rest === 0n) return [{ qty, price: price(base) }];
  return [
    { qty: Number(q - rest), price: price(base) },
    { qty: Number(rest), price: price(base + 1n) },
  ];
}

function amount(m: Money): number {
  return Number(m);
}

/**
 * Builds the C_Order body. `products` maps every line's SKU to its M_Product_ID (the writer resolved them);
 * a missing one throws UnknownSkuError naming all of them.
 */
export function mapOrder(
  channel: ChannelMapping,
  order: CanonicalOrder,
  customer: CustomerRef,
  products: ReadonlyMap<string, ProductRef>,
  settings: MappingSettings,
): MappedOrder {
  const noSku = order.lines.filter((l) => !l.sku);
  if (noSku.length)
    throw new MappingError(
      `line ${noSku.map((l) => `"${l.name || l.lineId}"`).join(', ')} has no SKU: the product cannot be matched`,
    );
  const unknown = [...new Set(order.lines.map((l) => l.sku!).filter((sku) => !products.has(sku)))];
  if (unknown.length) throw new UnknownSkuError(unknown, skuColumn(channel.skuMatch));

  const lines: Record<string, unknown>[] = [];
  const amounts: Money[] = [];
  for (const l of order.lines) {
    for (const part of lineAmounts(l.quantity, l.unitPrice, l.discount)) {
      lines.push({
        M_Product_ID: productInput(products.get(l.sku!)!),
        QtyEntered: part.qty,
        QtyOrdered: part.qty,
        // The REST API runs no callouts: entered and actual price must both be set.
        PriceEntered: amount(part.price),
        PriceActual: amount(part.price),
        PriceList: amount(l.unitPrice),
        Description: clip(`${l.sku} ${l.name}`, 255),
      });
      amounts.push(fromUnits(toUnits(part.price) * BigInt(part.qty)));
    }
  }
  if (toUnits(order.shippingFee) !== 0n) {
    if (!channel.erpShippingChargeId)
      throw new MappingError(
        `shipping fee ${order.shippingFee} but the channel has no ERP shipping charge (erpShippingChargeId)`,
      );
    lines.push({
      C_Charge_ID: channel.erpShippingChargeId,
      QtyEntered: 1,
      QtyOrdered: 1,
      PriceEntered: amount(order.shippingFee),
      PriceActual: amount(order.shippingFee),
      Description: 'Shipping fee',
    });
    amounts.push(order.shippingFee);
  }
  if (toUnits(order.orderDiscount) !== 0n) {
    if (!channel.erpDiscountChargeId)
      throw new MappingError(
        `order discount ${order.orderDiscount} but the channel has no ERP discount charge (erpDiscountChargeId)`,
      );
    const d = negate(order.orderDiscount);
    lines.push({
      C_Charge_ID: channel.erpDiscountChargeId,
      QtyEntered: 1,
      QtyOrdered: 1,
      PriceEntered: amount(d),
      PriceActual: amount(d),
      Description: 'Order discount',
    });
    amounts.push(d);
  }
  const total = add(...amounts);
  const expected = computedTotal(order);
  if (!sameCents(total, expected))
    throw new MappingError(`internal: ERP lines total ${total} but the order computes to ${expected}`);
  if (!sameCents(total, order.total)) {
    throw new MappingError(
      `the platform total ${order.total} differs from lines + shipping - discounts = ${total}; the order would not match in the ERP`,
    );
  }

  const ref = poReference(channel.id, order, settings.poReferenceLength);
  const recipient = recipientText(order);
  const description = clip(
    [
      `${order.platform} order ${order.externalNumber} ${channelTag(channel.id)}`,
      recipient ? `Ship to: ${recipient}` : null,
      order.note ? `Note: ${order.note}` : null,
    ]
      .filter(Boolean)
      .join(' | '),
    255,
  );
  const date = isoDate(order.createdAt, settings.timeZone);
  const body: Record<string, unknown> = {
    AD_Org_ID: channel.erpOrgId ?? settings.defaultOrgId,
    IsSOTrx: true,
    M_Warehouse_ID: channel.erpWarehouseId ?? settings.defaultWarehouseId,
    POReference: ref,
    Description: description,
    DateOrdered: date,
    DatePromised: date,
    // COD is paid in cash on delivery; everything else was prepaid on the platform.
    PaymentRule: order.cod ? 'B' : 'K',
  };
  if (channel.erpDocTypeId) body.C_DocTypeTarget_ID = channel.erpDocTypeId;
  if (channel.erpPriceListId) body.M_PriceList_ID = channel.erpPriceListId;
  if (channel.erpPaymentTermId) body.C_PaymentTerm_ID = channel.erpPaymentTermId;
  body.C_OrderLine = lines;
  // The customer is left out: how it is referenced changes (Value now, id once cached), the order does not.
  const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
  if ('bpartnerId' in customer) {
    body.C_BPartner_ID = customer.bpartnerId;
    if (customer.locationId) body.C_BPartner_Location_ID = customer.locationId;
  } else {
    // Created earlier in the same batch: its id is not known yet, its Value is.
    body.C_BPartner_ID = { lookupColumn: 'Value', lookupValue: customer.value };
  }
  if (channel.completeInErp) body['doc-action'] = 'CO';
  return { body, poReference: ref, total, fingerprint };
}
