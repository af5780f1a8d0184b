import { describe, expect, it } from 'vitest';
import { signState, verifyState } from './state';
import { redactUrl } from './app';
import { hashKey, keyFromCookie, keyFromHeaders, generateKey } from './auth';

const SECRET = 'a-secret-of-at-least-16-chars';
const ID = '2b0c3a52-3f4e-4d8e-9a3c-0c0c5e1f7a10';

describe('OAuth state', () => {
  it('round-trips the channel id until it expires', () => {
    const s = signState(SECRET, ID, 60_000, 1_000);
    expect(verifyState(SECRET, s, 2_000)).toEqual({ channelId: ID, expiresAt: 61_000 });
    expect(verifyState(SECRET, s, 61_001)).toEqual({ error: 'state has expired: start the connection again' });
  });
  it('refuses another secret, a changed payload, and garbage', () => {
    const s = signState(SECRET, ID);
    expect(verifyState('another-secret-of-16-chars', s)).toEqual({ error: 'state signature is wrong' });
    const [payload, sig] = s.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'other', e: Date.now() + 1e6 })).toString('base64url');
    expect(verifyState(SECRET, `${forged}.${sig}`)).toEqual({ error: 'state signature is wrong' });
    expect(verifyState(SECRET, `${payload}`)).toEqual({ error: 'state is malformed' });
    expect(verifyState(SECRET, 'a.b.c')).toEqual({ error: 'state is malformed' });
  });
});

describe('keys and URLs', () => {
  it('reads keys from Bearer, X-Api-Key and the cookie; stores only a hash', () => {
    const { key, hash, prefix } = generateKey();
    expect(hash).toBe(hashKey(key));
    expect(hash).not.toContain(key);
    expect(key.startsWith(prefix)).toBe(true);
    expect(keyFromHeaders({ authorization: `Bearer ${key}` })).toBe(key);
    expect(keyFromHeaders({ 'x-api-key': key })).toBe(key);
    expect(keyFromHeaders({ authorization: 'Basic abc' })).toBeNull();
    expect(keyFromCookie(`a=1; oms_key=${encodeURIComponent(key)}; b=2`)).toBe(key);
    expect(keyFromCookie('oms_key=%E0%A4%A')).toBeNull();
  });
  it('takes webhook secrets, OAuth codes and states out of logged URLs', () => {
    expect(redactUrl('/webhooks/shopline/2b0c3a52-3f4e-4d8e-9a3c-0c0c5e1f7a10/s3cr3t-value?x=1')).toBe(
      '/webhooks/shopline/2b0c3a52-3f4e-4d8e-9a3c-0c0c5e1f7a10/[REDACTED]?x=1',
    );
    expect(redactUrl('/oauth/callback/shopee?code=abc&shop_id=1&state=xyz')).toMatch(
      /^\/oauth\/callback\/shopee\?code=\[REDACTED\]&shop_id=1&state=\[REDACTED\]$/i,
    );
    expect(redactUrl('/webhooks/shopee')).toBe('/webhooks/shopee');
  });
});
