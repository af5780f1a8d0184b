// $filter, $orderby and $select as the plugin's DefaultQueryConverter/ConvertedQuery read them, literally
// (docs/idempiere.md, Reading models): `(`/`)` counted inside quotes, `in` split on every ",", only outer quotes
// stripped; eq/neq/gt/ge/lt/le/in, and/or, `not` before contains/startswith/endswith, SQL NULL and LIKE semantics.
import type { ColumnDef, TableDef } from './dictionary';
import { RestError, type Row } from './store';

export type Predicate = (row: Row) => boolean;
/** A compiled $filter; hints are `Column eq literal` terms that every match must satisfy (usable with an index). */
export type CompiledFilter = Predicate & { hints?: { column: string; value: unknown }[] };

const bad = (detail: string) => new RestError(400, 'GET Error', `Get POs with exception: ${detail}`);
const PARAM_METHODS = new Set(['contains', 'startswith', 'endswith']);
const VALUE_METHODS = new Set(['tolower', 'toupper']);

/** DefaultQueryConverter#split: spaces respect quotes, the depth counts `(`/`)` inside quotes too. */
export function splitTokens(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of expression) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === "'") quoted = !quoted;
    else if (ch === ' ' && depth === 0 && !quoted) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** Splits "a,'b,c',f(x,y)" outside quotes and parentheses; filter arguments keep empty parts, $expand drops them. */
export function splitTopLevel(s: string, sep: string, opts: { keepEmpty: boolean } = { keepEmpty: false }): string[] {
  const out: string[] = [];
  const push = (part: string) => {
    if (opts.keepEmpty || part) out.push(part);
  };
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === sep) {
      push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  push(cur.trim());
  return out;
}

const splitArgs = (s: string) => splitTopLevel(s, ',', { keepEmpty: true });

function methodCall(token: string): { name: string; args: string } | undefined {
  if (token.startsWith('(')) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(token.trim());
  if (!m) return undefined;
  const name = m[1]!;
  if (!PARAM_METHODS.has(name) && !VALUE_METHODS.has(name)) {
    // the real server throws a plain AdempiereException here: 500
    throw new RestError(500, 'GET Error', `Get POs with exception: Method call '${name}' not implemented`);
  }
  return { name, args: m[2]! };
}

const isQuoted = (s: string) => s.length >= 2 && s.startsWith("'") && s.endsWith("'");
/** ConvertedQuery#extractFromStringValue: strips the outer quotes only; `''` is not unescaped. */
function unquote(s: string): string {
  return s.slice(1, -1);
}

export function findColumn(def: TableDef, name: string): ColumnDef | undefined {
  const n = name.trim();
  if (n.toLowerCase() === 'id') return def.byName.get(def.key);
  if (n.toLowerCase() === 'uid') return def.byName.get(def.uu);
  return def.byLower.get(n.toLowerCase());
}

function parseDateTime(raw: string): number {
  let s = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = s.replace(' ', 'T') + 'Z';
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`Unparseable date: "${raw}"`);
  return ms;
}

/** Converts a filter literal to the column's type, as ConvertedQuery.addParameter does. */
export function convertLiteral(c: ColumnDef, raw: string): unknown {
  try {
    switch (c.type) {
      case 'ID':
      case 'Table':
      case 'Location':
      case 'Integer':
        if (!/^-?\d+$/.test(raw)) throw new Error(`For input string: "${raw}"`);
        return Number(raw);
      case 'Amount':
      case 'Quantity': {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n))
          throw new Error(
            `Character ${raw} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`,
          );
        return n;
      }
      case 'Date': {
        const ms = parseDateTime(isQuoted(raw) ? unquote(raw) : raw);
        return new Date(ms).toISOString().slice(0, 10);
      }
      case 'DateTime':
        return parseDateTime(isQuoted(raw) ? unquote(raw) : raw);
      case 'YesNo':
        return raw === 'true' || raw === 'Y' || raw === "'Y'";
      default:
        if (!isQuoted(raw))
          throw new RestError(
            400,
            'GET Error',
            `Get POs with exception: String values must be put between single quotes. ColumnName: ${c.name}`,
          );
        return unquote(raw);
    }
  } catch (err) {
    if (err instanceof RestError) throw err;
    throw bad(`Error convertig parameter with value: ${raw} - ${(err as Error).message}`);
  }
}

type Fn = 'lower' | 'upper' | undefined;
interface ColOperand {
  col: ColumnDef;
  fn: Fn;
}

