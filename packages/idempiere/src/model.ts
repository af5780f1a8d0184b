// The shapes of iDempiere's REST models: records, pages, queries, foreign-key and list values, and the model
// path of a table (docs/idempiere.md, Reading models).
import type { Filter } from './filter';

/** A record as the REST API returns it: columns by name, `id`, `uid`, FKs as {id, identifier}. */
export type IdRecord = { id: number; uid?: string; 'model-name'?: string } & Record<string, unknown>;

export interface Page<T> {
  records: T[];
  rowCount: number;
  pageCount: number;
  skip: number;
}

export interface Query {
  filter?: Filter | string;
  select?: readonly string[];
  orderby?: string;
  top?: number;
  skip?: number;
  expand?: string;
}

export type DocAction = 'CO' | 'PR' | 'VO' | 'CL' | 'RE' | 'RC' | '--';

/** The id in a FK value, whatever form it has ({id, identifier}, a number, or null). */
export function fkId(value: unknown): number | null {
  if (typeof value === 'number') return value > 0 ? value : null;
  if (value && typeof value === 'object' && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'number') return id > 0 ? id : null;
    if (typeof id === 'string' && /^\d+$/.test(id)) return Number(id);
  }
  return null;
}

/** The code of a list value (DocStatus "CO") or its identifier for a FK. */
export function listValue(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as { id?: unknown; identifier?: unknown };
    if (typeof v.id === 'string') return v.id;
    if (typeof v.identifier === 'string') return v.identifier;
  }
  return null;
}

/** The query string of a model read: `$filter`, `$select`, `$orderby`, `$top`, `$skip`, `$expand`, encoded. */
export function queryString(q: Query = {}): string {
  const parts: string[] = [];
  if (q.filter !== undefined) parts.push(`$filter=${encodeURIComponent(String(q.filter))}`);
  if (q.select?.length) parts.push(`$select=${encodeURIComponent(q.select.join(','))}`);
  if (q.orderby) parts.push(`$orderby=${encodeURIComponent(q.orderby)}`);
  if (q.top !== undefined) parts.push(`$top=${q.top}`);
  if (q.skip !== undefined) parts.push(`$skip=${q.skip}`);
  if (q.expand) parts.push(`$expand=${encodeURIComponent(q.expand)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** `models/<table>`, the table name checked (it goes into the URL as it is). */
export function tablePath(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`invalid table name "${table}"`);
  return `models/${table}`;
}
