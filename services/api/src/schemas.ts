// Request and response schemas: one source for validation, TypeScript types and the OpenAPI document.
// Request objects are strict: an unknown field is a 400 naming it, not silently ignored.
import { z } from 'zod';
import { ORDER_STATUSES, PLATFORM_KINDS } from '@oms/core';
import { ShipmentState } from '@oms/db';

export const uuid = z.uuid({ message: 'must be a UUID' });
export const idParams = z.object({ id: uuid });
export const platformKind = z.enum(PLATFORM_KINDS);
export const instant = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 instant like 2026-01-31T16:00:00Z',
});
const shortText = z.string().trim().min(1).max(200);
const longText = z.string().max(2000);
const secret = z.string().min(1).max(4000);
const erpId = z.number().int().positive().max(2_147_483_647);
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(500);

export const errorSchema = z.object({
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

// ---------- platforms ----------
export const platformCreate = z.strictObject({
  kind: platformKind,
  name: shortText,
  description: longText.nullish(),
  apiVersion: z.string().max(20).nullish(),
  /** Defaults to the configured URL of the platform (the sandbox in development). */
  apiHost: httpUrl.optional(),
  authHost: httpUrl.nullish(),
  appId: z.string().max(200).nullish(),
  appSecret: secret.nullish(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export const platformUpdate = platformCreate.omit({ kind: true }).partial().extend({ apiHost: httpUrl.optional() });
export const platformView = z.object({
  id: z.string(),
  kind: platformKind,
  name: z.string(),
  description: z.string().nullable(),
  apiVersion: z.string().nullable(),
  apiHost: z.string(),
  authHost: z.string().nullable(),
  appId: z.string().nullable(),
  hasAppSecret: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// ---------- channels ----------
const erpMapping = {
  erpOrgId: z.number().int().min(0).max(2_147_483_647).nullish(),
  erpWarehouseId: erpId.nullish(),
  erpDocTypeId: erpId.nullish(),
  erpPriceListId: erpId.nullish(),
  erpPaymentTermId: erpId.nullish(),
  erpDefaultCustomerId: erpId.nullish(),
  erpCustomerGroupId: erpId.nullish(),
  erpShippingChargeId: erpId.nullish(),
  erpDiscountChargeId: erpId.nullish(),
  customerMode: z.enum(['per_buyer', 'default_customer']).optional(),
  skuMatch: z.enum(['value', 'upc', 'sku']).optional(),
  allowCreateProducts: z.boolean().optional(),
  erpCreateOn: z.array(z.enum(ORDER_STATUSES)).max(8).optional(),
  completeInErp: z.boolean().optional(),
};
const channelFields = {
  name: shortText,
  description: longText.nullish(),
  /** The store's id on the platform; may be left out and learned when the store is connected. */
  externalShopId: shortText.optional(),
  accessToken: secret.nullish(),
  refreshToken: secret.nullish(),
  accessTokenExpiresAt: instant.nullish(),
  refreshTokenExpiresAt: instant.nullish(),
  /** Platform-specific secrets (momo loginInfo, Cyberbiz v1 key/secret). */
  credentials: z.record(z.string().min(1).max(100), z.string().max(4000)).nullish(),
  /** The secret in this channel's webhook URL (/webhooks/<platform>/<channelId>/<secret>). */
  webhookSecret: z
    .string()
    .min(16, { message: 'must be at least 16 characters' })
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'letters, digits, _ and - only' })
    .nullish(),
  syncIntervalSeconds: z.number().int().min(30).max(86_400).optional(),
  syncStartAt: instant.optional(),
  ...erpMapping,
};
export const channelCreate = z.strictObject({ platformId: uuid, ...channelFields });
export const channelUpdate = z.strictObject(channelFields).partial();
export const channelList = z.strictObject({
  platformId: uuid.optional(),
  state: z.enum(['active', 'paused', 'needs_reauth', 'failing']).optional(),
});
export const channelView = z.object({
  id: z.string(),
  platformId: z.string(),
  platformKind: platformKind,
  platformName: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  externalShopId: z.string().nullable(),
  connected: z.boolean(),
  hasAccessToken: z.boolean(),
  hasRefreshToken: z.boolean(),
  hasCredentials: z.boolean(),
  hasWebhookSecret: z.boolean(),
  accessTokenExpiresAt: z.string().nullable(),
  refreshTokenExpiresAt: z.string().nullable(),
  tokenVersion: z.number(),
  syncIntervalSeconds: z.number(),
  syncStartAt: z.string(),
  state: z.string(),
  stage: z.string(),
  stageStartedAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  failureCount: z.number(),
  cursorCreatedAt: z.string().nullable(),
  cursorUpdatedAt: z.string().nullable(),
  erpOrgId: z.number().nullable(),
  erpWarehouseId: z.number().nullable(),
  erpDocTypeId: z.number().nullable(),
  erpPriceListId: z.number().nullable(),
  erpPaymentTermId: z.number().nullable(),
  erpDefaultCustomerId: z.number().nullable(),
  erpCustomerGroupId: z.number().nullable(),
  erpShippingChargeId: z.number().nullable(),
  erpDiscountChargeId: z.number().nullable(),
  customerMode: z.string(),
  skuMatch: z.string(),
  allowCreateProducts: z.boolean(),
  erpCreateOn: z.array(z.string()),
  completeInErp: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const backfillCreate = z
  .strictObject({ from: instant, to: instant })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'from must be before to', path: ['from'] })
  .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= 366 * 86_400_000, {
    message: 'a window may cover at most 366 days',
    path: ['to'],
  });
export const syncRunView = z.object({
  id: z.string(),
  channelId: z.string(),
  kind: z.string(),
  status: z.string(),
  windowFrom: z.string().nullable(),
  windowTo: z.string().nullable(),
  pages: z.number(),
  ordersNew: z.number(),
  ordersChanged: z.number(),
  ordersUnchanged: z.number(),
  ordersInvalid: z.number(),
  progress: z.number().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export const jobQueued = z.object({ queued: z.boolean(), jobId: z.string().nullable(), state: z.string() });

// ---------- orders ----------
export const ERP_STATES = ['waiting', 'pending', 'writing', 'written', 'blocked', 'failed', 'needs_attention'] as const;
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const MAX_PAGE = 200;
export const orderList = z.strictObject({
  channelId: uuid.optional(),
  platformStatus: z.string().max(100).optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  erpState: z.enum(ERP_STATES).optional(),
  blocked: boolQuery.optional(),
  externalId: z.string().max(200).optional(),
  createdFrom: instant.optional(),
  createdTo: instant.optional(),
  updatedFrom: instant.optional(),
  updatedTo: instant.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE, { message: `at most ${MAX_PAGE}` })
    .default(50),
  /** Opaque cursor from the previous page's nextCursor. */
  cursor: z.string().max(200).optional(),
  offset: z.coerce.number().int().min(0).max(100_000).optional(),
});
export const orderSummary = z.object({
  id: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  platformKind: platformKind,
  externalId: z.string(),
  externalNumber: z.string().nullable(),
  platformStatus: z.string().nullable(),
  status: z.string().nullable(),
  platformCreatedAt: z.string().nullable(),
  platformUpdatedAt: z.string().nullable(),
  total: z.string().nullable(),
  invalidReason: z.string().nullable(),
  erpState: z.string(),
  erpReason: z.string().nullable(),
  erpOrderId: z.number().nullable(),
  erpDocumentNo: z.string().nullable(),
  erpAttempts: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const orderPage = z.object({ items: z.array(orderSummary), nextCursor: z.string().nullable() });
export const erpCallView = z.object({
  id: z.string(),
  action: z.string(),
  method: z.string(),
  path: z.string(),
  request: z.unknown(),
  status: z.number().nullable(),
  durationMs: z.number(),
  documentNo: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
export const shipmentView = z.object({
  id: z.string(),
  orderId: z.string(),
  channelId: z.string(),
  erpInOutId: z.number(),
  erpDocumentNo: z.string().nullable(),
  erpShipperName: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  packageNumber: z.string().nullable(),
  shippedAt: z.string().nullable(),
  state: z.string(),
  reason: z.string().nullable(),
  attempts: z.number(),
  pushedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const orderDetail = orderSummary.extend({
  raw: z.unknown(),
  normalized: z.unknown(),
  contentHash: z.string(),
  erpReference: z.string().nullable(),
  erpWrittenHash: z.string().nullable(),
  erpCalls: z.array(erpCallView),
  shipments: z.array(shipmentView),
});
export const retryMany = z
  .strictObject({
    ids: z.array(uuid).min(1).max(500).optional(),
    /** Retry every order in this state (blocked or failed), optionally of one channel. */
    erpState: z.enum(['blocked', 'failed', 'needs_attention']).optional(),
    channelId: uuid.optional(),
  })
  .refine((b) => (b.ids ? !b.erpState : !!b.erpState), { message: 'give either ids or erpState', path: ['ids'] });
export const retryResult = z.object({ orderId: z.string(), queued: z.boolean(), reason: z.string().nullable() });
export const shipmentList = z.strictObject({
  channelId: uuid.optional(),
  orderId: uuid.optional(),
  // Every state the database knows (not_pushed included): the schema's enum is the one list.
  state: z.enum(ShipmentState).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

// ---------- mappings ----------
export const skuMappingCreate = z.strictObject({ channelId: uuid, platformSku: shortText, erpProductId: erpId });
export const skuMappingUpdate = z.strictObject({ platformSku: shortText, erpProductId: erpId }).partial();
export const skuMappingView = z.object({
  id: z.string(),
  channelId: z.string(),
  platformSku: z.string(),
  erpProductId: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const carrierMappingCreate = z.strictObject({
  channelId: uuid,
  erpShipperName: shortText,
  platformCarrier: shortText,
});
export const carrierMappingUpdate = z.strictObject({ erpShipperName: shortText, platformCarrier: shortText }).partial();
export const carrierMappingView = z.object({
  id: z.string(),
  channelId: z.string(),
  erpShipperName: z.string(),
  platformCarrier: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const mappingList = z.strictObject({ channelId: uuid.optional() });

// ---------- API keys ----------
/** An API key as listed: never the key or its hash, only its first characters to recognize it. */
export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'viewer']),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
