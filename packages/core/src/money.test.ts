import { describe, expect, it } from 'vitest';
import { add, compare, money, sameCents, sub, times } from './money';

describe('money', () => {
  it.each([
    [199, '199.00'],
    [199.9, '199.90'],
    [0.1 + 0.2, '0.30'],
    [12.345, '12.345'],
    ['1000', '1000.00'],
    ['-5.5', '-5.50'],
  ])('money(%s) = %s', (input, expected) => {
    expect(money(input)).toBe(expected);
  });

  it('adds, subtracts and multiplies exactly', () => {
    expect(add('0.10', '0.20', '0.30')).toBe('0.60');
    expect(sub('100.00', '100.01')).toBe('-0.01');
    expect(times('33.33', 3)).toBe('99.99');
    expect(compare('1.00', '1')).toBe(0);
    expect(sameCents('10.004', '10.00')).toBe(true);
    expect(sameCents('10.01', '10.00')).toBe(false);
  });

  it('refuses what is not an amount', () => {
    expect(() => money('12,00')).toThrow(/not an amount/);
    expect(() => money(Number.NaN)).toThrow(/finite/);
  });
});
