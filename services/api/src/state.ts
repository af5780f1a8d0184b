// The OAuth `state`: the channel id and an expiry, signed with APP_SECRET, so the callback can trust
// which channel the code is for without any server-side session.
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from './auth';

export interface OAuthState {
  channelId: string;
  expiresAt: number;
}

export function signState(secret: string, channelId: string, ttlMs = 10 * 60_000, now = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ c: channelId, e: now + ttlMs, n: randomBytes(6).toString('base64url') }),
  ).toString('base64url');
  const sig = createHmac('sha256', secret).update(`oauth-state.${payload}`).digest('base64url');
  return `${payload}.${sig}`;
}

/** Returns the state, or a reason it is not acceptable. */
export function verifyState(secret: string, state: string, now = Date.now()): OAuthState | { error: string } {
  const [payload, sig, extra] = state.split('.');
  if (!payload || !sig || extra !== undefined) return { error: 'state is malformed' };
  const expected = createHmac('sha256', secret).update(`oauth-state.${payload}`).digest('base64url');
  if (!safeEqual(sig, expected)) return { error: 'state signature is wrong' };
  let parsed: { c?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { error: 'state is malformed' };
  }
  if (typeof parsed.c !== 'string' || typeof parsed.e !== 'number') return { error: 'state is malformed' };
  if (parsed.e < now) return { error: 'state has expired: start the connection again' };
  return { channelId: parsed.c, expiresAt: parsed.e };
}
