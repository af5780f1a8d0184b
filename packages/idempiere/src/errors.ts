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
  /** The data is wrong: mandatory/foreign key/column/doc-action errors. Retrying changes nothing. */
  | 'validation'
  /** A lock or statement timeout on the server (document number sequence, deadlock): try again. */
  | 'lock_timeout'
  /** An unexplained server error (500 without a business message): try again. */
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

const LOCK_OR_TIMEOUT =
  /time-?d?\s?out|timeout|lock|deadlock|could not serialize|GenerateDocumentNo|canceling statement|connection (reset|refused|closed)|too many connections/i;
// Messages of model validation and document processing: data problems, not server trouble.
const BUSINESS =
  /Save error|SaveError|FailedProcessingDocument|Mandatory|FillMandatory|NoLines|NotOnPriceList|Foreign ID|not found in|Cannot update|does not exist|Wrong name for column|Invalid|ParentComplete|NotAllowed|Period ?Closed|PeriodClosed|credit|ValidationError|not valid|Error processing document|Document ?Action/i;

export interface ErrorBody {
  title?: unknown;
  status?: unknown;
  detail?: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

/** Classifies an HTTP error reply of iDempiere. */
export function classifyHttpError(
  status: number,
  body: unknown,
  where: { method?: string; path?: string } = {},
): IdempiereError {
  const b = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  const title = text(b.title);
  const detail = text(b.detail) ?? (typeof body === 'string' ? text(body.slice(0, 500)) : undefined);
  const said = [title, detail].filter(Boolean).join(': ') || `HTTP ${status}`;
  const message = `iDempiere ${where.method ?? ''} ${where.path ?? ''} → ${status} ${said}`.replace(/\s+/g, ' ').trim();
  const details = { status, title, detail, ...where };
  const both = `${title ?? ''} ${detail ?? ''}`;
  if (status === 401) return new IdempiereError('auth', message, details);
  if (status === 403) return new IdempiereError('forbidden', message, details);
  if (status === 404) return new IdempiereError('not_found', message, details);
  if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504)
    return new IdempiereError('unavailable', message, details);
  if (LOCK_OR_TIMEOUT.test(both)) return new IdempiereError('lock_timeout', message, details);
  if (status >= 400 && status < 500) return new IdempiereError('validation', message, details);
  // 500: older servers report mandatory/save/doc-action failures as 500; those are business errors.
  if (BUSINESS.test(both)) return new IdempiereError('validation', message, details);
  return new IdempiereError('server', message, details);
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
