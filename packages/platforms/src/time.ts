// Platform time formats to UTC instants and back. Taipei is UTC+8 all year (no DST): a fixed offset is exact.
const TAIPEI_OFFSET_MS = 8 * 3600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parts(ms: number, offsetMs: number) {
  const d = new Date(ms + offsetMs);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
  };
}

/** "YYYY-MM-DD HH:MM:SS" in Taipei (Cyberbiz query parameters). */
export function toTaipeiLocal(d: Date): string {
  const p = parts(d.getTime(), TAIPEI_OFFSET_MS);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** "YYYY-MM-DD HH:MM:SS" in UTC (Shopline query parameters). */
export function toUtcLocal(d: Date): string {
  const p = parts(d.getTime(), 0);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** momo's split fields in Taipei: date "yyyy/MM/dd", hour "HH", minute "mm". */
export function toMomoParts(d: Date): { date: string; hour: string; minute: string } {
  const p = parts(d.getTime(), TAIPEI_OFFSET_MS);
  return { date: `${p.y}/${p.mo}/${p.d}`, hour: p.h, minute: p.mi };
}

const LOCAL_RE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses "YYYY-MM-DD HH:MM:SS" (or with "/") read as Taipei local time; null when malformed. */
export function parseTaipeiLocal(text: string): Date | null {
  const m = LOCAL_RE.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0') as string[];
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) return null;
  return new Date(ms - TAIPEI_OFFSET_MS);
}

/** ISO 8601 with an explicit zone (Shopline); null when malformed or without a zone. */
export function parseIsoWithZone(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text.trim())) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}
