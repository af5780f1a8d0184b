// momo shipments (docs/platforms.md#momo-shipping-and-logistics): every row is one order line, confirmed with its
// own slip number by unsendCompanyConfirm; a part shipment confirms the rows it carries first.
import type { AxiosInstance } from 'axios';
import type { ChannelAccess, PushResult, ShipmentOfOrder, ShipmentPlan, ShipmentToPush } from '../../adapter';
import { PermanentError } from '../../errors';
import { isObj, obj } from '../../normalize-util';
import { planByLines } from '../../shipment-plan';
import { momoCall, P } from './client';

/**
 * One row = one order line, each confirmed with its own slipNo (vendor-derived: unsendCompanyConfirm
 * sendInfoList): a part shipment confirms the rows it carries first.
 */
export function planMomoShipments(orderRaw: unknown, shipments: ShipmentOfOrder[]): ShipmentPlan[] {
  return planByLines(rowsOf(orderRaw), shipments, 'momo');
}

/**
 * unsendCompanyConfirm for the shipment's rows (every row of the order when it names none). A row momo
 * already has as shipped counts as done: each row belongs to exactly one shipment (see planMomoShipments), so
 * it is this shipment's own earlier confirmation, made before a crash.
 */
export async function pushMomoShipment(
  http: AxiosInstance,
  store: ChannelAccess,
  s: ShipmentToPush,
): Promise<PushResult> {
  if (!s.trackingNumber)
    throw new PermanentError(`momo needs a tracking number (slipNo) for order ${s.orderExternalId}`, { platform: P });
  const rowNos = s.lineIds ?? rowsOf(s.orderRaw);
  if (rowNos.length === 0)
    throw new PermanentError(`momo order ${s.orderExternalId} has no rows to confirm`, { platform: P });
  const body = await momoCall(http, store, 'unsendCompanyConfirm', {
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
