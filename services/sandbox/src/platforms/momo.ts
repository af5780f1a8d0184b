// momo SCM supplier API (platforms.md §4A): POST /OrderServlet.do {doAction, loginInfo, sendInfo|sendInfoList},
// loginInfo checked on every call, queries over 轉單日 with split date/hour/minute fields (Taipei) and a
// two-month maximum, no paging, unsendCompanyQuery's dataList AES-encrypted, per-row confirmation results.
// Vendor delivery in every stage: unsend (paid), sending (shipped or delivered), stop (intercepted: cancelled,
// no window), recover (returns awaiting pickup). Row fields mirror each doAction's names (an SDK's getters).
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { installFaults } from '../http/faults.ts';
import { touch, type Order, type Store } from '../world/model.ts';
import { maskName } from '../world/random.ts';
import { addTaipeiMonths, momoDateTime, parseMomo } from '../world/time.ts';
import { recordShipment, type SandboxContext } from './common.ts';

export const MOMO_CARRIERS = [
  '宅配通',
  '新竹貨運',
  '統一速達',
  '大榮貨運',
  '順豐速運',
  '郵局',
  '其他宅配',
  '其他',
  '嘉里大榮',
  '黑貓宅急便',
];
const PROBLEM_REMARKS = ['電聯不上', '無貨取消訂單', '延遲出貨', '客戶要求延後'];
const UNSEND_KEYS = [
  'company_fr_dd',
  'company_fr_hh',
  'company_fr_mm',
  'company_to_dd',
  'company_to_hh',
  'company_to_mm',
  'company_receiver',
  'company_goodsCode',
  'company_orderNo',
  'company_entpGoodsNo',
  'company_orderGb',
];
const SENDING_KEYS = ['fromDate', 'fromHour', 'fromMinute', 'toDate', 'toHour', 'toMinute', 'status'];
const STOP_KEYS = ['receiver', 'goodsCode', 'orderNo', 'entp_goods_no'];
const RECOVER_KEYS = [
  'company_fr_dd',
  'company_fr_hh',
  'company_fr_mm',
  'company_to_dd',
  'company_to_hh',
  'company_to_mm',
  'company_claimGb',
];

/** Key = entpPwd right-padded with "0" to 16 characters (the FAQ's example pads the password). */
export function momoKey(entpPwd: string): Buffer {
  return Buffer.from(entpPwd.padEnd(16, '0').slice(0, 16), 'utf8');
}