function applyFn(v: unknown, fn: Fn): unknown {
  if (v === null || v === undefined || !fn) return v;
  const s = String(v);
  return fn === 'lower' ? s.toLowerCase() : s.toUpperCase();
}

function parseColumnOperand(def: TableDef, token: string): ColOperand {
  const call = methodCall(token);
  if (call) {
    if (!VALUE_METHODS.has(call.name)) throw bad(`Unsupported use of ${call.name}`);
    const col = findColumn(def, call.args);
    if (!col) throw bad(`Invalid column for filter: ${call.args.trim()}`);
    return { col, fn: call.name === 'tolower' ? 'lower' : 'upper' };
  }
  const col = findColumn(def, token);
  if (!col) throw bad(`Invalid column for filter: ${token.trim()}`);
  return { col, fn: undefined };
}

/** Right-hand side: a column, a literal, or tolower/toupper of either. Returns a value getter. */
function parseRightOperand(def: TableDef, left: ColumnDef, token: string): (row: Row) => unknown {
  const call = methodCall(token);
  if (call) {
    if (!VALUE_METHODS.has(call.name)) throw bad(`Unsupported use of ${call.name}`);
    const fn: Fn = call.name === 'tolower' ? 'lower' : 'upper';
    const inner = call.args.trim();
    const col = isQuoted(inner) ? undefined : findColumn(def, inner);
    if (col) return (row) => applyFn(row[col.name], fn);
    const v = applyFn(convertLiteral(left, inner), fn);
    return () => v;
  }
  const col = isQuoted(token) ? undefined : findColumn(def, token);
  if (col) return (row) => row[col.name];
  const v = convertLiteral(left, token);
  return () => v;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function binary(def: TableDef, leftTok: string, opTok: string, rightTok: string): Predicate {
  const op = opTok;
  if (!['eq', 'neq', 'gt', 'ge', 'lt', 'le', 'in'].includes(op)) throw bad(`Unsupported operator: ${opTok}`);
  const left = parseColumnOperand(def, leftTok);
  const get = (row: Row) => applyFn(row[left.col.name], left.fn);
  if (rightTok === 'null') {
    if (op === 'eq') return (row) => row[left.col.name] === null || row[left.col.name] === undefined;
    if (op === 'neq') return (row) => row[left.col.name] !== null && row[left.col.name] !== undefined;
    throw bad(`Operator ${op} is not compatible with NULL comparision`);
  }
  if (op === 'in') {
    if (!rightTok.startsWith('(') || !rightTok.endsWith(')'))
      throw bad(`Operator in needs a list in parentheses: ${rightTok}`);
    // DefaultQueryConverter#convertBinaryOperator: values.split(","), blind to quotes, so a literal holding a
    // comma becomes two unquoted fragments and ConvertedQuery#addParameter refuses them (400)
    const values = rightTok
      .slice(1, -1)
      .split(',')
      .map((v) => convertLiteral(left.col, v.trim()));
    const set = new Set(values);
    return (row) => {
      const v = get(row);
      return v !== null && v !== undefined && set.has(v);
    };
  }
  const right = parseRightOperand(def, left.col, rightTok);
  const isLiteral = !methodCall(rightTok) && (isQuoted(rightTok) || !findColumn(def, rightTok));
  const pred: CompiledFilter = (row) => {
    const a = get(row);
    const b = right(row);
    if (a === null || a === undefined || b === null || b === undefined) return false; // SQL NULL
    const c = compare(a, b);
    switch (op) {
      case 'eq':
        return c === 0;
      case 'neq':
        return c !== 0;
      case 'gt':
        return c > 0;
      case 'ge':
        return c >= 0;
      case 'lt':
        return c < 0;
      default:
        return c <= 0;
    }
  };
  if (op === 'eq' && !left.fn && isLiteral) pred.hints = [{ column: left.col.name, value: right({}) }];
  return pred;
}

function paramMethod(def: TableDef, token: string, negate: boolean): Predicate {
  const call = methodCall(token)!;
  const args = splitArgs(call.args);
  if (args.length !== 2) throw bad(`${call.name} needs two parameters: ${token}`);
  const left = parseColumnOperand(def, args[0]!);
  const rightTok = args[1]!;
  const rightCall = methodCall(rightTok);
  let fn: Fn;
  let inner = rightTok;
  if (rightCall) {
    fn = rightCall.name === 'tolower' ? 'lower' : 'upper';
    inner = rightCall.args.trim();
  }
  const rightCol = isQuoted(inner) ? undefined : findColumn(def, inner);
  let pattern: (row: Row) => RegExp | undefined;
  if (rightCol) {
    pattern = (row) => {
      const v = applyFn(row[rightCol.name], fn);
      return v === null || v === undefined ? undefined : likeRegex(String(v));
    };
  } else {
    if (!isQuoted(inner)) throw bad(`String values must be put between single quotes. ColumnName: ${left.col.name}`);
    const value = String(applyFn(unquote(inner), fn));
    const p = call.name === 'contains' ? `%${value}%` : call.name === 'startswith' ? `${value}%` : `%${value}`;
    const re = likeRegex(p);
    pattern = () => re;
  }
  return (row) => {
    const v = applyFn(row[left.col.name], left.fn);
    const re = pattern(row);
    if (v === null || v === undefined || !re) return false;
    const m = re.test(String(v));
    return negate ? !m : m;
  };
}

function parseSequence(def: TableDef, tokens: string[]): Predicate {
  const groups: Predicate[][] = [[]];
  let expectTerm = true;
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i]!;
    const low = tok.toLowerCase();
    if (!expectTerm) {
      if (low === 'and') {
        expectTerm = true;
        i++;
        continue;
      }
      if (low === 'or') {
        groups.push([]);
        expectTerm = true;
        i++;
        continue;
      }
      throw bad(`Expected and/or but found: ${tok}`);
    }
    let term: Predicate;
    if (low === 'not') {
      const next = tokens[i + 1];
      const call = next ? methodCall(next) : undefined;
      if (!call || !PARAM_METHODS.has(call.name))
        throw bad(`Operator NOT is only compatible with certain functions. Not with ${next ?? ''}`);
      term = paramMethod(def, next!, true);
      i += 2;
    } else if (tok.startsWith('(') && tok.endsWith(')')) {
      term = parseSequence(def, splitTokens(tok.slice(1, -1)));
      i++;
    } else {
      const call = methodCall(tok);
      if (call && PARAM_METHODS.has(call.name)) {
        term = paramMethod(def, tok, false);
        i++;
      } else {
        const op = tokens[i + 1];
        const right = tokens[i + 2];
        if (op === undefined || right === undefined) throw bad(`Incomplete filter expression near: ${tok}`);
        term = binary(def, tok, op, right);
        i += 3;
      }
    }
    groups[groups.length - 1]!.push(term);
    expectTerm = false;
  }
  if (expectTerm && tokens.length > 0) throw bad('Filter ends with an operator');
  if (groups.length === 1) {
    const g = groups[0]!;
    if (g.length === 1) return g[0]!;
    const all: CompiledFilter = (row) => g.every((p) => p(row));
    all.hints = g.flatMap((p) => (p as CompiledFilter).hints ?? []);
    return all;
  }
  return (row) => groups.some((g) => g.every((p) => p(row)));
}

