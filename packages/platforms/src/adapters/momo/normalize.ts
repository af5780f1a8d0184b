// A momo order as the canonical order (docs/platforms.md#momo-order-payload-and-status-mapping and
// docs/platforms.md#momo-money-fields): one row = one order line, rows grouped by order number; the stage an order
// is in gives its status, and only the unsend rows carry prices, so later stages keep them (mergeRaw).
import { add, InvalidOrderError, parseCanonicalOrder, times, type CanonicalOrder, type OrderStatus } from '@oms/core';
import { amount, arr, isObj, obj, optStr, quantity, reqStr, type Obj } from '../../normalize-util';
import { parseTaipeiLocal } from '../../time';

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
export function byRowNo(rows: Obj[]): Obj[] {
  const m = new Map(rows.map((r) => [String(r.completeOrderNo ?? ''), r]));
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, r]) => r);
}

/** The priced unsend rows a raw order carries: its details, or its rows while it is unsent. */
function detailRows(raw: Obj): Obj[] {
  const rows = (v: unknown) => (Array.isArray(v) ? v.filter(isObj) : []);
  return [...rows(raw.details), ...((raw.stage ?? 'unsend') === 'unsend' ? rows(raw.rows) : [])];
}

/**
 * Only unsendCompanyQuery rows carry prices and the recipient: a later stage keeps the unsend rows seen
 * before as details (merged by completeOrderNo), so a shipped or cancelled order stays complete.
 */
export function mergeMomoRaw(previous: unknown, next: unknown): unknown {
  if (!isObj(previous) || !isObj(next) || !Array.isArray(next.rows)) return next;
  const details = byRowNo([...detailRows(previous), ...detailRows(next)]);
  const nextRaw = next as unknown as MomoRaw;
  if ((nextRaw.stage ?? 'unsend') === 'unsend' && details.length === nextRaw.rows.length) return next;
  return details.length ? { ...next, details } : next;
}

export function normalizeMomoOrder(raw: unknown): CanonicalOrder {
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