export function momoEncrypt(entpPwd: string, plain: string): string {
  const c = createCipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function momoDecrypt(entpPwd: string, b64: string): string {
  const d = createDecipheriv('aes-128-ecb', momoKey(entpPwd), null);
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

/** momo hands an order to the supplier (轉單) once it is paid. */
const transferredAt = (o: Order) => o.paidAt ?? o.createdAt;
const fail = (reply: FastifyReply, ...msgs: string[]) => reply.send({ basicCheckMsgList: msgs });

export async function registerMomo(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const p = ctx.world.platform('momo');
  installFaults(app, ctx.faults.momo, {
    // momo's rate-limit answer is undocumented [INF]: HTTP 429 with a validation-style message list.
    rateLimited: (reply) => reply.code(429).send({ basicCheckMsgList: ['查詢過於頻繁，請稍後再試'] }),
    serverError: (reply) => reply.code(500).type('text/plain; charset=utf-8').send('ERROR'),
  });

  app.post('/OrderServlet.do', async (req, reply) => {
    const b = req.body;
    if (!b || typeof b !== 'object') return fail(reply, '請求格式錯誤');
    const body = b as Record<string, unknown>;
    const login = (body.loginInfo ?? null) as Record<string, unknown> | null;
    if (!login || typeof login !== 'object') return fail(reply, 'loginInfo 為必填');
    const store = p.stores.find(
      (s) => s.login.entpCode === String(login.entpCode ?? '') && s.login.entpID === String(login.entpID ?? ''),
    );
    if (!store) return fail(reply, '查無此供應商');
    if (store.login.entpPwd !== String(login.entpPwd ?? '')) return fail(reply, '密碼錯誤'); // wording [INF]
    if (store.login.otpBackNo !== String(login.otpBackNo ?? '')) return fail(reply, 'OTP 後三碼錯誤'); // wording [INF]
    switch (body.doAction) {
      case 'unsendCompanyQuery':
        return unsendCompanyQuery(store, body, reply);
      case 'unsendCompanyConfirm':
        return unsendCompanyConfirm(store, body, reply);
      case 'sendingCompanyQuery':
        return sendingCompanyQuery(store, body, reply);
      case 'stopSendingQuery':
        return stopSendingQuery(store, body, reply);
      case 'recoverCompanyQuery':
        return recoverCompanyQuery(store, body, reply);
      default:
        return fail(reply, `doAction 錯誤: ${String(body.doAction ?? '')}`);
    }
  });

  /** Reads a window from split fields; returns an error message or [from, to]. */
  function window(
    s: Record<string, unknown>,
    keys: [string, string, string, string, string, string],
  ): string | [number, number] {
    const v = keys.map((k) => String(s[k] ?? ''));
    const from = parseMomo(v[0]!, v[1]!, v[2]!);
    const to = parseMomo(v[3]!, v[4]!, v[5]!);
    if (from === null || to === null) return '日期格式錯誤 (yyyy/MM/dd, 時, 分)';
    if (from > to) return '起始時間不可大於結束時間';
    if (to > addTaipeiMonths(from, 2)) return '查詢區間不可超過兩個月';
    return [from, to + 59_999];
  }

  function sendInfo(body: Record<string, unknown>, keys: string[]): Record<string, unknown> | string {
    const s = body.sendInfo as Record<string, unknown> | undefined;
    if (!s || typeof s !== 'object') return 'sendInfo 為必填';
    // Many keys are required even when empty.
    const missing = keys.filter((k) => !(k in s));
    return missing.length ? `sendInfo 缺少欄位: ${missing.join(', ')}` : s;
  }

  function unsendCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
    const s = sendInfo(body, UNSEND_KEYS);
    if (typeof s === 'string') return fail(reply, s);
    const w = window(s, [
      'company_fr_dd',
      'company_fr_hh',
      'company_fr_mm',
      'company_to_dd',
      'company_to_hh',
      'company_to_mm',
    ]);
    if (typeof w === 'string') return fail(reply, w);
    const rows: unknown[] = [];
    for (const o of ordersTransferredIn(store, w)) {
      if (o.status !== 'paid' && o.status !== 'ready_to_ship') continue;
      if (s.company_orderNo && s.company_orderNo !== o.externalId) continue;
      for (const [i, l] of o.lines.entries()) {
        if (o.sentRows.has(l.id)) continue;
        if (s.company_entpGoodsNo && s.company_entpGoodsNo !== l.sku) continue;
        if (s.company_receiver && s.company_receiver !== o.buyer.name) continue;
        const row: Record<string, unknown> = {
          completeOrderNo: l.id,
          remark5VStr: '',
          orderGbStr: '一般',
          msg: o.note,
          lastPricDate: momoDateTime(o.createdAt + 2 * 86400_000),
          delyHopeDate: '',
          receiver: o.buyer.name,
          receiverTel: '',
          receiverMobile: o.buyer.phone,
          postNo: o.address.zip,
          receiverAddr: o.address.full,
          newReceiverAddr: '',
          entpGoodsNo: l.sku,
          goodsCode: String(7_000_000 + l.productId),
          goodsName: l.name,
          goodsDtCode: '001',
          goodsDtInfo: '無',
          syslast: o.corrupt === 'bad_price' && i === 0 ? '一' : String(l.qty),
          buyPrice: String(Math.round(l.unitPrice * 0.75)),
          salePrice: o.corrupt === 'bad_price' && i === 0 ? `${l.unitPrice}元` : String(l.unitPrice),
          custName: o.buyer.name,
          invoiceNo: '',
          custId: String(80_000_000 + o.uid),
          transferDate: momoDateTime(transferredAt(o)),
        };
        // A row is one order line: "missing items" = the row lacks its goods fields.
        if (o.corrupt === 'missing_items')
          for (const k of ['entpGoodsNo', 'goodsCode', 'goodsName', 'syslast', 'salePrice', 'buyPrice']) delete row[k];
        rows.push(row);
      }
    }
    return { dataList: momoEncrypt(store.login.entpPwd!, JSON.stringify(rows)) };
  }

  function sendingCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
    const s = sendInfo(body, SENDING_KEYS);
    if (typeof s === 'string') return fail(reply, s);
    const w = window(s, ['fromDate', 'fromHour', 'fromMinute', 'toDate', 'toHour', 'toMinute']);
    if (typeof w === 'string') return fail(reply, w);
    if (!['1', '2'].includes(String(s.status))) return fail(reply, 'status 錯誤 (1 已印單 | 2 配送中)');
    // Everything shipped by the supplier is 配送中 here; nothing sits at 已印單 (label printed) [INF].
    if (String(s.status) === '1') return { dataList: [] };
    const rows: unknown[] = [];
    let itemNo = 0;
    for (const o of ordersTransferredIn(store, w)) {
      // Delivered orders stay in the 配送中 list with their delivery state in remark5_vStr [INF].
      if (o.status !== 'shipped' && o.status !== 'processed' && o.status !== 'completed') continue;
      if (s.orderNo && s.orderNo !== o.externalId) continue;
      for (const l of o.lines) {
        if (!o.sentRows.has(l.id)) continue;
        rows.push({
          itemNo: String(++itemNo),
          slip_i_no: l.id,
          slip_no: o.rowSlips?.get(l.id) ?? o.trackingNumber ?? '',
          completeOrderNo: l.id,
          remark5_vStr: sendingRemark(o),
          msg_note: '',
          scm_dely_date: o.shippedAt ? momoDateTime(o.shippedAt) : '',
          dely_hope_date: '',
          order_gb_str: '一般',
          goods_code: String(7_000_000 + l.productId),
          entp_goods_no: l.sku,
          goods_name: l.name,
          goodsdt_code: '001',
          goodsdt_info: '無',
          syslast: String(l.qty),
          cust_name_mask: maskName(o.buyer.name),
          receiver_mask: maskName(o.buyer.name),
        });
      }
    }
    return { dataList: rows };
  }

  /**
   * Intercepts (攔貨: the buyer cancelled after momo handed the order over). No window: the list holds every
   * intercept not yet settled with stopSendingConfirm (which the sandbox does not offer), encrypted [OFF-derived].
   */
  function stopSendingQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
    const s = sendInfo(body, STOP_KEYS);
    if (typeof s === 'string') return fail(reply, s);
    const rows: unknown[] = [];
    let itemNo = 0;
    for (const o of store.byCreated.items) {
      // Only orders momo had handed over (paid) reach the supplier's intercept list.
      if (o.status !== 'cancelled' || o.paidAt === null) continue;
      if (s.orderNo && s.orderNo !== o.externalId) continue;
      for (const l of o.lines) {
        if (s.entp_goods_no && s.entp_goods_no !== l.sku) continue;
        rows.push({
          itemNo: String(++itemNo),
          allowExecuteYN: 'Y',
          completeOrderNo: l.id,
          notAllowReason: '',
          returnReason: '客戶取消',
          receiver: maskName(o.buyer.name),
          entpGoodsNo: l.sku,
          goodsCode: String(7_000_000 + l.productId),
          goodsName: l.name,
          goodsDtCode: '001',
          goodsDtInfo: '無',
          syslast: String(l.qty),
          msgNote: '',
          packYnStr: '否',
        });
      }
    }
    return { dataList: momoEncrypt(store.login.entpPwd!, JSON.stringify(rows)) };
  }

  /** Returns awaiting pickup (未回收), over the transfer window like unsendCompanyQuery, encrypted. */
  function recoverCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
    const s = sendInfo(body, RECOVER_KEYS);
    if (typeof s === 'string') return fail(reply, s);
    const w = window(s, [
      'company_fr_dd',
      'company_fr_hh',
      'company_fr_mm',
      'company_to_dd',
      'company_to_hh',
      'company_to_mm',
    ]);
    if (typeof w === 'string') return fail(reply, w);
    const rows: unknown[] = [];
    let itemNo = 0;
    for (const o of ordersTransferredIn(store, w)) {
      if (o.status !== 'returned') continue;
      for (const l of o.lines) {
        rows.push({
          itemNo: String(++itemNo),
          isRedStr: '正常',
          completeOrderNo: l.id,
          remark5VStr: '',
          msgNote: '',
          returnReason: '商品退貨',
          delyGbStr: '',
          slipNo: '',
          claimGbStr: '一般回收訂單',
          msg: o.note,
          lastPricDate: momoDateTime(transferredAt(o)),
          delyHopeDate: '',
          receiver: o.buyer.name,
          receiverTel: '',
          receiverMobile: o.buyer.phone,
          postNo: o.address.zip,
          receiverAddr: o.address.full,
          entpGoodsNo: l.sku,
          goodsCode: String(7_000_000 + l.productId),
          goodsName: l.name,
          goodsDtCode: '001',
          goodsDtInfo: '無',
          syslast: String(l.qty),
          buyPrice: String(Math.round(l.unitPrice * 0.75)),
          describeNote: '',
          custName: o.buyer.name,
          packYnStr: '否',
        });
      }
    }
    return { dataList: momoEncrypt(store.login.entpPwd!, JSON.stringify(rows)) };
  }

  function unsendCompanyConfirm(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
    const list = body.sendInfoList;
    if (!Array.isArray(list) || list.length === 0) return fail(reply, 'sendInfoList 為必填');
    const result = {
      undoCnt: 0,
      undoList: [] as unknown[],
      confirmOkCnt: 0,
      confirmOkList: [] as unknown[],
      confirmFailCnt: 0,
      confirmFailList: [] as unknown[],
      saveMsgOkCnt: 0,
      saveMsgOkList: [] as unknown[],
      saveMsgFailCnt: 0,
      saveMsgFailList: [] as unknown[],
    };
    const now = ctx.now();
    for (const raw of list) {
      const row = (raw ?? {}) as Record<string, unknown>;
      const no = String(row.completeOrderNo ?? '');
      const orderNo = no.split('-')[0] ?? '';
      const o = store.byId.get(orderNo);
      const line = o?.lines.find((l) => l.id === no);
      const remark = String(row.remark5VStr ?? '');
      const failRow = (msg: string) => {
        result.confirmFailCnt++;
        result.confirmFailList.push({ completeOrderNo: no, msg });
      };
      if (!o || !line) {
        failRow('查無此訂單');
        continue;
      }
      if (remark !== '已配送') {
        if (PROBLEM_REMARKS.includes(remark)) {
          result.saveMsgOkCnt++;
          result.saveMsgOkList.push({ completeOrderNo: no });
        } else {
          result.saveMsgFailCnt++;
          result.saveMsgFailList.push({ completeOrderNo: no, msg: `remark5VStr 不正確: ${remark}` });
        }
        continue;
      }
      const carrier = String(row.delyGbStr ?? '');
      const slip = String(row.slipNo ?? '').trim();
      // Rows confirmed with one slip number are one shipment; another slip number is another (a part shipment).
      const record = (okay: boolean) =>
        recordShipment(p, o, { carrier, trackingNumber: slip || null, method: 'unsendCompanyConfirm' }, okay, now, {
          key: slip,
          lineIds: [...(o.rowSlips ?? new Map()).entries()].filter(([, v]) => v === slip).map(([k]) => k),
        });
      if (o.status === 'cancelled' || o.status === 'returned') {
        record(false);
        failRow('訂單已取消');
      } else if (o.sentRows.has(line.id)) {
        record(false);
        failRow('此訂單已出貨');
      } else if (!MOMO_CARRIERS.includes(carrier)) {
        record(false);
        failRow(`delyGbStr 不正確: ${carrier}`);
      } else if (!slip) {
        record(false);
        failRow('slipNo 為必填');
      } else {
        const firstOfSlip = ![...(o.rowSlips?.values() ?? [])].includes(slip);
        touch(o, now, () => {
          o.sentRows.add(line.id);
          (o.rowSlips ??= new Map()).set(line.id, slip);
          o.trackingNumber ??= slip;
          o.carrier = carrier;
          if (o.lines.every((l) => o.sentRows.has(l.id))) {
            o.status = 'shipped';
            o.shippedAt = now;
          }
        });
        // One shipment per slip number: confirming more rows with it is not a second shipment.
        if (firstOfSlip) record(true);
        else {
          const rec = p.shipments.get(`${store.key}|${o.externalId}|${slip}`);
          if (rec) rec.lineIds = [...o.rowSlips!.entries()].filter(([, v]) => v === slip).map(([k]) => k);
        }
        result.confirmOkCnt++;
        result.confirmOkList.push({ completeOrderNo: no });
      }
    }
    return { resultInfo: result };
  }

  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type('text/html').send('<html><body>404 Not Found</body></html>'),
  );
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    if (e.statusCode && e.statusCode < 500) return reply.send({ basicCheckMsgList: [`請求格式錯誤: ${e.message}`] });
    ctx.logger?.error({ err: e }, 'momo sandbox error');
    return reply.code(500).type('text/plain').send('ERROR');
  });
}

/** The delivery state sendingCompanyQuery shows in remark5_vStr: delivered orders say so [INF]. */
export const sendingRemark = (o: Order) => (o.status === 'completed' ? '已送達' : '已配送');

function ordersTransferredIn(store: Store, [from, to]: [number, number]): Order[] {
  // Transfer time = pay time, at or after creation: scan the creation index up to `to`, keep transfers in window.
  return store.byCreated.range(-Infinity, to).filter((o) => {
    const t = transferredAt(o);
    return t >= from && t <= to;
  });
}
