// Money as decimal strings ("1234.50"), computed exactly in ten-thousandths: platforms send floats,
// iDempiere wants exact amounts, and a total must match to the cent.

const SCALE = 10_000n;
const MONEY = /^-?\d+(\.\d{1,4})?$/;

export type Money = string;

export function isMoney(value: string): boolean {
  return MONEY.test(value);
}

/** From a platform's number or numeric string; rounds half away from zero at 4 decimals. */
export function money(value: number | string): Money {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite amount: ${value}`);
    return fromUnits(BigInt(Math.round(value * 10_000)));
  }
  const s = value.trim();
  if (!isMoney(s)) throw new Error(`not an amount: "${value}"`);
  return fromUnits(toUnits(s));
}

export function toUnits(m: Money): bigint {
  if (!isMoney(m)) throw new Error(`not an amount: "${m}"`);
  const neg = m.startsWith('-');
  const [int, frac = ''] = (neg ? m.slice(1) : m).split('.');
  const units = BigInt(int!) * SCALE + BigInt((frac + '0000').slice(0, 4));
  return neg ? -units : units;
}

export function fromUnits(units: bigint): Money {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / SCALE;
  const frac = (abs % SCALE)
    .toString()
    .padStart(4, '0')
    .replace(/0{1,2}$/, '')
    .padEnd(2, '0');
  return `${neg && abs !== 0n ? '-' : ''}${int}.${frac}`;
}

export function add(...values: Money[]): Money {
  return fromUnits(values.reduce((acc, v) => acc + toUnits(v), 0n));
}

export function sub(a: Money, b: Money): Money {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function times(a: Money, quantity: number): Money {
  if (!Number.isInteger(quantity)) throw new Error(`quantity must be whole: ${quantity}`);
  return fromUnits(toUnits(a) * BigInt(quantity));
}

export function negate(a: Money): Money {
  return fromUnits(-toUnits(a));
}

export function isZero(a: Money): boolean {
  return toUnits(a) === 0n;
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  const d = toUnits(a) - toUnits(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Equal to the cent (fractions of a cent are ignored). */
export function sameCents(a: Money, b: Money): boolean {
  return toUnits(a) / 100n === toUnits(b) / 100n;
}
