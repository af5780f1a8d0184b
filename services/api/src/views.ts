// Rows to API shapes. Secrets and tokens never leave: only whether they are set, and their expiry.
import type { Platform, Channel, Order, SyncRun, Shipment, ErpCall, SkuMapping, CarrierMapping } from '@oms/db';
import type { z } from 'zod';
import { UNCONNECTED_PREFIX } from '@oms/platforms';
import type { channelView, orderSummary, platformView } from './schemas';

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const isoReq = (d: Date): string => d.toISOString();

/** Channels created before they are connected carry a placeholder shop id until the platform names it. */
export { UNCONNECTED_PREFIX };

export function platformToView(p: Platform): z.output<typeof platformView> {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    description: p.description,
    apiVersion: p.apiVersion,
    apiHost: p.apiHost,
    authHost: p.authHost,
    appId: p.appId,
    hasAppSecret: !!p.appSecretEnc,
    settings: (p.settings ?? {}) as Record<string, unknown>,
    createdAt: isoReq(p.createdAt),
    updatedAt: isoReq(p.updatedAt),
  };
}

export function channelToView(c: Channel & { platform: Platform }): z.output<typeof channelView> {
  const placeholder = c.externalShopId.startsWith(UNCONNECTED_PREFIX);
  return {
    id: c.id,
    platformId: c.platformId,
    platformKind: c.platform.kind,
    platformName: c.platform.name,
    name: c.name,
    description: c.description,
    externalShopId: placeholder ? null : c.externalShopId,
    connected: !!c.accessTokenEnc || !!c.credentialsEnc,
    hasAccessToken: !!c.accessTokenEnc,
    hasRefreshToken: !!c.refreshTokenEnc,
    hasCredentials: !!c.credentialsEnc,
    hasWebhookSecret: !!c.webhookSecretEnc,
    accessTokenExpiresAt: iso(c.accessTokenExpiresAt),
    refreshTokenExpiresAt: iso(c.refreshTokenExpiresAt),
    tokenVersion: c.tokenVersion,
    syncIntervalSeconds: c.syncIntervalSeconds,
    syncStartAt: isoReq(c.syncStartAt),
    state: c.state,
    stage: c.stage,
    stageStartedAt: iso(c.stageStartedAt),
    lastSuccessAt: iso(c.lastSuccessAt),
    lastErrorAt: iso(c.lastErrorAt),
    lastError: c.lastError,
    failureCount: c.failureCount,
    cursorCreatedAt: iso(c.cursorCreatedAt),
    cursorUpdatedAt: iso(c.cursorUpdatedAt),
    erpOrgId: c.erpOrgId,
    erpWarehouseId: c.erpWarehouseId,
    erpDocTypeId: c.erpDocTypeId,
    erpPriceListId: c.erpPriceListId,
    erpPaymentTermId: c.erpPaymentTermId,
    erpDefaultCustomerId: c.erpDefaultCustomerId,
    erpCustomerGroupId: c.erpCustomerGroupId,
    erpShippingChargeId: c.erpShippingChargeId,
    erpDiscountChargeId: c.erpDiscountChargeId,
    customerMode: c.customerMode,
    skuMatch: c.skuMatch,
    allowCreateProducts: c.allowCreateProducts,
    erpCreateOn: c.erpCreateOn,
    completeInErp: c.completeInErp,
    createdAt: isoReq(c.createdAt),
    updatedAt: isoReq(c.updatedAt),
  };
}

export function syncRunToView(r: SyncRun) {
  return {
    id: r.id,
    channelId: r.channelId,
    kind: r.kind,
    status: r.status,
    windowFrom: iso(r.windowFrom),
    windowTo: iso(r.windowTo),
    pages: r.pages,
    ordersNew: r.ordersNew,
    ordersChanged: r.ordersChanged,
    ordersUnchanged: r.ordersUnchanged,
    ordersInvalid: r.ordersInvalid,
    progress: r.progress,
    error: r.error,
    startedAt: isoReq(r.startedAt),
    finishedAt: iso(r.finishedAt),
    durationMs: r.durationMs,
  };
}

export function orderToSummary(
  o: Order & { channel: Channel & { platform: Platform } },
): z.output<typeof orderSummary> {
  const normalized = o.normalized as { total?: unknown } | null;
  return {
    id: o.id,
    channelId: o.channelId,
    channelName: o.channel.name,
    platformKind: o.channel.platform.kind,
    externalId: o.externalId,
    externalNumber: o.externalNumber,
    platformStatus: o.platformStatus,
    status: o.status,
    platformCreatedAt: iso(o.platformCreatedAt),
    platformUpdatedAt: iso(o.platformUpdatedAt),
    total: typeof normalized?.total === 'string' ? normalized.total : null,
    invalidReason: o.invalidReason,
    erpState: o.erpState,
    erpReason: o.erpReason,
    erpOrderId: o.erpOrderId,
    erpDocumentNo: o.erpDocumentNo,
    erpAttempts: o.erpAttempts,
    createdAt: isoReq(o.createdAt),
    updatedAt: isoReq(o.updatedAt),
  };
}

export function erpCallToView(c: ErpCall) {
  return {
    id: c.id,
    action: c.action,
    method: c.method,
    path: c.path,
    request: c.request ?? null,
    status: c.status,
    durationMs: c.durationMs,
    documentNo: c.documentNo,
    error: c.error,
    createdAt: isoReq(c.createdAt),
  };
}

export function shipmentToView(s: Shipment) {
  return {
    id: s.id,
    orderId: s.orderId,
    channelId: s.channelId,
    erpInOutId: s.erpInOutId,
    erpDocumentNo: s.erpDocumentNo,
    erpShipperName: s.erpShipperName,
    carrier: s.carrier,
    trackingNumber: s.trackingNumber,
    packageNumber: s.packageNumber,
    shippedAt: iso(s.shippedAt),
    state: s.state,
    reason: s.reason,
    attempts: s.attempts,
    pushedAt: iso(s.pushedAt),
    createdAt: isoReq(s.createdAt),
    updatedAt: isoReq(s.updatedAt),
  };
}

export function skuMappingToView(m: SkuMapping) {
  return {
    id: m.id,
    channelId: m.channelId,
    platformSku: m.platformSku,
    erpProductId: m.erpProductId,
    createdAt: isoReq(m.createdAt),
    updatedAt: isoReq(m.updatedAt),
  };
}

export function carrierMappingToView(m: CarrierMapping) {
  return {
    id: m.id,
    channelId: m.channelId,
    erpShipperName: m.erpShipperName,
    platformCarrier: m.platformCarrier,
    createdAt: isoReq(m.createdAt),
    updatedAt: isoReq(m.updatedAt),
  };
}
