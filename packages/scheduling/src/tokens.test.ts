import { describe, expect, it } from 'vitest';
import { refreshDue, refreshEverySeconds, tokensExpire, type TokenFacts } from './tokens';

const base: TokenFacts = {
  kind: 'shopee',
  apiVersion: null,
  hasAccessToken: true,
  hasRefreshToken: true,
  accessTokenExpiresAt: null,
  refreshTokenExpiresAt: null,
};
const now = new Date('2026-01-01T00:00:00Z');
const inS = (s: number) => new Date(now.getTime() + s * 1000);

describe('tokensExpire (as the adapters say)', () => {
  it('shopee and cyberbiz v2 expire, cyberbiz v1 and momo never, shopline only with an expiry', () => {
    expect(tokensExpire(base)).toBe(true);
    expect(tokensExpire({ ...base, kind: 'cyberbiz', apiVersion: 'v2' })).toBe(true);
    expect(tokensExpire({ ...base, kind: 'cyberbiz', apiVersion: 'v1' })).toBe(false);
    expect(tokensExpire({ ...base, kind: 'momo' })).toBe(false);
    expect(tokensExpire({ ...base, kind: 'shopline' })).toBe(false);
    expect(tokensExpire({ ...base, kind: 'shopline', accessTokenExpiresAt: inS(3600) })).toBe(true);
    expect(tokensExpire({ ...base, kind: 'shopline', accessTokenExpiresAt: inS(3600), hasRefreshToken: false })).toBe(
      false,
    );
  });
});

describe('refreshEverySeconds', () => {
  it('runs three times inside the margin, at least every 30 s', () => {
    expect(refreshEverySeconds(1800)).toBe(600);
    expect(refreshEverySeconds(30)).toBe(30);
  });
});

describe('refreshDue', () => {
  it('is due inside the margin, not before', () => {
    expect(refreshDue({ accessTokenExpiresAt: inS(1801), refreshTokenExpiresAt: inS(86400) }, now, 1800).due).toBe(
      false,
    );
    expect(refreshDue({ accessTokenExpiresAt: inS(1800), refreshTokenExpiresAt: inS(86400) }, now, 1800).due).toBe(
      true,
    );
    expect(refreshDue({ accessTokenExpiresAt: inS(-5), refreshTokenExpiresAt: null }, now, 1800).due).toBe(true);
  });
  it('keeps the refresh token alive when the access token lives long', () => {
    const d = refreshDue({ accessTokenExpiresAt: inS(30 * 86400), refreshTokenExpiresAt: inS(600) }, now, 1800);
    expect(d).toEqual({ due: true, reason: expect.stringContaining('refresh token expires') });
  });
  it('refreshes when the expiry is unknown', () => {
    expect(refreshDue({ accessTokenExpiresAt: null, refreshTokenExpiresAt: null }, now, 1800).due).toBe(true);
  });
});
