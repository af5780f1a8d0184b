// unsendCompanyConfirm (docs/platforms.md, "momo: shipping and logistics"): per-row results; a row confirmed with a
// carrier and slip number is shipped, rows sharing a slip number are one shipment, a problem remark is only saved.
import type { FastifyReply } from 'fastify';
import { touch, type Store } from '../../world/model.ts';
import { recordShipment, type SandboxContext } from '../common.ts';
import { fail } from './request.ts';

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

export function unsendCompanyConfirm(
  ctx: SandboxContext,
  store: Store,
  body: Record<string, unknown>,
  reply: FastifyReply,
) {
  const p = ctx.world.platform('momo');
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
