// momo SCM supplier API (specs/platforms.md §4A): POST /OrderServlet.do {doAction, loginInfo, sendInfo}.
// No OAuth, no tokens: loginInfo on every call. Queries filter on the transfer time (轉單日) with split
// date/hour/minute fields in Taipei time, at most two months, no paging; the dataList of unsend, stop and
// recover queries is AES/ECB/PKCS5 encrypted. One row = one order line; rows are grouped into orders by
// order number. Vendor delivery has four stages, each with its own query: see listOrders.
import { createDecipheriv } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { add, InvalidOrderError, parseCanonicalOrder, times, type CanonicalOrder, type OrderStatus } from '@oms/core';
import type {
  FetchedOrder,
  OrderPage,
  PlatformAdapter,
  PushResult,
  ShipmentOfOrder,
  ShipmentPlan,
  ShipmentToPush,
  ChannelAccess,
  TimeWindow,
  TokenSet,
  WebhookEvent,
} from './adapter';
import { planByLines } from './shipment-plan';
import { NotSupportedError, PermanentError, ReauthorizeError, TransientError } from './errors';
import { classifyStatus, createHttp, jsonBody, send } from './http';
import { parseTaipeiLocal, toMomoParts } from './time';
import { amount, arr, isObj, obj, optStr, quantity, reqStr, type Obj } from './normalize-util';

const P = 'momo';
const LOGIN_ERRORS = /查無此供應商|密碼|OTP|帳號|login/i;

/**
 * AES-128 key = entpPwd right-padded with "0" to 16 characters. The FAQ is ambiguous between the master
 * account and the password; its example and a PHP client pad the password [INF].
 */
export function momoKey(entpPwd: string): Buffer {
  return Buffer.from(entpPwd.padEnd(16, '0').slice(0, 16), 'utf8');
}

