// Token issuing and checking, the same mechanics for every platform: opaque or JWT access tokens with an
// expiry, single-use rotating refresh tokens, single-use 10-minute authorization codes.
import { createHmac, randomBytes } from 'node:crypto';
import type { Grant, PlatformKind, PlatformState, Store } from './model.ts';

/** Signs the sandbox's JWTs (Cyberbiz, Shopline); the sandbox checks tokens against its grant table. */
const JWT_SECRET = 'oms-sandbox-jwt';

export type HexSource = (chars: number) => string;
export const cryptoHex: HexSource = (chars) =>
  randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);

interface TokenRule {
  accessTtlMs: number;
  /** null: the platform has no refresh token. */
  refreshTtlMs: ((accessTtlMs: number) => number) | null;
  access(store: Store, hex: HexSource, now: number, ttlMs: number): string;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export function signJwt(claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', JWT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export const TOKEN_RULES: Record<PlatformKind, TokenRule | null> = {
  // Shopee: access_token 4 h, refresh_token 30 days, single use.
  shopee: {
    accessTtlMs: 4 * 3600_000,
    refreshTtlMs: () => 30 * 86400_000,
    access: (_s, hex) => hex(32),
  },
  // Cyberbiz: JWT with exp - iat = 7200 s (the official example). The refresh token's lifetime is not
  // documented [INF]: 30 days.
  cyberbiz: {
    accessTtlMs: 2 * 3600_000,
    refreshTtlMs: () => 30 * 86400_000,
    access: (s, hex, now, ttl) =>
      signJwt({
        iat: Math.floor(now / 1000),
        exp: Math.floor((now + ttl) / 1000),
        shop_id: s.numericId,
        scopes: 'public shop_api read_orders write_orders',
        shop_domain: s.key,
        jti: hex(16),
      }),
  },
  // Shopline Developer Center OAuth: expires_in 15778476 s; the refresh token expires one day after the access token.
  shopline: {
    accessTtlMs: 15_778_476_000,
    refreshTtlMs: (accessTtl) => accessTtl + 86400_000,
    access: (s, hex, now, ttl) =>
      signJwt({
        iat: Math.floor(now / 1000),
        exp: Math.floor((now + ttl) / 1000),
        merchant_id: s.key,
        scope: 'orders',
        jti: hex(16),
      }),
  },
  momo: null,
};

/** Issues a new token pair for a store and makes it the store's current one. */
export function issueTokens(
  p: PlatformState,
  store: Store,
  hex: HexSource,
  now: number,
): { accessToken: string; refreshToken: string | null; expiresIn: number } {
  const rule = TOKEN_RULES[p.name];
  if (!rule) throw new Error(`${p.name} has no tokens`);
  const accessToken = rule.access(store, hex, now, rule.accessTtlMs);
  store.accessToken = accessToken;
  store.accessExpiresAt = now + rule.accessTtlMs;
  p.access.set(accessToken, { store, expiresAt: store.accessExpiresAt });
  let refreshToken: string | null = null;
  if (rule.refreshTtlMs) {
    refreshToken = hex(32);
    store.refreshToken = refreshToken;
    store.refreshExpiresAt = now + rule.refreshTtlMs(rule.accessTtlMs);
    p.refresh.set(refreshToken, { store, expiresAt: store.refreshExpiresAt });
  }
  return { accessToken, refreshToken, expiresIn: Math.floor(rule.accessTtlMs / 1000) };
}

export type AccessCheck = { ok: true; store: Store } | { ok: false; reason: 'unknown' | 'expired' };

export function checkAccess(p: PlatformState, token: string | undefined, now: number): AccessCheck {
  const g = token ? p.access.get(token) : undefined;
  if (!g) return { ok: false, reason: 'unknown' };
  if (g.expiresAt <= now) return { ok: false, reason: 'expired' };
  return { ok: true, store: g.store };
}

export type RefreshCheck = { ok: true; grant: Grant } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Consumes a refresh token: it works once. A request that names another store does not consume it. */
export function useRefresh(p: PlatformState, token: string | undefined, now: number, expected?: Store): RefreshCheck {
  const g = token ? p.refresh.get(token) : undefined;
  if (!g || (expected && g.store !== expected)) return { ok: false, reason: 'unknown' };
  if (g.used) return { ok: false, reason: 'used' };
  if (g.expiresAt <= now) return { ok: false, reason: 'expired' };
  g.used = true;
  return { ok: true, grant: g };
}

export function issueCode(p: PlatformState, store: Store, now: number, redirectUri?: string): string {
  const code = cryptoHex(32);
  p.codes.set(code, { store, expiresAt: now + 10 * 60_000, ...(redirectUri ? { redirectUri } : {}) });
  return code;
}

/** Consumes a code; a request that fails `accept` (wrong shop, wrong redirect_uri) leaves it unused. */
export function useCode(
  p: PlatformState,
  code: string | undefined,
  now: number,
  accept: (g: Grant & { redirectUri?: string }) => boolean = () => true,
): (Grant & { redirectUri?: string }) | null {
  const g = code ? p.codes.get(code) : undefined;
  if (!g || g.used || g.expiresAt <= now || !accept(g)) return null;
  g.used = true;
  return g;
}

/** Control: the store's access tokens expire now. */
export function expireAccess(p: PlatformState, store: Store, now: number): void {
  for (const g of p.access.values()) if (g.store === store) g.expiresAt = Math.min(g.expiresAt, now);
  if (store.accessToken) store.accessExpiresAt = Math.min(store.accessExpiresAt ?? now, now);
}

/** Control: access and refresh tokens are dead (the seller revoked the app). */
export function revokeAll(p: PlatformState, store: Store, now: number): void {
  expireAccess(p, store, now);
  for (const g of p.refresh.values()) if (g.store === store) g.used = true;
  store.refreshExpiresAt = Math.min(store.refreshExpiresAt ?? now, now);
}
