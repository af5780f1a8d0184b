export * from './adapter';
export * from './errors';
export { getAdapter } from './registry';
export {
  loadChannelAccess,
  saveTokens,
  toChannelAccess,
  ChannelNotFoundError,
  type ChannelWithPlatform,
} from './access';
export { contentHash, canonicalJson } from './hash';
export { DEFAULT_JOB_SETTINGS, withChannelLock, type JobSettings, type PlatformJobContext } from './jobs/context';
export { computeWindows, handleGetOrders, importWindow } from './jobs/get-orders';
export { handleRefreshToken, handleFetchOrder, handleBackfill } from './jobs/other';
export { handlePushShipment } from './jobs/push-shipment';
export { refreshChannelToken, type RefreshOutcome } from './jobs/refresh';
export { upsertOrders, nextErpState } from './jobs/upsert';
export { platformConsumer, type ConsumerOptions } from './jobs/consumer';
export { runPlatformWorker } from './worker-main';