const cache = new Map<string, CompiledFilter>();

export function compileFilter(def: TableDef, text: string | undefined): CompiledFilter | undefined {
  if (!text || !text.trim()) return undefined;
  const key = `${def.name}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = parseSequence(def, splitTokens(text.trim()));
  if (cache.size > 2000) cache.clear();
  cache.set(key, p);
  return p;
}

export type Comparator = (a: Row, b: Row) => number;

export function compileOrderBy(def: TableDef, text: string | undefined): Comparator {
  const keyCmp: Comparator = (a, b) => (a[def.key] as number) - (b[def.key] as number);
  if (!text || !text.trim()) return keyCmp;
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const specs = parts.map((p) => {
    const [name, dir, extra] = p.split(/\s+/);
    const col = findColumn(def, name!);
    if (!col || extra !== undefined || (dir !== undefined && !/^(asc|desc)$/i.test(dir)))
      throw bad(`Invalid order by: ${p}`);
    return { col: col.name, desc: dir?.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const s of specs) {
      const va = a[s.col];
      const vb = b[s.col];
      const na = va === null || va === undefined;
      const nb = vb === null || vb === undefined;
      let c: number;
      // PostgreSQL: NULLs sort last ascending, first descending
      if (na || nb) c = na && nb ? 0 : na ? 1 : -1;
      else c = compare(va, vb);
      if (c !== 0) return s.desc ? -c : c;
    }
    return keyCmp(a, b);
  };
}

export function parseSelect(def: TableDef, text: string | undefined): Set<string> | undefined {
  if (!text || !text.trim()) return undefined;
  const out = new Set<string>();
  for (const name of text.split(',')) {
    if (!name.trim()) continue;
    const col = findColumn(def, name);
    if (!col) throw bad(`Invalid column for select: ${name.trim()}`);
    out.add(col.name);
  }
  return out;
}
