// The SQL of the writer's rows (read the orders, mark them `writing`, save the decisions of a batch in one
// statement) and the oms_erp_call records of every iDempiere call: one builder, one INSERT per batch.
import type { Db } from '@oms/db';
import { IdempiereError } from '../errors';
import type { CallRow, Row, RowUpdate } from './types';

/** The message kept for an error in a reason and in oms_erp_call.error: iDempiere's title and detail. */
export function errorMessage(err: unknown): string {
  if (err instanceof IdempiereError) {
    const d = err.details;
    return [d.title, d.detail].filter(Boolean).join(': ') || err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Keeps the request that goes into oms_erp_call small and free of anything secret (there is none in bodies). */
export function requestRecord(body: unknown, extra: Record<string, unknown> = {}): unknown {
  return { ...extra, body };
}

/** Each recorded action: its HTTP method and the table it is about. */
const CALLS = {
  lookup: ['GET', 'C_Order'],
  create: ['POST', 'C_Order'],
  'create-customer': ['POST', 'C_BPartner'],
  'create-product': ['POST', 'M_Product'],
  void: ['PUT', 'C_Order'],
  update: ['PUT', 'C_Order'],
  reactivate: ['PUT', 'C_Order'],
  'check-shipped': ['GET', 'M_InOut'],
  'record-shipment': ['GET', 'M_InOut'],
  'write-tracking': ['PUT', 'M_InOut'],
} as const;

export type CallAction = keyof typeof CALLS;

/**
 * One oms_erp_call record: the action names the method and the path (`models/<table>`, with `/<recordId>` for a
 * write to one record). `status` defaults to 200 (a read or write that succeeded).
 */
export function callRecord(
  action: CallAction,
  call: {
    orderId: string | null;
    shipmentId?: string | null;
    recordId?: number;
    request: unknown;
    status?: number | null;
    durationMs: number;
    documentNo?: string | null;
    error?: string | null;
  },
): CallRow {
  const [method, table] = CALLS[action];
  const { recordId, status, ...rest } = call;
  return {
    ...rest,
    action,
    method,
    path: recordId === undefined ? `models/${table}` : `models/${table}/${recordId}`,
    status: status === undefined ? 200 : status,
  };
}

/**
 * One INSERT for many calls, the rows as one JSON parameter: the ORM would walk every nested object of every
 * request, and text arrays get escaped character by character.
 */
export async function recordCalls(db: Db, rows: CallRow[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      order_id: r.orderId,
      shipment_id: r.shipmentId ?? null,
      action: r.action,
      method: r.method,
      path: r.path,
      request: r.request ?? null,
      status: r.status,
      duration_ms: Math.round(r.durationMs),
      document_no: r.documentNo ?? null,
      error: r.error ? r.error.slice(0, 2000) : null,
    })),
  );
  await db.$executeRaw`
    INSERT INTO oms_erp_call (id, order_id, shipment_id, action, method, path, request, status, duration_ms, document_no, error)
    SELECT gen_random_uuid(), u.order_id, u.shipment_id, u.action, u.method, u.path, u.request, u.status, u.duration_ms, u.document_no, u.error
    FROM jsonb_to_recordset(${json}::jsonb)
      AS u(order_id uuid, shipment_id uuid, action text, method text, path text, request jsonb, status int, duration_ms int, document_no text, error text)`;
}

/** Saves the decisions of a batch: one UPDATE for all its orders. */
export async function applyUpdates(db: Db, updates: RowUpdate[]): Promise<void> {
  if (!updates.length) return;
  const col = <T>(fn: (u: RowUpdate) => T) => updates.map(fn);
  await db.$executeRaw`
    UPDATE oms_order AS o SET
      erp_state = u.state::"ErpState",
      erp_reason = u.reason,
      erp_order_id = COALESCE(u.erp_id, o.erp_order_id),
      erp_document_no = COALESCE(u.doc, o.erp_document_no),
      erp_doc_status = COALESCE(u.doc_status, o.erp_doc_status),
      erp_written_hash = COALESCE(u.hash, o.erp_written_hash),
      erp_updated_at = now(),
      updated_at = now()
    FROM unnest(
      ${col((u) => u.id)}::uuid[], ${col((u) => u.state)}::text[], ${col((u) => u.reason)}::text[], ${col((u) => u.erpOrderId ?? null)}::int[],
      ${col((u) => u.documentNo ?? null)}::text[], ${col((u) => u.docStatus ?? null)}::text[], ${col((u) => u.writtenHash ?? null)}::text[]
    ) AS u(id, state, reason, erp_id, doc, doc_status, hash)
    WHERE o.id = u.id`;
}

/** The idempotency mark: from here on a retry looks the order up by POReference before writing it again. */
export async function markWriting(db: Db, list: { id: string; ref: string }[]): Promise<void> {
  if (!list.length) return;
  await db.$executeRaw`
    UPDATE oms_order AS o SET erp_state = 'writing', erp_reference = u.ref, erp_attempts = o.erp_attempts + 1,
      erp_updated_at = now(), updated_at = now()
    FROM unnest(${list.map((l) => l.id)}::uuid[], ${list.map((l) => l.ref)}::text[]) AS u(id, ref)
    WHERE o.id = u.id`;
}

/**
 * The columns the writer needs (not the raw payload), in one plain query: the ORM's per-row work costs more than
 * iDempiere's time per order. Channels are few; read in a second query.
 */
export async function loadRows(db: Db, ids: string[]): Promise<Row[]> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT id, channel_id, external_id, content_hash, normalized::text AS normalized, invalid_reason, erp_state::text AS erp_state, erp_order_id,
           erp_document_no, erp_doc_status, erp_reference, erp_written_hash
    FROM oms_order WHERE id = ANY(${ids}::uuid[])`;
  const channelIds = [...new Set(rows.map((r) => r.channel_id as string))];
  const channels = channelIds.length ? await db.channel.findMany({ where: { id: { in: channelIds } } }) : [];
  return rows.map(
    (r) =>
      ({
        id: r.id,
        channelId: r.channel_id,
        externalId: r.external_id,
        contentHash: r.content_hash,
        // Read as text and parsed here: the driver's JSON result mapping walks every value and cost more.
        normalized: r.normalized === null ? null : JSON.parse(r.normalized as string),
        invalidReason: r.invalid_reason,
        erpState: r.erp_state,
        erpOrderId: r.erp_order_id,
        erpDocumentNo: r.erp_document_no,
        erpDocStatus: r.erp_doc_status,
        erpReference: r.erp_reference,
        erpWrittenHash: r.erp_written_hash,
        channel: channels.find((c) => c.id === r.channel_id)!,
      }) as unknown as Row,
  );
}