export function momoDecrypt(entpPwd: string, b64: string): string {
  const d = createDecipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

/** "20140918203512-001-001-001": the order number is the part before the first "-". */
export function momoOrderNo(completeOrderNo: string): string {
  return completeOrderNo.split('-')[0] ?? completeOrderNo;
}

/** The vendor-delivery stages in the order an order moves through them; each has its own query. */
export const MOMO_STAGES = ['unsend', 'sending', 'stop', 'recover'] as const;
export type MomoStage = (typeof MOMO_STAGES)[number];

/** A fetched momo order: the rows of the stage it is in, and (later stages) the priced unsend rows. */
export interface MomoRaw {
  orderNo: string;
  stage: MomoStage;
  rows: Obj[];
  details?: Obj[];
}

/** unsend → paid, sending → shipped (delivered once sendingCompanyQuery says 已送達), stop → cancelled, recover → returned. */
export function momoStatus(stage: MomoStage, remark: string | null): OrderStatus {
  if (stage === 'sending') return remark === '已送達' ? 'delivered' : 'shipped';
  return ({ unsend: 'paid', stop: 'cancelled', recover: 'returned' } as const)[stage];
}

/** The camelCase name (unsend, stop, recover rows) or the snake_case one (sendingCompanyQuery rows). */
const pick = (r: Obj, camel: string, snake: string): unknown => r[camel] ?? r[snake];

/** Rows deduplicated by completeOrderNo (a later one wins) and sorted: the same rows give the same raw. */
function byRowNo(rows: Obj[]): Obj[] {
  const m = new Map(rows.map((r) => [String(r.completeOrderNo ?? ''), r]));
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}

/** The priced unsend rows a raw order carries: its details, or its rows while it is unsent. */
function detailRows(raw: Obj): Obj[] {
  const rows = (v: unknown) => (Array.isArray(v) ? v.filter(isObj) : []);
  return [...rows(raw.details), ...((raw.stage ?? 'unsend') === 'unsend' ? rows(raw.rows) : [])];
}

export class MomoAdapter implements PlatformAdapter {
  readonly kind = 'momo' as const;
  // Undocumented; momo allowlists IPs and answers slowly: be gentle [INF].
  readonly rateLimit = { max: 2, durationMs: 1_000 };
  // "At most two months": 59 days stays inside any two calendar months.
  readonly maxWindowMs = 59 * 86_400_000;
  private readonly http: AxiosInstance;

  constructor(opts: { timeoutMs?: number } = {}) {
    this.http = createHttp(opts.timeoutMs);
  }

  tokensExpire(): boolean {
    return false;
  }

  private login(store: ChannelAccess): Record<string, string> {
    const c = store.channel.credentials ?? {};
    for (const k of ['entpID', 'entpCode', 'entpPwd', 'otpBackNo']) {
      if (!c[k])
        throw new ReauthorizeError(
          `momo channel credentials lack ${k} (loginInfo needs entpID, entpCode, entpPwd, otpBackNo)`,
          { platform: P },
        );
    }
    return { entpID: c.entpID!, entpCode: c.entpCode!, entpPwd: c.entpPwd!, otpBackNo: c.otpBackNo! };
  }

  private async call(store: ChannelAccess, doAction: string, payload: Obj): Promise<Obj> {
    const res = await send(this.http, P, {
      method: 'POST',
      url: `${store.platform.apiHost.replace(/\/$/, '')}/OrderServlet.do`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      data: JSON.stringify({ doAction, loginInfo: this.login(store), ...payload }),
    });
    const text = typeof res.data === 'string' ? res.data.trim() : '';
    let parsed: unknown = null;
    if (text && text !== 'ERROR') {
      try {
        parsed = jsonBody(res, P);
      } catch (err) {
        if (res.status < 400) throw err;
      }
    }
    const msgs = isObj(parsed) && Array.isArray(parsed.basicCheckMsgList) ? parsed.basicCheckMsgList.map(String) : [];
    const common = classifyStatus(res, P, msgs.join('; ') || text.slice(0, 80) || `HTTP ${res.status}`);
    if (common) throw common;
    if (text === 'ERROR')
      throw new TransientError(`momo ${doAction} answered ERROR`, { platform: P, status: res.status });
    if (msgs.length) {
      const message = `momo ${doAction}: ${msgs.join('; ')}`;
      if (msgs.some((m) => LOGIN_ERRORS.test(m))) throw new ReauthorizeError(message, { platform: P });
      throw new PermanentError(message, { platform: P });
    }
    if (res.status >= 400 || !isObj(parsed))
      throw new PermanentError(`momo ${doAction} answered ${res.status}: ${text.slice(0, 120)}`, {
        platform: P,
        status: res.status,
      });
    return parsed;
  }

  /** A query's dataList as rows: a Base64 AES string (unsend, stop, recover) or a plain list (sending). */
  private async rows(store: ChannelAccess, doAction: string, sendInfo: Record<string, string>): Promise<Obj[]> {
    const list = (await this.call(store, doAction, { sendInfo })).dataList;
    let rows: unknown = list;
    if (typeof list === 'string') {
      if (list === '') return [];
      try {
        rows = JSON.parse(momoDecrypt(this.login(store).entpPwd!, list));
      } catch (err) {
        throw new PermanentError(
          `momo ${doAction} dataList could not be decrypted with the entpPwd key: ${(err as Error).message}`,
          { platform: P },
        );
      }
    }
    return Array.isArray(rows) ? rows.filter(isObj) : [];
  }

  /** Rows of the transfer-time (轉單日) queries for one window of at most two months, by stage. */
  private async stageRows(
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
    const unsend = await this.rows(store, 'unsendCompanyQuery', {
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
        ...(await this.rows(store, 'sendingCompanyQuery', {
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
    const recover = await this.rows(store, 'recoverCompanyQuery', { ...company, company_claimGb: '' });
    return { unsend, sending, recover };
  }

  /** stopSendingQuery (intercepts: cancelled after the hand-over) has no window: it lists every open intercept. */
  private stopRows(store: ChannelAccess, orderNo = ''): Promise<Obj[]> {
    return this.rows(store, 'stopSendingQuery', { receiver: '', goodsCode: '', orderNo, entp_goods_no: '' });
  }

  /**
   * Rows grouped into orders (the order number is the part of completeOrderNo before the seqs). An order in
   * two stages takes the later one; its unsend rows (the only ones with prices) ride along as details.
   */
  private group(byStage: Partial<Record<MomoStage, Obj[]>>): FetchedOrder[] {
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
  async *listOrders(store: ChannelAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    const stop = await this.stopRows(store);
    const stopNos = new Set(stop.map((r) => momoOrderNo(String(r.completeOrderNo ?? ''))));
    const from =
      window.field === 'updated'
        ? Math.min(window.from.getTime(), window.to.getTime() - this.maxWindowMs)
        : window.from.getTime();
    for (let start = from; start < window.to.getTime(); start += this.maxWindowMs) {
      const end = Math.min(start + this.maxWindowMs, window.to.getTime());
      const rows = await this.stageRows(store, new Date(start), new Date(end));
      const here = new Set(
        Object.values(rows)
          .flat()
          .map((r) => momoOrderNo(String(r.completeOrderNo ?? ''))),
      );
      const stopHere = stop.filter((r) => here.has(momoOrderNo(String(r.completeOrderNo ?? ''))));
      for (const no of here) stopNos.delete(no);
      yield { orders: this.group({ ...rows, stop: stopHere }) };
    }
    const rest = stop.filter((r) => stopNos.has(momoOrderNo(String(r.completeOrderNo ?? ''))));
    if (rest.length) yield { orders: this.group({ stop: rest }) };
  }

  async fetchOrder(store: ChannelAccess, externalId: string): Promise<FetchedOrder | null> {
    const to = new Date();
    const rows = await this.stageRows(store, new Date(to.getTime() - this.maxWindowMs), to, externalId);
    // recoverCompanyQuery has no order-number filter: group() keeps every order, pick this one.
    return (
      this.group({ ...rows, stop: await this.stopRows(store, externalId) }).find((o) => o.externalId === externalId) ??
      null
    );
  }

  /**
   * Only unsendCompanyQuery rows carry prices and the recipient: a later stage keeps the unsend rows seen
   * before as details (merged by completeOrderNo), so a shipped or cancelled order stays complete.
   */
  mergeRaw(previous: unknown, next: unknown): unknown {
    if (!isObj(previous) || !isObj(next) || !Array.isArray(next.rows)) return next;
    const details = byRowNo([...detailRows(previous), ...detailRows(next)]);
    const nextRaw = next as unknown as MomoRaw;
    if ((nextRaw.stage ?? 'unsend') === 'unsend' && details.length === nextRaw.rows.length) return next;
    return details.length ? { ...next, details } : next;
  }

  normalize(raw: unknown): CanonicalOrder {
    const o = obj(raw, 'order');
    const externalId = reqStr(o.orderNo, 'orderNo');
    const stage = optStr(o.stage) ?? 'unsend';
    if (!(MOMO_STAGES as readonly string[]).includes(stage))
      throw new InvalidOrderError(
        'stage',
        `must be one of ${MOMO_STAGES.join(', ')}, got ${JSON.stringify(o.stage)}`,
        externalId,
      );
    const stageRows = arr(o.rows, 'rows').map((r, i) => obj(r, `rows[${i}]`));
    if (stageRows.length === 0) throw new InvalidOrderError('rows', 'an order needs at least one row', externalId);
    const hasDetails = Array.isArray(o.details) && o.details.length > 0;
    const key = hasDetails ? 'details' : 'rows';
    const rows = hasDetails ? arr(o.details, 'details').map((r, i) => obj(r, `details[${i}]`)) : stageRows;
    const first = rows[0]!;
    const remark = optStr(pick(stageRows[0]!, 'remark5VStr', 'remark5_vStr'));
    const status = momoStatus(stage as MomoStage, remark);
    const lines = rows.map((r, i) => {
      const f = (n: string) => `${key}[${i}].${n}`;
      if (r.salePrice === undefined) {
        throw new InvalidOrderError(
          f('salePrice'),
          `is missing: momo gives prices only while an order is unsent (unsendCompanyQuery), and this order was first seen in ${stage}`,
          externalId,
          status,
        );
      }
      const info = optStr(pick(r, 'goodsDtInfo', 'goodsdt_info'));
      return {
        lineId: reqStr(r.completeOrderNo, f('completeOrderNo')),
        sku: optStr(pick(r, 'entpGoodsNo', 'entp_goods_no')),
        name: [optStr(pick(r, 'goodsName', 'goods_name')), info === '無' ? null : info].filter(Boolean).join(' '),
        quantity: quantity(r.syslast, f('syslast')),
        // salePrice: the sale price per unit incl. tax, as a string.
        unitPrice: amount(r.salePrice, f('salePrice')),
        discount: '0.00',
      };
    });
    const transfer = optStr(first.transferDate) ?? optStr(first.lastPricDate);
    const at = transfer
      ? parseTaipeiLocal(transfer)
      : /^\d{8}/.test(externalId)
        ? parseTaipeiLocal(`${externalId.slice(0, 4)}-${externalId.slice(4, 6)}-${externalId.slice(6, 8)}`)
        : null;
    if (!at) throw new InvalidOrderError('transferDate', `not a valid time: ${JSON.stringify(transfer)}`, externalId);
    const iso = at.toISOString();
    const phone = optStr(first.receiverMobile) ?? optStr(first.receiverTel);
    return parseCanonicalOrder(
      {
        platform: 'momo',
        externalId,
        externalNumber: externalId,
        status,
        platformStatus: remark ? `${stage}/${remark}` : stage,
        createdAt: iso,
        updatedAt: iso,
        // momo hands the supplier paid orders only.
        paidAt: iso,
        currency: 'TWD',
        buyer: {
          id: optStr(first.custId),
          name: optStr(first.custName) ?? optStr(first.cust_name_mask),
          email: null,
          phone: null,
        },
        recipient: {
          name: optStr(first.receiver) ?? optStr(first.receiver_mask),
          phone,
          address1: optStr(first.newReceiverAddr) ?? optStr(first.receiverAddr),
          address2: null,
          district: null,
          city: null,
          state: null,
          postalCode: optStr(first.postNo),
          country: 'TW',
        },
        lines,
        shippingFee: '0.00',
        orderDiscount: '0.00',
        total: add(...lines.map((l) => times(l.unitPrice, l.quantity))),
        paymentMethod: 'momo',
        cod: false,
        note: optStr(first.msg),
      },
      externalId,
    );
  }

  refreshToken(): Promise<TokenSet> {
    return Promise.reject(new NotSupportedError('momo has no tokens: every call carries loginInfo', { platform: P }));
  }

  authorizeUrl(): string {
    throw new NotSupportedError('momo has no authorization flow: enter the SCM loginInfo', { platform: P });
  }

  exchangeCode(): Promise<TokenSet> {
    return Promise.reject(new NotSupportedError('momo has no authorization flow', { platform: P }));
  }

  /**
   * One row = one order line, each confirmed with its own slipNo ([OFF-derived] unsendCompanyConfirm
   * sendInfoList): a part shipment confirms the rows it carries first.
   */
  planShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
    return planByLines(rowsOf(orderRaw), shipments, 'momo');
  }

  /**
   * unsendCompanyConfirm for the shipment's rows (every row of the order when it names none). A row momo
   * already has as shipped counts as done: each row belongs to exactly one shipment (see planShipments), so
   * it is this shipment's own earlier confirmation, made before a crash.
   */
  async pushShipment(store: ChannelAccess, s: ShipmentToPush): Promise<PushResult> {
    if (!s.trackingNumber)
      throw new PermanentError(`momo needs a tracking number (slipNo) for order ${s.orderExternalId}`, { platform: P });
    const rowNos = s.lineIds ?? rowsOf(s.orderRaw);
    if (rowNos.length === 0)
      throw new PermanentError(`momo order ${s.orderExternalId} has no rows to confirm`, { platform: P });
    const body = await this.call(store, 'unsendCompanyConfirm', {
      sendInfoList: rowNos.map((completeOrderNo) => ({
        completeOrderNo,
        remark5VStr: '已配送',
        delyGbStr: s.carrier,
        slipNo: s.trackingNumber,
        msgNote: '',
      })),
    });
    const result = obj(body.resultInfo, 'resultInfo');
    const failed = (Array.isArray(result.confirmFailList) ? result.confirmFailList : []).filter(isObj);
    // A row already confirmed earlier (a retried push) is done, not refused.
    const refused = failed.filter((f) => !/已出貨/.test(String(f.msg ?? '')));
    if (refused.length) {
      throw new PermanentError(
        `momo refused ${refused.length} of ${rowNos.length} rows: ${refused.map((f) => `${f.completeOrderNo}: ${f.msg}`).join('; ')}`,
        { platform: P },
      );
    }
    return { outcome: 'pushed', trackingNumber: s.trackingNumber };
  }

  /** The vendor supplies the slip number itself: there is nothing to read back. */
  async readTracking(): Promise<string | null> {
    return null;
  }

  verifyWebhook(): WebhookEvent {
    throw new NotSupportedError('momo sends no webhooks', { platform: P });
  }
}

/** Every row (completeOrderNo) the OMS has seen of an order: the current stage's and the unsend details. */
function rowsOf(orderRaw: unknown): string[] {
  const raw = isObj(orderRaw) ? orderRaw : {};
  return [
    ...new Set(
      [...(Array.isArray(raw.details) ? raw.details : []), ...(Array.isArray(raw.rows) ? raw.rows : [])]
        .filter(isObj)
        .map((r) => String(r.completeOrderNo ?? ''))
        .filter(Boolean),
    ),
  ];
}
