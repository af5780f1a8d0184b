// Listing and fetching SHOPLINE orders (docs/platforms.md#shopline-listing-orders-windows-and-paging): UTC times,
// {items, pagination} pages of 50; 410 for an archived order.
import type { ChannelAccess, FetchedOrder, OrderPage, TimeWindow } from '../../adapter';
import { jsonBody } from '../../http';
import { isObj, obj } from '../../normalize-util';
import { toUtcLocal } from '../../time';
import { P, shoplineRequest, type ShoplineClient } from './client';

const PER_PAGE = 50;
// No documented maximum; a week keeps each committed window (and the work redone after a failure) small.
export const SHOPLINE_MAX_WINDOW_MS = 7 * 86_400_000;

export async function* listShoplineOrders(
  client: ShoplineClient,
  store: ChannelAccess,
  window: TimeWindow,
): AsyncIterable<OrderPage> {
  const [after, before] =
    window.field === 'created' ? ['created_after', 'created_before'] : ['updated_after', 'updated_before'];
  for (let page = 1; ; page++) {
    const res = await shoplineRequest(client, store, 'GET', '/v1/orders', undefined, {
      [after]: toUtcLocal(window.from),
      [before]: toUtcLocal(window.to),
      per_page: String(PER_PAGE),
      page: String(page),
    });
    const body = obj(jsonBody(res, P), 'shopline order list');
    const items = Array.isArray(body.items) ? body.items.filter(isObj) : [];
    yield { orders: items.map((o) => ({ externalId: String(o.id), raw: o })) };
    const pg = isObj(body.pagination) ? body.pagination : {};
    const totalPages = Number(pg.total_pages);
    if (items.length === 0 || (Number.isFinite(totalPages) ? page >= totalPages : items.length < PER_PAGE)) break;
  }
}

export async function fetchShoplineOrder(
  client: ShoplineClient,
  store: ChannelAccess,
  externalId: string,
): Promise<FetchedOrder | null> {
  const res = await shoplineRequest(client, store, 'GET', `/v1/orders/${encodeURIComponent(externalId)}`);
  // 410: archived; the listing still carries it, a single fetch cannot.
  if (res.status === 404 || res.status === 410) return null;
  const body = obj(jsonBody(res, P), 'shopline order');
  return { externalId: String(body.id), raw: body };
}
