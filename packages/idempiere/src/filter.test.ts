import { describe, expect, it } from 'vitest';
import { f, literal } from './filter';

describe('$filter builder', () => {
  it('quotes strings and doubles single quotes', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(f.eq('POReference', "A' or 1 eq 1 or Value eq 'x").toString()).toBe(
      "POReference eq 'A'' or 1 eq 1 or Value eq ''x'",
    );
    expect(f.eq('POReference', "A' or 'x").toString()).toBe("POReference eq 'A'' or ''x'");
  });

  it('writes numbers, booleans, null and dates as iDempiere expects', () => {
    expect(f.eq('AD_Org_ID', 11).toString()).toBe('AD_Org_ID eq 11');
    expect(f.eq('IsSOTrx', true).toString()).toBe('IsSOTrx eq true');
    expect(f.neq('TrackingNo', null).toString()).toBe('TrackingNo neq null');
    expect(f.ge('Updated', new Date('2026-01-02T03:04:05.000Z')).toString()).toBe(
      "Updated ge '2026-01-02T03:04:05.000Z'",
    );
  });

  it('builds in-lists without spaces so the token stays whole', () => {
    expect(f.in('Value', ['TW-1001', "it's"]).toString()).toBe("Value in ('TW-1001','it''s')");
    expect(f.in('C_Order_ID', [1, 2]).toString()).toBe('C_Order_ID in (1,2)');
  });

  it('joins with and/or, adding parentheses only where precedence needs them', () => {
    const a = f.eq('A', 1);
    const b = f.eq('B', 2);
    const c = f.eq('C', 3);
    expect(f.and(a, b, c).toString()).toBe('A eq 1 and B eq 2 and C eq 3');
    expect(f.and(a, f.or(b, c)).toString()).toBe('A eq 1 and (B eq 2 or C eq 3)');
    expect(f.and(a, undefined, false).toString()).toBe('A eq 1');
    expect(f.contains('Description', '[oms:1]').toString()).toBe("contains(Description,'[oms:1]')");
    expect(f.not(f.contains('Name', 'x')).toString()).toBe("not (contains(Name,'x'))");
  });

  it('refuses what would change the query', () => {
    expect(() => f.eq('Value eq 1 or X', 1)).toThrow(/invalid column name/);
    expect(() => f.in('Value', [])).toThrow(/at least one value/);
    expect(() => f.gt('Qty', null)).toThrow(/null/);
    expect(() => f.eq('Qty', Number.NaN)).toThrow(/finite/);
    expect(() => f.and()).toThrow(/at least one/);
  });
});
