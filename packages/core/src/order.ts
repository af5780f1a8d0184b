// The canonical order: what every platform's order is normalized into, and what the ERP mapping reads.
import { z } from 'zod';
import { add, isMoney, sub, times, type Money } from './money';

export const PLATFORM_KINDS = ['shopee', 'cyberbiz', 'shopline', 'momo'] as const;
/** The kind of a platform (shopee, cyberbiz, ...); `Platform` in @oms/db is a platform app's credentials row. */
export type PlatformKind = (typeof PLATFORM_KINDS)[number];

/** One status model for all platforms, in the order an order moves through it. */
export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'ready_to_ship',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const moneySchema = z.string().refine(isMoney, { message: 'must be a decimal amount like "123.45"' });
const instant = z.string().datetime({ offset: false, message: 'must be a UTC instant like 2026-01-31T16:00:00.000Z' });
const text = z.string().trim();

export const orderLineSchema = z.object({
  /** The platform's own id for the line (order_item_id, line item id, completeOrderNo...). */
  lineId: text.min(1),
  /** Null when the platform sends none (add-ons on Shopline may lack it); such a line blocks in the ERP. */
  sku: text.min(1).nullable(),
  name: text,
  quantity: z.number().int().positive(),
  /** Price of one unit before line discounts. */
  unitPrice: moneySchema,
  /** Discount on the whole line (not per unit), >= 0. */
  discount: moneySchema,
});

export const addressSchema = z.object({
  /** Masked values ("****") are kept as they come: that is all the platform tells. */
  name: text.nullable(),
  phone: text.nullable(),
  address1: text.nullable(),
  address2: text.nullable(),
  district: text.nullable(),
  city: text.nullable(),
  state: text.nullable(),
  postalCode: text.nullable(),
  country: text.nullable(),
});

export const canonicalOrderSchema = z.object({
  platform: z.enum(PLATFORM_KINDS),
  externalId: text.min(1),
  externalNumber: text.min(1),
  status: z.enum(ORDER_STATUSES),
  /** The platform's own status words, for the operator. */
  platformStatus: text,
  createdAt: instant,
  updatedAt: instant,
  paidAt: instant.nullable(),
  currency: z.string().length(3),
  buyer: z.object({
    /** Stable platform buyer id, the key for one ERP customer per buyer. */
    id: text.nullable(),
    name: text.nullable(),
    email: text.nullable(),
    phone: text.nullable(),
  }),
  recipient: addressSchema.nullable(),
  lines: z.array(orderLineSchema).min(1, { message: 'an order needs at least one line' }),
  shippingFee: moneySchema,
  /** Order-level discounts (coupons, vouchers, points), >= 0, subtracted from the total. */
  orderDiscount: moneySchema,
  /** What the buyer pays according to the platform. */
  total: moneySchema,
  paymentMethod: text.nullable(),
  cod: z.boolean(),
  note: text.nullable(),
});

export type OrderLine = z.output<typeof orderLineSchema>;
export type Address = z.output<typeof addressSchema>;
export type CanonicalOrder = z.output<typeof canonicalOrderSchema>;

/** A platform payload that cannot become a canonical order; names the field. */
export class InvalidOrderError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly externalId?: string,
    /**
     * The status the platform reports, when the adapter could still read it: a cancelled or returned order
     * that never reached the ERP needs no ERP order, so its missing data blocks nothing.
     */
    readonly status?: OrderStatus,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidOrderError';
  }
}

/** Validates a normalized order; throws InvalidOrderError naming the first bad field. */
export function parseCanonicalOrder(value: unknown, externalId?: string): CanonicalOrder {
  const result = canonicalOrderSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidOrderError(issue.path.join('.') || 'order', issue.message, externalId);
}

export function lineTotal(line: OrderLine): Money {
  return sub(times(line.unitPrice, line.quantity), line.discount);
}

/** Sum of lines + shipping - order discount: what the ERP order will total. */
export function computedTotal(order: CanonicalOrder): Money {
  return sub(add(...order.lines.map(lineTotal), order.shippingFee), order.orderDiscount);
}

const AFTER_PAYMENT: OrderStatus[] = ['paid', 'ready_to_ship', 'shipped', 'delivered', 'completed'];
const COD_READY: OrderStatus[] = ['ready_to_ship', 'shipped', 'delivered', 'completed'];

/**
 * Whether an order should exist in the ERP. Default: once paid, or once ready to ship for COD.
 * A channel may name its own statuses instead.
 */
export function isErpEligible(
  order: Pick<CanonicalOrder, 'status' | 'cod'>,
  createOn: readonly OrderStatus[] = [],
): boolean {
  if (createOn.length) return createOn.includes(order.status);
  return order.cod ? COD_READY.includes(order.status) : AFTER_PAYMENT.includes(order.status);
}
