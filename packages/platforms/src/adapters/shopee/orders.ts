// Listing and fetching Shopee orders (docs/platforms.md#shopee-listing-orders-windows-and-paging): a window in
// 15-day steps, cursor paging, then the details 50 at a time with exactly the optional fields the OMS reads.
import type { AxiosInstance } from 'axios';
import type { ChannelAccess, FetchedOrder, OrderPage, TimeWindow } from '../../adapter';
import { PermanentError } from '../../errors';
import { isObj, type Obj } from '../../normalize-util';
import { DAY, shopeeCall } from './client';

export const SHOPEE_MAX_WINDOW_MS = 15 * DAY;
const DETAIL_BATCH = 50;
const PAGE_SIZE = 100;
export const SHOPEE_DETAIL_FIELDS = [
  'buyer_user_id',
  'buyer_username',
  'estimated_shipping_fee',
  'recipient_address',
  'actual_shipping_fee',
  'note',
  'item_list',
  'pay_time',
  'cancel_by',
  'cancel_reason',
  'buyer_cancel_reason',
  'package_list',
  'shipping_carrier',
  'payment_method',
  'total_amount',
].join(',');

export async function* listShopeeOrders(
  http: AxiosInstance,
  store: ChannelAccess,
  window: TimeWindow,
): AsyncIterable<OrderPage> {
  for (let from = window.from.getTime(); from < window.to.getTime(); from += SHOPEE_MAX_WINDOW_MS) {
    const to = Math.min(from + SHOPEE_MAX_WINDOW_MS, window.to.getTime());
    let cursor = '';
    for (;;) {
      const env = await shopeeCall(http, store, 'GET', '/api/v2/order/get_order_list', 'shop', {
        time_range_field: window.field === 'created' ? 'create_time' : 'update_time',
        time_from: String(Math.floor(from / 1000)),
        time_to: String(Math.floor(to / 1000)),
        page_size: String(PAGE_SIZE),
        cursor,
        response_optional_fields: 'order_status',
      });
      const r = isObj(env.response) ? env.response : {};
      const sns = (Array.isArray(r.order_list) ? r.order_list : []).map((o) => String((o as Obj).order_sn));
      const orders: FetchedOrder[] = [];
      for (let i = 0; i < sns.length; i += DETAIL_BATCH)
        orders.push(...(await details(http, store, sns.slice(i, i + DETAIL_BATCH))));
      yield { orders };
      const next = typeof r.next_cursor === 'string' ? r.next_cursor : '';
      if (!r.more || !next || next === cursor) break;
      cursor = next;
    }
  }
}

async function details(http: AxiosInstance, store: ChannelAccess, sns: string[]): Promise<FetchedOrder[]> {
  if (sns.length === 0) return [];
  const env = await shopeeCall(http, store, 'GET', '/api/v2/order/get_order_detail', 'shop', {
    order_sn_list: sns.join(','),
    response_optional_fields: SHOPEE_DETAIL_FIELDS,
  });
  const list = isObj(env.response) && Array.isArray(env.response.order_list) ? env.response.order_list : [];
  return list.filter(isObj).map((o) => ({ externalId: String(o.order_sn), raw: o }));
}

export async function fetchShopeeOrder(
  http: AxiosInstance,
  store: ChannelAccess,
  externalId: string,
): Promise<FetchedOrder | null> {
  try {
    return (await details(http, store, [externalId]))[0] ?? null;
  } catch (err) {
    if (err instanceof PermanentError && err.details.code === 'error_not_found') return null;
    throw err;
  }
}
