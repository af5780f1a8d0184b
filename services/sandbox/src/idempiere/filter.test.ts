// Unit tests of the $filter/$orderby parser against rows in memory (the conformance test covers it over HTTP).
import { describe, expect, it } from 'vitest';
import { tableDef } from './dictionary';
import { compileFilter, compileOrderBy, splitTokens } from './filter';
import { RestError, type Row } from './store';

const def = tableDef('C_Order');
const rows: Row[] = [
  {
    C_Order_ID: 1,
    DocumentNo: '80000',
    POReference: "O'Neil",
    DocStatus: 'CO',
    GrandTotal: 100,
    IsSOTrx: true,
    Updated: Date.parse('2026-01-01T00:00:00Z'),
    Description: null,
  },
  {
    C_Order_ID: 2,
    DocumentNo: '80001',
    POReference: 'A_B%1',
    DocStatus: 'DR',
    GrandTotal: 50.5,
    IsSOTrx: true,
    Updated: Date.parse('2026-01-02T00:00:00Z'),
    Description: 'x',
  },
  {
    C_Order_ID: 3,
    DocumentNo: '80002',
    POReference: 'AXB91',
    DocStatus: 'VO',
    GrandTotal: 0,
    IsSOTrx: false,
    Updated: Date.parse('2026-01-03T12:00:00Z'),
    Description: null,
  },
];
const ids = (f: string) => rows.filter(compileFilter(def, f)!).map((r) => r.C_Order_ID);

describe('$filter', () => {
  it('splits on spaces outside quotes and parentheses', () => {
    expect(splitTokens("(A eq 1 or B eq 'x y') and contains(Name,'a b')")).toEqual([
      "(A eq 1 or B eq 'x y')",
      'and',
      "contains(Name,'a b')",
    ]);
  });
  it('counts parentheses inside quotes, as DefaultQueryConverter#split does', () => {
    expect(splitTokens("Value eq 'a(' and B eq 1")).toEqual(['Value', 'eq', "'a(' and B eq 1"]);
    expect(() => ids("POReference in ('A,B')")).toThrow(/String values must be put between single quotes/);
  });
  it('compares with SQL semantics', () => {
    // ConvertedQuery#extractFromStringValue strips only the outer quotes: '' is not unescaped
    expect(ids("POReference eq 'O''Neil'")).toEqual([]);
    expect(ids("POReference eq 'O'Neil'")).toEqual([1]);
    expect(ids("DocStatus in ('CO','VO')")).toEqual([1, 3]);
    expect(ids('GrandTotal gt 0 and GrandTotal lt 100')).toEqual([2]);
    expect(ids("Description neq 'x'")).toEqual([]); // NULL matches no comparison
    expect(ids('Description eq null')).toEqual([1, 3]);
    expect(ids('IsSOTrx eq false or id eq 1')).toEqual([1, 3]);
    expect(ids("DocStatus eq 'CO' or DocStatus eq 'DR' and GrandTotal eq 0")).toEqual([1]); // and binds tighter
    expect(ids("Updated ge '2026-01-02T00:00:00Z'")).toEqual([2, 3]);
    expect(ids("Updated gt '2026-01-02 00:00:00'")).toEqual([3]);
  });
  it('treats % and _ as LIKE wildcards', () => {
    expect(ids("startswith(POReference,'A_B')")).toEqual([2, 3]);
    expect(ids("contains(POReference,'%')")).toEqual([1, 2, 3]);
    expect(ids("not endswith(POReference,'1')")).toEqual([1]);
  });
  it('refuses unknown columns, unquoted strings, bad operators and stray NOT', () => {
    for (const f of [
      "Nope eq 'x'",
      'DocumentNo eq 80000',
      "DocumentNo like '8'",
      "not DocumentNo eq '1'",
      'GrandTotal gt null',
      'DocumentNo eq',
    ]) {
      expect(() => compileFilter(def, f), f).toThrow(RestError);
    }
    expect(() => compileFilter(def, "substringof('x',DocumentNo)")).toThrow(/not implemented/);
  });
  it('gives equality hints for indexed lookups only from AND terms', () => {
    expect(compileFilter(def, "POReference eq 'x' and AD_Org_ID eq 11")!.hints).toEqual([
      { column: 'POReference', value: 'x' },
      { column: 'AD_Org_ID', value: 11 },
    ]);
    expect(compileFilter(def, "POReference eq 'x' or AD_Org_ID eq 11")!.hints).toBeUndefined();
    expect(compileFilter(def, 'POReference eq DocumentNo')!.hints).toBeUndefined();
  });
});

describe('$orderby', () => {
  it('sorts with NULLs last ascending and first descending', () => {
    const asc = [...rows].sort(compileOrderBy(def, 'Description, GrandTotal desc')).map((r) => r.C_Order_ID);
    expect(asc).toEqual([2, 1, 3]);
    const desc = [...rows].sort(compileOrderBy(def, 'Description desc, id')).map((r) => r.C_Order_ID);
    expect(desc).toEqual([1, 3, 2]);
    expect(() => compileOrderBy(def, 'Nope')).toThrow();
  });
});
