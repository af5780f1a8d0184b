// get_order_detail's rendering of an order: the always-present fields, and each optional field only when
// response_optional_fields names it (docs/platforms.md, "Shopee: order payload and status mapping").
import type { Order, OrderStatus } from '../../world/model.ts';

/** The order_status Shopee shows for each status of an order. */
export const SHOPEE_STATUS: Record<OrderStatus, string> = {
  unpaid: 'UNPAID',
  paid: 'READY_TO_SHIP',
  ready_to_ship: 'READY_TO_SHIP',
  processed: 'PROCESSED',
  shipped: 'SHIPPED',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  returned: 'TO_RETURN',
};

/** A package's logistics status, from its own arrangement and the order's life. */
function packageStatus(o: Order, arranged: boolean): string {
  if (o.status === 'cancelled') return 'LOGISTICS_REQUEST_CANCELED';
  if (o.shippedAt && o.status !== 'processed')
    return o.completedAt ? 'LOGISTICS_DELIVERY_DONE' : 'LOGISTICS_PICKUP_DONE';
  return arranged ? 'LOGISTICS_REQUEST_CREATED' : 'LOGISTICS_READY';
}

const s = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

export function renderDetail(o: Order, f: Set<string>): Record<string, unknown> {
  const status = SHOPEE_STATUS[o.status];
  const d: Record<string, unknown> = {
    order_sn: o.externalId,
    region: 'TW',
    currency: 'TWD',
    cod: o.cod,
    order_status: status,
    message_to_seller: o.note,
    create_time: s(o.createdAt),
    update_time: s(o.updatedAt),
    days_to_ship: 2,
    ship_by_date: s(o.createdAt + 2 * 86400_000),
    booking_sn: '',
  };
  const opt = (name: string, value: () => unknown) => {
    if (f.has(name)) d[name] = value();
  };
  opt('buyer_user_id', () => 300_000_000 + o.uid);
  opt('buyer_username', () => o.buyer.username);
  opt('estimated_shipping_fee', () => o.shippingFee);
  // TW integrated channels mask everything; non-integrated packages keep the address for the seller's carrier.
  opt('recipient_address', () =>
    o.delivery === 'non_integrated'
      ? {
          name: o.buyer.name,
          phone: o.buyer.phone,
          town: '',
          district: o.address.district,
          city: o.address.city,
          state: '',
          region: 'TW',
          zipcode: o.address.zip,
          full_address: o.address.full,
        }
      : {
          name: '****',
          phone: '****',
          town: '****',
          district: '****',
          city: '****',
          state: '****',
          region: 'TW',
          zipcode: '****',
          full_address: '****',
        },
  );
  opt('actual_shipping_fee', () => (o.shippedAt ? o.shippingFee : 0));
  opt('actual_shipping_fee_confirmed', () => o.status === 'completed');
  opt('goods_to_declare', () => false);
  opt('note', () => '');
  opt('note_update_time', () => 0);
  if (o.corrupt !== 'missing_items') {
    opt('item_list', () =>
      o.lines.map((l, i) => ({
        item_id: 800_000_000 + l.productId,
        item_name: l.name,
        item_sku: l.variation ? `P-${l.sku}` : l.sku,
        model_id: l.variation ? 900_000_000 + l.productId : 0,
        model_name: l.variation ? '標準' : '',
        model_sku: l.variation ? l.sku : '',
        model_quantity_purchased: l.qty,
        model_original_price: l.unitPrice,
        model_discounted_price:
          o.corrupt === 'bad_price' && i === 0 ? `${l.unitPrice}元` : l.unitPrice - l.discount / l.qty,
        wholesale: false,
        weight: 0.5,
        add_on_deal: false,
        main_item: false,
        add_on_deal_id: 0,
        promotion_type: l.discount ? 'discount' : '',
        promotion_id: 0,
        order_item_id: Number(l.id),
        promotion_group_id: 0,
        image_info: { image_url: `https://cf.shopee.tw/file/sandbox-${l.productId}` },
        product_location_id: [],
        is_prescription_item: false,
        is_b2c_owned_item: false,
      })),
    );
  }
  opt('pay_time', () => s(o.paidAt));
  opt('dropshipper', () => '');
  opt('dropshipper_phone', () => '');
  opt('split_up', () => o.packages !== null);
  opt('buyer_cancel_reason', () => '');
  opt('cancel_by', () => (o.status === 'cancelled' ? 'buyer' : ''));
  opt('cancel_reason', () => (o.status === 'cancelled' ? 'Change of mind' : ''));
  opt('fulfillment_flag', () => 'fulfilled_by_local_seller');
  opt('pickup_done_time', () =>
    o.status === 'shipped' || o.status === 'completed' || o.status === 'returned' ? s(o.shippedAt) : 0,
  );
  const packageOf = (packageNumber: string, lines: typeof o.lines, arranged: boolean) => ({
    package_number: packageNumber,
    logistics_status: packageStatus(o, arranged),
    logistics_channel_id: o.delivery === 'pickup' ? 30001 : o.delivery === 'dropoff' ? 30005 : 39999,
    shipping_carrier: o.carrier,
    allow_self_design_awb: false,
    item_list: lines.map((l) => ({
      item_id: 800_000_000 + l.productId,
      model_id: l.variation ? 900_000_000 + l.productId : 0,
      model_quantity: l.qty,
      order_item_id: Number(l.id),
      promotion_group_id: 0,
    })),
    group_shipment_id: 0,
  });
  opt('package_list', () =>
    o.packages
      ? o.packages.map((pk) =>
          packageOf(
            pk.packageNumber,
            o.lines.filter((l) => pk.lineIds.includes(l.id)),
            pk.arrangedAt !== null,
          ),
        )
      : [packageOf(o.packageNumber, o.lines, o.status === 'processed')],
  );
  opt('shipping_carrier', () => o.carrier);
  opt('payment_method', () => o.paymentMethod);
  // total_amount is present only after payment (COD orders owe it on delivery, so they carry it).
  if (o.paidAt !== null || o.cod) opt('total_amount', () => o.total);
  opt('invoice_data', () => null);
  opt('order_chargeable_weight_gram', () => 500 * o.lines.length);
  opt('return_request_due_date', () => (o.completedAt ? s(o.completedAt + 7 * 86400_000) : null));
  opt('edt', () => null);
  return d;
}
