// Time formats the platforms use. Taipei is UTC+8 all year (no DST), so a fixed offset is exact.

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
    ms: pad(d.getUTCMilliseconds(), 3),
  };
}

/** Cyberbiz: "2025-07-08 14:20:36", Taipei local, no zone. */
export function taipeiLocal(ms: number): string {
  const p = parts(ms, TAIPEI_OFFSET_MS);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** Shopline: ISO 8601 in UTC, e.g. "2025-07-08T06:20:36.000+00:00". */
export function utcIso(ms: number): string {
  const p = parts(ms, 0);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.${p.ms}+00:00`;
}

/** momo: "2025/07/08 14:20:36" (Taipei). */
export function momoDateTime(ms: number): string {
  const p = parts(ms, TAIPEI_OFFSET_MS);
  return `${p.y}/${p.mo}/${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** yyyyMMdd in Taipei, for order numbers. */
export function taipeiCompactDate(ms: number): string {
  const p = parts(ms, TAIPEI_OFFSET_MS);
  return `${p.y}${p.mo}${p.d}`;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

/** Parses "YYYY-MM-DD[ HH:MM:SS]" read in the given offset; null when malformed or not a real date. */
export function parseLocal(text: string, offsetMs: number): number | null {
  const m = LOCAL_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0') as string[];
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59) return null;
  return ms - offsetMs;
}

export const parseTaipeiLocal = (text: string) => parseLocal(text, TAIPEI_OFFSET_MS);
export const parseUtcLocal = (text: string) => parseLocal(text, 0);

/** momo's split date fields: date "yyyy/MM/dd", hour "HH", minute "mm" (Taipei). */
export function parseMomo(date: string, hour: string, minute: string): number | null {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(date);
  if (!m || !/^\d{1,2}$/.test(hour) || !/^\d{1,2}$/.test(minute)) return null;
  return parseLocal(`${m[1]}-${m[2]}-${m[3]} ${pad(+hour)}:${pad(+minute)}:00`, TAIPEI_OFFSET_MS);
}

/** Adds calendar months in Taipei time (momo's "two months" window). */
export function addTaipeiMonths(ms: number, months: number): number {
  const d = new Date(ms + TAIPEI_OFFSET_MS);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.getTime() - TAIPEI_OFFSET_MS;
}
