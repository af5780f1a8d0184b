// Listing and fetching momo orders (docs/platforms.md#momo-listing-orders-windows-and-paging): the queries filter on
// the transfer time (轉單日) with split date/hour/minute fields in Taipei time, at most two months, no paging; vendor
// delivery has four stages, each with its own query (see listMomoOrders).
import type { AxiosInstance } from 'axios';
import type { ChannelAccess, FetchedOrder, OrderPage, TimeWindow } from '../../adapter';
import { type Obj } from '../../normalize-util';
import { toMomoParts } from '../../time';
import { momoRows } from './client';
import { byRowNo, MOMO_STAGES, type MomoRaw, type MomoStage } from './normalize';

// "At most two months": 59 days stays inside any two calendar months.
export const MOMO_MAX_WINDOW_MS = 59 * 86_400_000;

/** "20140918203512-001-001-001": the order number is the part before the first "-". */
export function momoOrderNo(completeOrderNo: string): string {
  return completeOrderNo.split('-')[0] ?? completeOrderNo;
}

/** Rows of the transfer-time (轉單日) queries for one window of at most two months, by stage. */
async function stageRows(
  http: AxiosInstance,
  store: ChannelAccess,
  from: Date,
  to: Date,
  orderNo = '',
): Promise<Partial<Record<MomoStage, Obj[]>>> {
  const f = toMomoParts(from);
  const t = toMomoParts(to);
  const company = {
    company_fr_dd: f.date,
    company_fr_hh: f.hour,
    company_fr_mm: f.minute,
    company_to_dd: t.date,
    company_to_hh: t.hour,
    company_to_mm: t.minute,
  };
  const unsend = await momoRows(http, store, 'unsendCompanyQuery', {
    ...company,
    company_receiver: '',
    company_goodsCode: '',
    company_orderNo: orderNo,
    company_entpGoodsNo: '',
    company_orderGb: '',
  });
  const sending: Obj[] = [];
  // Status 1 已印單 (label printed) and 2 配送中 (on its way) are listed separately.
  for (const status of ['1', '2']) {
    sending.push(
      ...(await momoRows(http, store, 'sendingCompanyQuery', {
        fromDate: f.date,
        fromHour: f.hour,
        fromMinute: f.minute,
        toDate: t.date,
        toHour: t.hour,
        toMinute: t.minute,
        receiver: '',
        orderNo,
        status,
      })),
    );
  }
  const recover = await momoRows(http, store, 'recoverCompanyQuery', { ...company, company_claimGb: '' });
  return { unsend, sending, recover };
}

/** stopSendingQuery (intercepts: cancelled after the hand-over) has no window: it lists every open intercept. */
function stopRows(http: AxiosInstance, store: ChannelAccess, orderNo = ''): Promise<Obj[]> {
  return momoRows(http, store, 'stopSendingQuery', { receiver: '', goodsCode: '', orderNo, entp_goods_no: '' });
}

/**
 * Rows grouped into orders (the order number is the part of completeOrderNo before the seqs). An order in
 * two stages takes the later one; its unsend rows (the only ones with prices) ride along as details.
 */
function group(byStage: Partial<Record<MomoStage, Obj[]>>): FetchedOrder[] {
  const orders = new Map<string, Partial<Record<MomoStage, Obj[]>>>();
  for (const stage of MOMO_STAGES) {
    for (const r of byStage[stage] ?? []) {
      const no = momoOrderNo(String(r.completeOrderNo ?? ''));
      if (!no) continue;
      const o = orders.get(no) ?? {};
      (o[stage] ??= []).push(r);
      orders.set(no, o);
    }
  }
  return [...orders.entries()].map(([orderNo, o]) => {
    const stage = [...MOMO_STAGES].reverse().find((s) => o[s])!;
    const raw: MomoRaw = { orderNo, stage, rows: byRowNo(o[stage]!) };
    if (stage !== 'unsend' && o.unsend) raw.details = byRowNo(o.unsend);
    return { externalId: orderNo, raw };
  });
}

/**
 * Every vendor-delivery stage (unsend, sending, stop, recover). "created" windows walk transfer time in
 * two-month steps. No query filters on change time, so "updated" windows re-read the last two months of
 * transfers, where orders still move. The windowless intercept list comes with every listing: its orders
 * join the page where their other rows are, the rest come last.
 */
export async function* listMomoOrders(
  http: AxiosInstance,
  store: ChannelAccess,
  window: TimeWindow,
): AsyncIterable<OrderPage> {
  const stop = await stopRows(http, store);
  const stopNos = new Set(stop.map((r) => momoOrderNo(String(r.completeOrderNo ?? ''))));
  const from =
    window.field === 'updated'
      ? Math.min(window.from.getTime(), window.to.getTime() - MOMO_MAX_WINDOW_MS)
      : window.from.getTime();
  for (let start = from; start < window.to.getTime(); start += MOMO_MAX_WINDOW_MS) {
    const end = Math.min(start + MOMO_MAX_WINDOW_MS, window.to.getTime());
    const rows = await stageRows(http, store, new Date(start), new Date(end));
    const here = new Set(
      Object.values(rows)
        .flat()
        .map((r) => momoOrderNo(String(r.completeOrderNo ?? ''))),
    );
    const stopHere = stop.filter((r) => here.has(momoOrderNo(String(r.completeOrderNo ?? ''))));
    for (const no of here) stopNos.delete(no);
    yield { orders: group({ ...rows, stop: stopHere }) };
  }
  const rest = stop.filter((r) => stopNos.has(momoOrderNo(String(r.completeOrderNo ?? ''))));
  if (rest.length) yield { orders: group({ stop: rest }) };
}

export async function fetchMomoOrder(
  http: AxiosInstance,
  store: ChannelAccess,
  externalId: string,
): Promise<FetchedOrder | null> {
  const to = new Date();
  const rows = await stageRows(http, store, new Date(to.getTime() - MOMO_MAX_WINDOW_MS), to, externalId);
  // recoverCompanyQuery has no order-number filter: group() keeps every order, pick this one.
  return (
    group({ ...rows, stop: await stopRows(http, store, externalId) }).find((o) => o.externalId === externalId) ?? null
  );
}
