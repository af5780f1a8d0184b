// momo's vendor-delivery queries, one per stage (docs/platforms.md, "momo: listing orders, windows and paging"):
// unsendCompanyQuery (paid, encrypted), sendingCompanyQuery (shipped or delivered), stopSendingQuery (intercepts:
// cancelled, no window, encrypted), recoverCompanyQuery (returns, encrypted). Row fields mirror each doAction's names.
import type { FastifyReply } from 'fastify';
import type { Order, Store } from '../../world/model.ts';
import { maskName } from '../../world/random.ts';
import { momoDateTime } from '../../world/time.ts';
import { momoEncrypt } from './crypto.ts';
import { fail, ordersTransferredIn, sendInfo, timeWindow, transferredAt } from './request.ts';

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

/** The delivery state sendingCompanyQuery shows in remark5_vStr: delivered orders say so [INF]. */
export const sendingRemark = (o: Order) => (o.status === 'completed' ? '已送達' : '已配送');

export function unsendCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
  const s = sendInfo(body, UNSEND_KEYS);
  if (typeof s === 'string') return fail(reply, s);
  const w = timeWindow(s, [
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

export function sendingCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
  const s = sendInfo(body, SENDING_KEYS);
  if (typeof s === 'string') return fail(reply, s);
  const w = timeWindow(s, ['fromDate', 'fromHour', 'fromMinute', 'toDate', 'toHour', 'toMinute']);
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
 * intercept not yet settled with stopSendingConfirm (which the sandbox does not offer), encrypted (vendor-derived).
 */
export function stopSendingQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
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
export function recoverCompanyQuery(store: Store, body: Record<string, unknown>, reply: FastifyReply) {
  const s = sendInfo(body, RECOVER_KEYS);
  if (typeof s === 'string') return fail(reply, s);
  const w = timeWindow(s, [
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
