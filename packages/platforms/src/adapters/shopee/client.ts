// The one way to call Shopee (docs/platforms.md#shopee-auth-and-signing): every call is signed with HMAC-SHA256
// over partner_id + path + timestamp [+ access_token + shop_id]; errors come in the envelope, often with HTTP 200,
// so `error` is checked on every answer and classified here.
import { createHmac } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import type { ChannelAccess } from '../../adapter';
import { AuthError, PermanentError, RateLimitedError, ReauthorizeError, TransientError } from '../../errors';
import { jsonBody, retryAfterMs, send } from '../../http';
import { isObj, type Obj } from '../../normalize-util';

export const P = 'shopee';
export const DAY = 86_400_000;

/** Lowercase hex HMAC-SHA256 with the partner key as UTF-8 bytes (not hex-decoded). */
export function shopeeSign(partnerKey: string, base: string): string {
  return createHmac('sha256', partnerKey).update(base, 'utf8').digest('hex');
}

/** The documented base strings: public = partner_id+path+timestamp; shop adds access_token+shop_id. */
export function shopeeBaseString(
  partnerId: string,
  path: string,
  timestamp: number,
  accessToken?: string,
  shopId?: string,
): string {
  return `${partnerId}${path}${timestamp}${accessToken ?? ''}${shopId ?? ''}`;
}

const REAUTH_ERRORS = new Set([
  'refresh_token_expired',
  'error_shop_refresh_token',
  'shop_access_expired',
  'shop_no_linked',
]);
const TOKEN_ERRORS = new Set(['invalid_acceess_token', 'invalid_access_token']);

/** Turns a non-empty envelope error into the error class the worker acts on, keeping Shopee's words. */
export function classifyShopeeError(
  error: string,
  message: string,
  httpStatus: number,
  context: 'shop' | 'refresh' | 'public',
  retryMs?: number,
): Error {
  const text = `${error}: ${message}`;
  const details = { platform: P, status: httpStatus, code: error };
  if (error === 'error_rate_limit') return new RateLimitedError(text, retryMs ?? 1_000, details);
  if (error === 'error_limit') {
    // Daily app quota: resets at 00:00 UTC+8.
    const now = Date.now();
    const nextMidnight = Math.ceil((now + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
    return new RateLimitedError(text, Math.max(60_000, nextMidnight - now), details);
  }
  if (error === 'error_server' || httpStatus >= 500) return new TransientError(text, details);
  if (REAUTH_ERRORS.has(error)) return new ReauthorizeError(text, details);
  if (context === 'refresh' && (error === 'error_auth' || error === 'error_param') && /refresh/i.test(message))
    return new ReauthorizeError(text, details);
  if (context === 'shop' && (TOKEN_ERRORS.has(error) || (error === 'error_auth' && /access_token/i.test(message))))
    return new AuthError(text, details);
  if (error === 'error_param' && /timestamp is expired/i.test(message))
    return new TransientError(`${text} (is the clock right?)`, details);
  return new PermanentError(text, details);
}

const isEmptyError = (e: unknown) => e === undefined || e === null || e === '' || e === '-';

/** The platform app's partner id and key; a platform row without them cannot sign anything. */
export function partnerApp(store: ChannelAccess): { partnerId: string; partnerKey: string } {
  const partnerId = store.platform.appId;
  const partnerKey = store.platform.appSecret;
  if (!partnerId || !partnerKey)
    throw new PermanentError('shopee platform has no partner_id or partner_key', { platform: P });
  return { partnerId, partnerKey };
}

export function signedUrl(
  store: ChannelAccess,
  path: string,
  kind: 'public' | 'shop',
  extra: Record<string, string> = {},
  host?: string,
): string {
  const { partnerId, partnerKey } = partnerApp(store);
  const ts = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({ partner_id: partnerId, timestamp: String(ts) });
  if (kind === 'shop') {
    const token = store.channel.accessToken;
    if (!token) throw new AuthError('shopee channel has no access token', { platform: P });
    params.set('access_token', token);
    params.set('shop_id', store.channel.externalShopId);
    params.set(
      'sign',
      shopeeSign(partnerKey, shopeeBaseString(partnerId, path, ts, token, store.channel.externalShopId)),
    );
  } else {
    params.set('sign', shopeeSign(partnerKey, shopeeBaseString(partnerId, path, ts)));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return `${(host ?? store.platform.apiHost).replace(/\/$/, '')}${path}?${params}`;
}

/** One call; returns the whole envelope when `error` is empty. */
export async function shopeeCall(
  http: AxiosInstance,
  store: ChannelAccess,
  method: 'GET' | 'POST',
  path: string,
  kind: 'public' | 'shop',
  query: Record<string, string> = {},
  body?: unknown,
  context: 'shop' | 'refresh' | 'public' = kind,
): Promise<Obj> {
  const url = signedUrl(store, path, kind, query);
  const res = await send(http, P, {
    method,
    url,
    data: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  });
  const parsed = jsonBody(res, P);
  if (!isObj(parsed)) {
    if (res.status >= 500 || res.status === 429)
      throw res.status === 429
        ? new RateLimitedError(`shopee ${res.status}`, retryAfterMs(res), { platform: P, status: 429 })
        : new TransientError(`shopee answered ${res.status} without an envelope`, {
            platform: P,
            status: res.status,
          });
    throw new PermanentError(`shopee answered ${res.status} without an envelope`, {
      platform: P,
      status: res.status,
    });
  }
  if (!isEmptyError(parsed.error))
    throw classifyShopeeError(
      String(parsed.error),
      String(parsed.message ?? ''),
      res.status,
      context,
      retryAfterMs(res),
    );
  if (res.status >= 500) throw new TransientError(`shopee answered ${res.status}`, { platform: P, status: res.status });
  return parsed;
}
