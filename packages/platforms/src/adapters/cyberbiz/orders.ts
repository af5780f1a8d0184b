// Listing and fetching Cyberbiz orders (docs/platforms.md#cyberbiz-listing-orders-windows-and-paging): bare-array
// pages with X-* headers, per_page at most 50, Taipei local times without a zone in the query.
import type { ChannelAccess, FetchedOrder, OrderPage, TimeWindow } from '../../adapter';
import { jsonBody } from '../../http';
import { isObj } from '../../normalize-util';
import { toTaipeiLocal } from '../../time';
import { cyberbizGet, P, type CyberbizClient } from './client';

const PER_PAGE = 50;
// No documented maximum; a week keeps each committed window (and the work redone after a failure) small.
export const CYBERBIZ_MAX_WINDOW_MS = 7 * 86_400_000;

export async function* listCyberbizOrders(
  client: CyberbizClient,
  store: ChannelAccess,
  window: TimeWindow,
): AsyncIterable<OrderPage> {
  const [fromKey, toKey] =
    window.field === 'created' ? ['start_time', 'end_time'] : ['updated_at_start_time', 'updated_at_end_time'];
  for (let page = 1; ; page++) {
    // Built by hand so the v1 signature covers exactly the query string sent.
    const q = `${fromKey}=${encodeURIComponent(toTaipeiLocal(window.from))}&${toKey}=${encodeURIComponent(toTaipeiLocal(window.to))}&page=${page}&per_page=${PER_PAGE}&offset=0`;
    const res = await cyberbizGet(client, store, `/v1/orders?${q}`);
    const body = res.status === 404 ? [] : jsonBody(res, P);
    // "Not found" is sometimes 200 null or 206 [].
    const list = Array.isArray(body) ? body : [];
    yield { orders: list.filter(isObj).map((o) => ({ externalId: String(o.id), raw: o })) };
    if (list.length === 0) break;
    // v2 says how many pages there are; v1 may not: then a short page is the last one.
    const header = res.headers['x-total-pages'];
    const totalPages = header !== undefined && header !== '' ? Number(header) : Number.NaN;
    if (Number.isFinite(totalPages) ? page >= totalPages : list.length < PER_PAGE) break;
  }
}

export async function fetchCyberbizOrder(
  client: CyberbizClient,
  store: ChannelAccess,
  externalId: string,
): Promise<FetchedOrder | null> {
  const res = await cyberbizGet(client, store, `/v1/orders/${encodeURIComponent(externalId)}`);
  if (res.status === 404) return null;
  const body = jsonBody(res, P);
  return isObj(body) ? { externalId: String(body.id), raw: body } : null;
}
