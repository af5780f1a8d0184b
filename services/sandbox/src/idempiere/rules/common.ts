// Small value helpers the model rules share.

/** Amounts as iDempiere rounds them to the currency's 2 decimals. */
export function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

/** Today as a Date column stores it: yyyy-MM-dd. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
