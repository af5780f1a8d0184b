// A small builder for iDempiere's $filter: column names are checked, values are quoted and escaped, so a
// platform SKU or order number can never change the meaning of the query.

export type FilterValue = string | number | boolean | null | Date;

/** A piece of a $filter expression, already safe to join. */
export class Filter {
  /** kind lets and()/or() add parentheses only where precedence needs them (simple parsers handle less). */
  constructor(
    readonly expr: string,
    readonly kind: 'atom' | 'and' | 'or' = 'atom',
  ) {}
  toString(): string {
    return this.expr;
  }
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function column(name: string): string {
  if (!COLUMN.test(name)) throw new Error(`invalid column name for $filter: "${name}"`);
  return name;
}

/** A literal as iDempiere's OData-like parser expects it: strings in single quotes, quotes doubled. */
export function literal(value: FilterValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number for $filter: ${value}`);
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('invalid date for $filter');
    return `'${value.toISOString()}'`;
  }
  if (typeof value !== 'string') throw new Error(`unsupported $filter value: ${typeof value}`);
  return `'${value.replace(/'/g, "''")}'`;
}

type Op = 'eq' | 'neq' | 'gt' | 'ge' | 'lt' | 'le';

function compare(op: Op) {
  return (col: string, value: FilterValue): Filter => {
    if (value === null && op !== 'eq' && op !== 'neq')
      throw new Error(`null can only be compared with eq/neq (column ${col})`);
    return new Filter(`${column(col)} ${op} ${literal(value)}`);
  };
}

function join(op: 'and' | 'or', parts: (Filter | undefined | false)[]): Filter {
  const present = parts.filter((p): p is Filter => p instanceof Filter);
  if (present.length === 0) throw new Error(`${op}() needs at least one condition`);
  if (present.length === 1) return present[0]!;
  const other = op === 'and' ? 'or' : 'and';
  return new Filter(present.map((p) => (p.kind === other ? `(${p.expr})` : p.expr)).join(` ${op} `), op);
}

function stringFn(fn: 'contains' | 'startswith' | 'endswith') {
  return (col: string, value: string): Filter => new Filter(`${fn}(${column(col)},${literal(value)})`);
}

export const f = {
  eq: compare('eq'),
  neq: compare('neq'),
  gt: compare('gt'),
  ge: compare('ge'),
  lt: compare('lt'),
  le: compare('le'),
  /** `col in ('a','b')`; an empty list is refused (it would match nothing or everything depending on the server). */
  in(col: string, values: readonly FilterValue[]): Filter {
    if (values.length === 0) throw new Error(`in() on ${col} needs at least one value`);
    return new Filter(`${column(col)} in (${values.map(literal).join(',')})`);
  },
  and: (...parts: (Filter | undefined | false)[]) => join('and', parts),
  or: (...parts: (Filter | undefined | false)[]) => join('or', parts),
  not: (part: Filter) => new Filter(`not (${part.expr})`),
  contains: stringFn('contains'),
  startswith: stringFn('startswith'),
  endswith: stringFn('endswith'),
};
