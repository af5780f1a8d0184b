// iDempiere's errors, classified so the writer decides from the class alone: block the order (permanent),
// retry it later (transient), or pause the whole queue (iDempiere unreachable or our login refused).
// The body shape everywhere is {title, status, detail} (ErrorBuilder in the REST plugin).

export type IdempiereErrorKind =
  /** Login refused, or the token rejected after a fresh login (401): our credentials, not this order. */
  | 'auth'
  /** No access to this record or organization (403): a mapping problem of this order. */
  | 'forbidden'
  /** Record or table does not exist (404). */
  | 'not_found'
  /** A business refusal (any other 4xx; a 500 save/update/delete/doc-action error): retrying changes nothing. */
  | 'validation'
  /** A database-level condition (lock or statement timeout, deadlock, serialization, document number): try again. */
  | 'lock_timeout'
  /** An unexplained server error (a 500 whose title is not a business refusal): try again. */
  | 'server'
  /** No answer: connection refused/reset, request timeout, 502/503/504. */
  | 'unavailable';

export class IdempiereError extends Error {
  constructor(
    readonly kind: IdempiereErrorKind,
    message: string,
    readonly details: { status?: number; title?: string; detail?: string; method?: string; path?: string } = {},
  ) {
    super(message);
    this.name = 'IdempiereError';
  }

  /** Worth retrying the same request later. */
  get transient(): boolean {
    return (
      this.kind === 'lock_timeout' || this.kind === 'server' || this.kind === 'unavailable' || this.kind === 'auth'
    );
  }

  /** Nothing about this order will make it pass: block it with the message. */
  get permanent(): boolean {
    return !this.transient;
  }

  /** iDempiere as a whole cannot be used right now (down, or our credentials refused): pause everything. */
  get outage(): boolean {
    return this.kind === 'unavailable' || this.kind === 'auth';
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

// Classification goes by HTTP status and title, never by words inside the detail: details quote the order's own
// data (a ProductNotOnPriceList detail names the product, "PADLOCK-01 - Padlock"), and they are translated into the
// login language (docs/idempiere.md, "Error classes").

/**
 * 500 titles of a business refusal. ModelResourceImpl hard-codes "Save error", "Update error", "Delete error" and
 * "Server error" in English whatever the login language; only the doc-action title is Msg.getMsg
 * ("FailedProcessingDocument"), so it is listed in every language we know (zh_TW: the stand-in's text, see
 * services/sandbox/src/idempiere/messages.ts).
 */
const BUSINESS_TITLES = new Set(
  ['Save error', 'Update error', 'Delete error', 'Failed when processing document', '處理文件時失敗'].map((t) =>
    t.toLowerCase(),
  ),
);
/** The outer catch of ModelResourceImpl#create/#update: business only when LookupTypeConverter refused a value. */
const SERVER_ERROR = 'server error';
const LOOKUP_REFUSAL = /^(Could not convert value|More than one ID found|Column not found ->|Date wrongly formatted)/;

/**
 * Database-level conditions, the only transient 500s: whole words or exact phrases (PostgreSQL's and core's own
 * texts), so that data quoted in a detail ("Padlock", "Deadlock Pro") never matches.
 */
const DB_LEVEL = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])(?:deadlock detected|lock timeout|statement timeout|could not obtain lock|` +
    String.raw`could not serialize|serialization failure|canceling statement|GenerateDocumentNo(?:TimeOut)?|` +
    String.raw`connection (?:reset|refused|closed)|too many connections)(?![\p{L}\p{N}_])`,
  'iu',
);

export interface ErrorBody {
  title?: unknown;
  status?: unknown;
  detail?: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** The kind of an error reply from its status, title and detail (see the rules above). */
function kindOf(status: number, title: string | undefined, detail: string | undefined): IdempiereErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504) return 'unavailable';
  if (status < 500) return 'validation';
  if (DB_LEVEL.test(`${title ?? ''}\n${detail ?? ''}`)) return 'lock_timeout';
  const t = title?.toLowerCase();
  if (t && BUSINESS_TITLES.has(t)) return 'validation';
  if (t === SERVER_ERROR && detail && LOOKUP_REFUSAL.test(detail)) return 'validation';
  // Any other 500 (an unknown title, an HTML page, no body): unexplained, so retried until the attempts run out.
  return 'server';
}

/**
 * A refused transaction=true batch (BatchRequestResourseImpl#processBatch): HTTP 400 with the results up to the
 * failing item, which is the first one with statusCode >= 400.
 */
function failingItem(body: unknown): { index: number; status: number; body: unknown } | undefined {
  if (!Array.isArray(body)) return undefined;
  for (let i = 0; i < body.length; i++) {
    const x = (body[i] ?? {}) as { statusCode?: unknown; body?: unknown };
    const code = Number(x.statusCode);
    if (Number.isFinite(code) && code >= 400) return { index: i, status: code, body: x.body };
  }
  return undefined;
}

/** Classifies an HTTP error reply of iDempiere. */
export function classifyHttpError(
  status: number,
  body: unknown,
  where: { method?: string; path?: string } = {},
): IdempiereError {
  const item = failingItem(body);
  const own = item ? item.body : body;
  const b = (own && typeof own === 'object' ? own : {}) as ErrorBody;
  const title = text(b.title);
  const detail = text(b.detail) ?? (typeof own === 'string' ? text(own.slice(0, 500)) : undefined);
  const said = [title, detail].filter(Boolean).join(': ') || `HTTP ${item?.status ?? status}`;
  const at = item ? ` item ${item.index + 1} (${item.status})` : '';
  const message = `iDempiere ${where.method ?? ''} ${where.path ?? ''} → ${status}${at} ${said}`
    .replace(/\s+/g, ' ')
    .trim();
  const details = { status, title, detail, ...where };
  return new IdempiereError(kindOf(item?.status ?? status, title, detail), message, details);
}

/** Classifies a failure to get any reply (network, abort on timeout). */
export function classifyNetworkError(err: unknown, where: { method?: string; path?: string } = {}): IdempiereError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
  return new IdempiereError(
    'unavailable',
    `iDempiere ${where.method ?? ''} ${where.path ?? ''} unreachable: ${timedOut ? 'request timed out' : why}`.replace(
      /\s+/g,
      ' ',
    ),
    {
      ...where,
    },
  );
}

export function isIdempiereError(err: unknown): err is IdempiereError {
  return err instanceof IdempiereError;
}
