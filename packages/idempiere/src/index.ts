export * from './errors';
export * from './filter';
export * from './client';
export * from './mapping';
export {
  createWriterContext,
  writeOrders,
  recordCalls,
  type WriterContext,
  type WriterSettings,
  type Outcome,
  type OutcomeState,
} from './writer/orders';
export { ProductCache, CustomerCache } from './writer/catalog';
export { runWriteOrder, OutagePause, RetryLaterError } from './writer/handler';
export {
  pollShipments,
  releaseCarrierBlocked,
  writeTrackingNumber,
  writeBackAssignedTracking,
  carrierFor,
  SHIPMENT_CURSOR,
  type PollResult,
} from './writer/shipments';
export { createErpWriter, createIdempiereClient, POLL_SHIPMENTS_SCHEDULER, type ErpWriter } from './writer/service';
