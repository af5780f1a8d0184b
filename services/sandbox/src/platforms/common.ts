// What every platform app shares: the context it runs in, query helpers, shipment records, rendering cache.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@oms/logger';
import type { FaultState, RateLimiter } from '../http/faults.ts';
import type { Order, PlatformState, Shipment, Store, SystemName } from '../world/model.ts';
import type { World } from '../world/world.ts';

export interface SandboxContext {
  world: World;
  faults: Record<SystemName, FaultState>;
  /** Per-token limiters (Cyberbiz 5/s, Shopline 20/s). */
  limiters: { cyberbiz: RateLimiter; shopline: RateLimiter };
  logger?: Logger;
  now(): number;
}

/** The query string as single strings (the first value of a repeated key), and the raw arrays. */
export function query(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(v)) out[k] = String(v[0] ?? '');
    else if (v !== undefined) out[k] = String(v);
  }
  return out;
}

export function queryAll(req: FastifyRequest, key: string): string[] {
  const v = (req.query as Record<string, unknown> | undefined)?.[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Strict non-negative integer from a query value; null when absent, NaN when malformed. */
export function intParam(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  return /^-?\d+$/.test(v) ? Number(v) : NaN;
}

/**
 * Records an attempt at a shipment of an order. `part` names one of several shipments of the order (a Shopee
 * package, a Cyberbiz fulfillment by its line items, momo rows by their slip number): each part is its own
 * record, so "once each" holds per part.
 */
export function recordShipment(
  p: PlatformState,
  o: Order,
  fields: { carrier: string; trackingNumber: string | null; method: string },
  ok: boolean,
  now: number,
  part?: { key: string; packageNumber?: string; lineIds?: string[] },
): Shipment {
  const key = `${o.store.key}|${o.externalId}${part ? `|${part.key}` : ''}`;
  let s = p.shipments.get(key);
  if (!s) {
    s = {
      platform: p.name,
      store: o.store.key,
      orderExternalId: o.externalId,
      ...(part?.packageNumber ? { packageNumber: part.packageNumber } : {}),
      ...fields,
      confirmations: 0,
      attempts: 0,
      at: now,
    };
    p.shipments.set(key, s);
  }
  if (ok && part?.lineIds) s.lineIds = part.lineIds;
  s.attempts++;
  if (ok) {
    s.confirmations++;
    Object.assign(s, fields, { at: now });
  }
  return s;
}

/**
 * A later step of a shipment already confirmed (Shopline's delivery status after the tracking number):
 * recorded on it, not counted as another confirmation, since one shipment is confirmed once.
 */
export function recordShipmentStep(
  p: PlatformState,
  o: Order,
  step: { deliveryStatus: string },
  now: number,
): Shipment {
  const key = `${o.store.key}|${o.externalId}`;
  let s = p.shipments.get(key);
  if (!s) {
    s = {
      platform: p.name,
      store: o.store.key,
      orderExternalId: o.externalId,
      carrier: o.carrier,
      trackingNumber: o.trackingNumber,
      method: 'delivery_status',
      confirmations: 0,
      attempts: 0,
      at: now,
    };
    p.shipments.set(key, s);
  }
  Object.assign(s, step);
  return s;
}

/**
 * A cached JSON rendering of an order for one view, already UTF-8 encoded: pages are then a memcpy of
 * their orders (encoding large strings per response is what limits throughput). touch() drops the cache.
 */
export function cached(o: Order, view: string, render: () => unknown): Buffer {
  let b = o.cache.get(view);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(render()));
    o.cache.set(view, b);
  }
  return b;
}

const COMMA = Buffer.from(',');

/** prefix + parts joined by commas + suffix: the chunks of one JSON body. */
export function joinJson(prefix: string, parts: Buffer[], suffix: string): Buffer[] {
  const chunks: Buffer[] = [Buffer.from(prefix)];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(p);
  });
  chunks.push(Buffer.from(suffix));
  return chunks;
}

/**
 * Sends a JSON body that is already UTF-8 bytes, in chunks written as one writev: pages are 100-250 KB,
 * and copying them into one buffer first costs more than the rest of the request. Headers set on the
 * reply before are kept.
 */
export function sendJson(reply: FastifyReply, body: Buffer | Buffer[], status = 200): FastifyReply {
  const chunks = Array.isArray(body) ? body : [body];
  let length = 0;
  for (const c of chunks) length += c.length;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(status, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'application/json; charset=utf-8',
    'content-length': length,
  });
  res.cork();
  for (const c of chunks) res.write(c);
  res.end();
  return reply;
}

export function html(title: string, body: string): string {
  return `<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

type Bound = number | null;

/**
 * A store's orders created in [createdFrom, createdTo] and updated in [updatedFrom, updatedTo] (ms; null =
 * open; bounds are whole seconds, inclusive), oldest created first. Binary search on the index of the
 * narrowing field, then a filter on the other.
 */
export function ordersInWindows(
  store: Store,
  createdFrom: Bound,
  createdTo: Bound,
  updatedFrom: Bound = null,
  updatedTo: Bound = null,
): Order[] {
  const inCreated = (o: Order) =>
    o.createdAt >= (createdFrom ?? -Infinity) && o.createdAt <= (createdTo ?? Infinity) + 999;
  if (updatedFrom === null && updatedTo === null)
    return store.byCreated.range(createdFrom ?? -Infinity, (createdTo ?? Infinity) + 999);
  const list = store.byUpdated.range(updatedFrom ?? -Infinity, (updatedTo ?? Infinity) + 999).filter(inCreated);
  return list.sort((a, b) => a.createdAt - b.createdAt || a.uid - b.uid);
}

/**
 * The seller's consent page: one link per store to the confirm URL; the first is id="authorize" (what a
 * browser test clicks), the others id="authorize-<store key>".
 */
export function authorizePage(title: string, stores: Store[], confirmUrl: (s: Store) => string): string {
  const links = stores.map((s, i) => {
    const id = i === 0 ? 'authorize' : `authorize-${s.key}`;
    return `<li><a id="${escapeHtml(id)}" href="${escapeHtml(confirmUrl(s))}">authorize shop ${escapeHtml(s.name)} (${escapeHtml(s.key)})</a></li>`;
  });
  return html(title, `<ul>${links.join('')}</ul>`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
