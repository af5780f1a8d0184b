// The writer's shapes: its context and settings, the rows it reads, the decisions it makes (outcomes and the
// row updates they bring), the oms_erp_call records of its calls, and a batch on its way.
import type { CanonicalOrder } from '@oms/core';
import type { Channel, Db, Order } from '@oms/db';
import type { Logger } from '@oms/logger';
import type { IdempiereClient } from '../client';
import type { IdRecord } from '../model';
import type { IdempiereError } from '../errors';
import type { MappedOrder, MappingSettings, NewProductSettings } from '../mapping';
import { CustomerCache, ProductCache, type CustomerNeed } from './catalog';

export interface WriterSettings extends MappingSettings {
  /** Orders per batch request. */
  batchSize: number;
  /** Batches one write-order job may chain (taking further waiting jobs) before it returns. */
  batchesPerJob?: number;
  /** UOM, category and tax category of products created for unknown SKUs (channels with allowCreateProducts). */
  newProduct?: NewProductSettings;
}

export interface WriterContext {
  db: Db;
  client: IdempiereClient;
  log: Logger;
  settings: WriterSettings;
  products: ProductCache;
  customers: CustomerCache;
}

/** A writer's context with empty product and customer caches. */
export function createWriterContext(opts: {
  db: Db;
  client: IdempiereClient;
  log: Logger;
  settings: WriterSettings;
}): WriterContext {
  return { ...opts, products: new ProductCache(opts.client), customers: new CustomerCache(opts.client) };
}

export type OutcomeState = 'written' | 'blocked' | 'waiting' | 'needs_attention' | 'unchanged' | 'retry';

export interface Outcome {
  state: OutcomeState;
  reason?: string;
  documentNo?: string;
  /** The error behind a `retry`: transient, the job retries with backoff. */
  error?: IdempiereError;
}

/** An oms_order row as the writer reads it (records.ts loadRows), with its channel. */
export type Row = Order & { channel: Channel };

/** One call to iDempiere as oms_erp_call records it (built by records.ts callRecord). */
export interface CallRow {
  orderId: string | null;
  shipmentId?: string | null;
  action: string;
  method: string;
  path: string;
  request: unknown;
  status: number | null;
  durationMs: number;
  documentNo?: string | null;
  error?: string | null;
}

/** The DB change an outcome makes to its oms_order row (applied for the whole batch in one statement). */
export interface RowUpdate {
  id: string;
  state: 'written' | 'blocked' | 'waiting' | 'needs_attention' | 'pending' | 'writing' | 'failed';
  reason: string | null;
  erpOrderId?: number | null;
  documentNo?: string | null;
  docStatus?: string | null;
  writtenHash?: string | null;
}

/** An order to write: its row and its canonical order. */
export interface Work {
  row: Row;
  canon: CanonicalOrder;
  /** Found by POReference after an interrupted write: exists in the ERP with this content. */
  found?: IdRecord;
}

/** Records an order's decision: the change to its row, and the outcome reported for it. */
export type Decide = (row: Row, update: Omit<RowUpdate, 'id'>, outcome: Outcome) => void;

/** A new order mapped and ready to create, with its customer (found, or created in the same request). */
export interface ReadyOrder {
  w: Work;
  mapped: MappedOrder;
  need: CustomerNeed;
}

/**
 * One batch of orders on its way: decided without writing (waiting, blocked, unchanged), orders to create in one
 * batch request, and existing ERP orders to void or update. Prepared (reads, mapping, the `writing` mark) while
 * the previous batch is still being written; sent strictly after it, so iDempiere never sees two writes at once.
 */
export interface PreparedBatch {
  ids: string[];
  outcomes: Map<string, Outcome>;
  updates: RowUpdate[];
  calls: CallRow[];
  ready: ReadyOrder[];
  existing: Work[];
  decide: Decide;
  /** Database writes started while sending (kept off the critical path), awaited by finishBatch. */
  saves: Promise<unknown>[];
  /** Products to create first in the batch request (unknown SKUs of channels that allow it). */
  newProducts: {
    sku: string;
    column: 'Value' | 'UPC' | 'SKU';
    orderId: string;
    body: Record<string, unknown>;
    price: Record<string, unknown> | null;
  }[];
}

/** How sendBatch hands over to the batches around it (handler.ts pipelines them). */
export interface SendHooks {
  /** Called once iDempiere has finished this batch's writes (its answer started): the next batch may go out. */
  onWritten?: () => void;
  /** The previous batch's processing: this batch's results are read after it (customers it created are known). */
  after?: Promise<unknown>;
}
