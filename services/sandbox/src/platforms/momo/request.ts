// What every momo query shares: the sendInfo with its required keys, time windows from split date/hour/minute fields
// (Taipei) of at most two calendar months, and the transfer time (轉單日) they filter on.
import type { FastifyReply } from 'fastify';
import type { Order, Store } from '../../world/model.ts';
import { addTaipeiMonths, parseMomo } from '../../world/time.ts';

/** momo hands an order to the supplier (轉單) once it is paid. */
export const transferredAt = (o: Order) => o.paidAt ?? o.createdAt;
export const fail = (reply: FastifyReply, ...msgs: string[]) => reply.send({ basicCheckMsgList: msgs });

/** Reads a window from split fields; returns an error message or [from, to]. */
export function timeWindow(
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

export function sendInfo(body: Record<string, unknown>, keys: string[]): Record<string, unknown> | string {
  const s = body.sendInfo as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object') return 'sendInfo 為必填';
  // Many keys are required even when empty.
  const missing = keys.filter((k) => !(k in s));
  return missing.length ? `sendInfo 缺少欄位: ${missing.join(', ')}` : s;
}

export function ordersTransferredIn(store: Store, [from, to]: [number, number]): Order[] {
  // Transfer time = pay time, at or after creation: scan the creation index up to `to`, keep transfers in window.
  return store.byCreated.range(-Infinity, to).filter((o) => {
    const t = transferredAt(o);
    return t >= from && t <= to;
  });
}
