// API keys: random, shown once, stored as sha256. Roles: admin (everything), viewer (read-only).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '@oms/db';

export type Role = 'admin' | 'viewer';

/**
 * How a route is protected. The auth hook reads it from the route's config; routes that do not say
 * (plugins' routes: Bull Board, Swagger UI) are treated as 'read': a key is required.
 * - public: no key (health, the console's static files)
 * - metrics: METRICS_TOKEN when set
 * - webhook / oauth: no key; the handler verifies a signature or a signed state
 * - read: any key for GET/HEAD, an admin key for other methods
 * - admin: an admin key, whatever the method
 * - key: any valid key, whatever the method (the console's login)
 */
export type Access = 'public' | 'metrics' | 'webhook' | 'oauth' | 'read' | 'admin' | 'key';

export const SESSION_COOKIE = 'oms_key';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateKey(): { key: string; prefix: string; hash: string } {
  const key = `oms_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 10), hash: hashKey(key) };
}

export async function createApiKey(
  db: Db,
  name: string,
  role: Role,
): Promise<{ id: string; key: string; prefix: string }> {
  const { key, prefix, hash } = generateKey();
  const row = await db.apiKey.create({ data: { name, role, keyHash: hash, prefix } });
  return { id: row.id, key, prefix };
}

export function safeEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'cmp').update(a).digest();
  const hb = createHmac('sha256', 'cmp').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Looks keys up by hash, with a short cache so a page of requests costs one query. */
export class KeyStore {
  private cache = new Map<string, { at: number; value: { id: string; name: string; role: Role } | null }>();
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
  ) {}

  async resolve(key: string): Promise<{ id: string; name: string; role: Role } | null> {
    if (key.length < 8 || key.length > 200) return null;
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const row = await this.db.apiKey.findUnique({ where: { keyHash: hash } });
    const value = row && !row.revokedAt ? { id: row.id, name: row.name, role: row.role as Role } : null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(hash, { at: Date.now(), value });
    if (row && value && (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)) {
      // Best effort: a failed bookkeeping write must not fail the request.
      this.db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    }
    return value;
  }

  /** Drops every cached answer (after a revocation: the revoked key is refused from the next request on). */
  forget(): void {
    this.cache.clear();
  }
}

/** The key a request carries: Authorization: Bearer, X-Api-Key, or (see app.ts for when) the console's cookie. */
export function keyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x.trim()) return x.trim();
  return null;
}

export function keyFromCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) {
      try {
        return decodeURIComponent(rest.join('=')) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}
