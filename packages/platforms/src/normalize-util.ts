// Small readers for platform payloads: each failure names the field, so a blocked order says what is wrong.
import { InvalidOrderError, money, type Money } from '@oms/core';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, field: string): Obj {
  if (!isObj(v))
    throw new InvalidOrderError(
      field,
      v === undefined || v === null ? 'is missing' : `must be an object, got ${JSON.stringify(v).slice(0, 60)}`,
    );
  return v;
}

export function arr(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v))
    throw new InvalidOrderError(
      field,
      v === undefined || v === null ? 'is missing' : `must be a list, got ${JSON.stringify(v).slice(0, 60)}`,
    );
  return v;
}

/** A trimmed string, or null when absent or empty. Numbers become strings (ids). */
export function optStr(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' ? null : s;
}

export function reqStr(v: unknown, field: string): string {
  const s = optStr(v);
  if (s === null) throw new InvalidOrderError(field, 'is missing');
  return s;
}

/** A platform amount (float or numeric string) as a decimal string. */
export function amount(v: unknown, field: string): Money {
  if (typeof v === 'number' && Number.isFinite(v)) return money(v);
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return money(Number(v.trim()));
  throw new InvalidOrderError(
    field,
    v === undefined || v === null ? 'is missing' : `not an amount: ${JSON.stringify(v)}`,
  );
}

export function optAmount(v: unknown, field: string, fallback: Money = '0.00'): Money {
  return v === undefined || v === null || v === '' ? fallback : amount(v, field);
}

export function quantity(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
    throw new InvalidOrderError(field, `must be a whole number above 0, got ${JSON.stringify(v)}`);
  return n;
}

/** Unix seconds to an ISO instant; null for 0/absent when allowed. */
export function unixSeconds(v: unknown, field: string): string {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    throw new InvalidOrderError(field, `must be a unix time in seconds, got ${JSON.stringify(v)}`);
  return new Date(v * 1000).toISOString();
}

export function optUnixSeconds(v: unknown, field: string): string | null {
  return v === undefined || v === null || v === 0 ? null : unixSeconds(v, field);
}

export function dateOrThrow(d: Date | null, raw: unknown, field: string): string {
  if (!d)
    throw new InvalidOrderError(
      field,
      raw === undefined || raw === null ? 'is missing' : `not a valid time: ${JSON.stringify(raw)}`,
    );
  return d.toISOString();
}
