// Redaction that follows the data wherever it nests: pino's path-based redact cannot express "any key
// named like a secret at any depth", and platform clients put tokens in URLs and headers.

export const REDACTED = '[redacted]';

/** Keys whose values are secrets, whatever object they sit in. */
const SECRET_KEY =
  /(token|secret|passw(or)?d|pwd|authorization|api[-_]?key|apikey|cookie|^sign$|signature|credential|private[-_]?key|partner[-_]?key|app[-_]?key|entppwd|loginInfo|^key$|[-_]key$)/i;

/** key=value pairs in URLs and query strings whose values are secrets. */
const SECRET_PARAM =
  /\b(access_token|refresh_token|token|sign|signature|password|passwd|client_secret|partner_key|api_key|code)=([^&\s"']+)/gi;
const BEARER = /\b(Bearer|Basic|hmac)\s+[A-Za-z0-9._~+/=-]{8,}[^\s"']*/g;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactString(value: string): string {
  return value
    .replace(SECRET_PARAM, (_m, k: string) => `${k}=${REDACTED}`)
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`);
}

/** A copy of value with every secret replaced; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: redactString(value.message) };
    if (value.stack) out.stack = redactString(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redact(v, depth + 1, seen);
    if ('cause' in value && value.cause !== undefined) out.cause = redact(value.cause, depth + 1, seen);
    return out;
  }
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[buffer ${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  return out;
}
