// momo SCM supplier API (specs/platforms.md §4A): POST /OrderServlet.do {doAction, loginInfo, sendInfo}.
// No OAuth, no tokens: loginInfo on every call. Queries filter on the transfer time (轉單日) with split
// date/hour/minute fields in Taipei time, at most two months, no paging; unsendCompanyQuery's dataList is
// AES/ECB/PKCS5 encrypted. One row = one order line; rows are grouped into orders by order number.
import { createDecipheriv } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { add, InvalidOrderError, parseCanonicalOrder, times, type CanonicalOrder } from '@oms/core';
import type { FetchedOrder, OrderPage, PlatformAdapter, PushResult, ShipmentToPush, StoreAccess, TimeWindow, TokenSet, WebhookEvent } from './adapter';
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

  private login(store: StoreAccess): Record<string, string> {
    const c = store.channel.credentials ?? {};
    for (const k of ['entpID', 'entpCode', 'entpPwd', 'otpBackNo']) {
      if (!c[k]) throw new ReauthorizeError(`momo channel credentials lack ${k} (loginInfo needs entpID, entpCode, entpPwd, otpBackNo)`, { platform: P });
    }
    return { entpID: c.entpID!, entpCode: c.entpCode!, entpPwd: c.entpPwd!, otpBackNo: c.otpBackNo! };
  }

  private async call(store: StoreAccess, doAction: string, payload: Obj): Promise<Obj> {
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
    if (text === 'ERROR') throw new TransientError(`momo ${doAction} answered ERROR`, { platform: P, status: res.status });
    if (msgs.length) {
      const message = `momo ${doAction}: ${msgs.join('; ')}`;
      if (msgs.some((m) => LOGIN_ERRORS.test(m))) throw new ReauthorizeError(message, { platform: P });
      throw new PermanentError(message, { platform: P });
    }
    if (res.status >= 400 || !isObj(parsed)) throw new PermanentError(`momo ${doAction} answered ${res.status}: ${text.slice(0, 120)}`, { platform: P, status: res.status });
    return parsed;
  }

  /** Decrypted rows of unsendCompanyQuery for one window. */
  private async unsendRows(store: StoreAccess, from: Date, to: Date, orderNo = ''): Promise<Obj[]> {
    const f = toMomoParts(from);
    const t = toMomoParts(to);
    const body = await this.call(store, 'unsendCompanyQuery', {
      sendInfo: {
        company_fr_dd: f.date, company_fr_hh: f.hour, company_fr_mm: f.minute,
        company_to_dd: t.date, company_to_hh: t.hour, company_to_mm: t.minute,
        company_receiver: '', company_goodsCode: '', company_orderNo: orderNo, company_entpGoodsNo: '', company_orderGb: '',
      },
    });
    const list = body.dataList;
    let rows: unknown;
    if (typeof list === 'string') {
      if (list === '') return [];
      try {
        rows = JSON.parse(momoDecrypt(this.login(store).entpPwd!, list));
      } catch (err) {
        throw new PermanentError(`momo dataList could not be decrypted with the entpPwd key: ${(err as Error).message}`, { platform: P });
      }
    } else rows = list;
    return Array.isArray(rows) ? rows.filter(isObj) : [];
  }

  private group(rows: Obj[]): FetchedOrder[] {
    const byOrder = new Map<string, Obj[]>();
    for (const r of rows) {
      const no = momoOrderNo(String(r.completeOrderNo ?? ''));
      if (!no) continue;
      byOrder.set(no, [...(byOrder.get(no) ?? []), r]);
    }
    return [...byOrder.entries()].map(([orderNo, rs]) => ({
      externalId: orderNo,
      raw: { orderNo, rows: rs.sort((a, b) => String(a.completeOrderNo).localeCompare(String(b.completeOrderNo))) },
    }));
  }

  /**
   * The supplier sees orders by transfer time only, and only until they ship (vendor delivery):
   * "updated" windows have nothing to list, the created cursor carries the import.
   */
  async *listOrders(store: StoreAccess, window: TimeWindow): AsyncIterable<OrderPage> {
    if (window.field === 'updated') return;
    for (let from = window.from.getTime(); from < window.to.getTime(); from += this.maxWindowMs) {
      const to = Math.min(from + this.maxWindowMs, window.to.getTime());
      yield { orders: this.group(await this.unsendRows(store, new Date(from), new Date(to))) };
    }
  }

  async fetchOrder(store: StoreAccess, externalId: string): Promise<FetchedOrder | null> {
    const to = new Date();
    const rows = await this.unsendRows(store, new Date(to.getTime() - this.maxWindowMs), to, externalId);
    return this.group(rows)[0] ?? null;
  }

  normalize(raw: unknown): CanonicalOrder {
    const o = obj(raw, 'order');
    const externalId = reqStr(o.orderNo, 'orderNo');
    const rows = arr(o.rows, 'rows').map((r, i) => obj(r, `rows[${i}]`));
    if (rows.length === 0) throw new InvalidOrderError('rows', 'an order needs at least one row', externalId);
    const first = rows[0]!;
    const lines = rows.map((r, i) => {
      const f = (n: string) => `rows[${i}].${n}`;
      return {
        lineId: reqStr(r.completeOrderNo, f('completeOrderNo')),
        sku: optStr(r.entpGoodsNo),
        name: [optStr(r.goodsName), optStr(r.goodsDtInfo) === '無' ? null : optStr(r.goodsDtInfo)].filter(Boolean).join(' '),
        quantity: quantity(r.syslast, f('syslast')),
        // salePrice: the sale price per unit incl. tax, as a string.
        unitPrice: amount(r.salePrice, f('salePrice')),
        discount: '0.00',
      };
    });
    const transfer = optStr(first.transferDate) ?? optStr(first.lastPricDate);
    const at = transfer ? parseTaipeiLocal(transfer) : /^\d{8}/.test(externalId) ? parseTaipeiLocal(`${externalId.slice(0, 4)}-${externalId.slice(4, 6)}-${externalId.slice(6, 8)}`) : null;
    if (!at) throw new InvalidOrderError('transferDate', `not a valid time: ${JSON.stringify(transfer)}`, externalId);
    const iso = at.toISOString();
    const phone = optStr(first.receiverMobile) ?? optStr(first.receiverTel);
    return parseCanonicalOrder(
      {
        platform: 'momo',
        externalId,
        externalNumber: externalId,
        // momo hands the supplier paid orders only; rows in the unsend list wait for the supplier to ship.
        status: 'ready_to_ship',
        platformStatus: optStr(first.remark5VStr) ?? '未出貨',
        createdAt: iso,
        updatedAt: iso,
        paidAt: iso,
        currency: 'TWD',
        buyer: { id: optStr(first.custId), name: optStr(first.custName), email: null, phone: null },
        recipient: { name: optStr(first.receiver), phone, address1: optStr(first.newReceiverAddr) ?? optStr(first.receiverAddr), address2: null, district: null, city: null, state: null, postalCode: optStr(first.postNo), country: 'TW' },
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

  /** unsendCompanyConfirm for every row of the order; "already shipped" rows count as done. */
  async pushShipment(store: StoreAccess, s: ShipmentToPush): Promise<PushResult> {
    if (!s.trackingNumber) throw new PermanentError(`momo needs a tracking number (slipNo) for order ${s.orderExternalId}`, { platform: P });
    const raw = isObj(s.orderRaw) ? s.orderRaw : {};
    const rowNos = (Array.isArray(raw.rows) ? raw.rows : []).filter(isObj).map((r) => String(r.completeOrderNo)).filter(Boolean);
    if (rowNos.length === 0) throw new PermanentError(`momo order ${s.orderExternalId} has no rows to confirm`, { platform: P });
    const body = await this.call(store, 'unsendCompanyConfirm', {
      sendInfoList: rowNos.map((completeOrderNo) => ({ completeOrderNo, remark5VStr: '已配送', delyGbStr: s.carrier, slipNo: s.trackingNumber, msgNote: '' })),
    });
    const result = obj(body.resultInfo, 'resultInfo');
    const failed = (Array.isArray(result.confirmFailList) ? result.confirmFailList : []).filter(isObj);
    // A row already confirmed earlier (a retried push) is done, not refused.
    const refused = failed.filter((f) => !/已出貨/.test(String(f.msg ?? '')));
    if (refused.length) {
      throw new PermanentError(`momo refused ${refused.length} of ${rowNos.length} rows: ${refused.map((f) => `${f.completeOrderNo}: ${f.msg}`).join('; ')}`, { platform: P });
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
