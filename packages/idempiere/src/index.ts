export * from './errors';
export * from './filter';
export * from './model';
export * from './client';
export * from './mapping';
export {
  createWriterContext,
  type WriterContext,
  type WriterSettings,
  type Outcome,
  type OutcomeState,
} from './writer/types';
export { writeOrders } from './writer/batch';
export { recordCalls } from './writer/records';
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
} from './shipments/poll';
export { createErpWriter, createIdempiereClient, POLL_SHIPMENTS_SCHEDULER, type ErpWriter } from './writer/service';
