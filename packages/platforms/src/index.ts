export * from './adapter';
export * from './errors';
export { getAdapter } from './registry';
export {
  loadChannelAccess,
  toChannelAccess,
  isPlaceholderShopId,
  UNCONNECTED_PREFIX,
  ChannelNotFoundError,
  type ChannelWithPlatform,
  type LoadedChannel,
} from './access';
export * as channelState from './channel-state';
export { contentHash, canonicalJson } from './hash';
export { DEFAULT_JOB_SETTINGS, type JobSettings, type PlatformJobContext } from './jobs/context';
export { withChannelLock } from './jobs/channel-guard';
export { computeWindows, importWindow, splitWindow } from './jobs/windows';
export { handleGetOrders } from './jobs/get-orders';
export { handleRefreshToken } from './jobs/refresh-token';
export { handleFetchOrder } from './jobs/fetch-order';
export { handleBackfill } from './jobs/backfill';
export { handlePushShipment } from './jobs/push-shipment';
export { refreshChannelToken, withFreshToken, type RefreshOutcome } from './jobs/token';
export { upsertOrders, nextErpState } from './jobs/upsert';
export { platformConsumer, type ConsumerOptions } from './jobs/consumer';
export { runPlatformWorker } from './worker-main';
