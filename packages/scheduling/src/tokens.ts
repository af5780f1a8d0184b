// Which channels get a refresh-token schedule, how often it runs, and when a run should actually refresh.
//
// How tokens are kept alive: every channel whose tokens expire has one Job Scheduler that runs
// `refresh-token` every `refreshEverySeconds(margin)` (a third of TOKEN_REFRESH_MARGIN_SECONDS), and the
// handler (refreshChannelToken in @oms/platforms) decides whether this run refreshes: only when the token
// expires within the margin (`refreshDue()` states that rule). So a token is refreshed between
// `margin` and `margin - every` before it expires: at least two runs fall inside the margin, and one lost
// run (a worker restart, a Redis outage) still leaves time. The refresh token is checked the same way,
// so a channel whose access token lives long is refreshed before its refresh token dies.
// The schedule itself never depends on expiry times, so a refresh never has to re-upsert it.
import { getAdapter, type ChannelAccess } from '@oms/platforms';
import { type PlatformKind } from '@oms/core';

export interface TokenFacts {
  kind: PlatformKind;
  apiVersion: string | null;
  hasAccessToken: boolean;
  hasRefreshToken: boolean;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

/**
 * Whether the channel's tokens expire, as its platform adapter says. The scheduler never decrypts secrets: the
 * adapter gets a ChannelAccess that only tells whether each token is there (a placeholder, not the token) and when it
 * expires, which is all `tokensExpire` looks at.
 */
export function tokensExpire(t: TokenFacts): boolean {
  return getAdapter(t.kind).tokensExpire(presenceOnly(t));
}

const PRESENT = '(present; not decrypted by the scheduler)';

function presenceOnly(t: TokenFacts): ChannelAccess {
  return {
    platform: {
      kind: t.kind,
      apiVersion: t.apiVersion,
      apiHost: '',
      authHost: null,
      appId: null,
      appSecret: null,
      settings: {},
    },
    channel: {
      id: '',
      externalShopId: '',
      accessToken: t.hasAccessToken ? PRESENT : null,
      refreshToken: t.hasRefreshToken ? PRESENT : null,
      accessTokenExpiresAt: t.accessTokenExpiresAt,
      credentials: null,
    },
  };
}

/** How often the refresh-token schedule of a channel runs: a third of the margin, at least 30 s. */
export function refreshEverySeconds(marginSeconds: number): number {
  return Math.max(30, Math.floor(marginSeconds / 3));
}

export interface RefreshDecision {
  due: boolean;
  reason: string;
}

/**
 * Whether a refresh-token run should refresh now (for the refresh-token handler): when the access token
 * expires within the margin, when the refresh token does, or when the access token's expiry is unknown
 * (refreshing is the safe side: it tells us the expiry).
 */
export function refreshDue(
  t: Pick<TokenFacts, 'accessTokenExpiresAt' | 'refreshTokenExpiresAt'>,
  now: Date,
  marginSeconds: number,
): RefreshDecision {
  const horizon = now.getTime() + marginSeconds * 1000;
  if (!t.accessTokenExpiresAt) return { due: true, reason: 'access token expiry unknown' };
  if (t.accessTokenExpiresAt.getTime() <= horizon)
    return { due: true, reason: `access token expires at ${t.accessTokenExpiresAt.toISOString()}` };
  if (t.refreshTokenExpiresAt && t.refreshTokenExpiresAt.getTime() <= horizon)
    return { due: true, reason: `refresh token expires at ${t.refreshTokenExpiresAt.toISOString()}` };
  return { due: false, reason: `access token valid until ${t.accessTokenExpiresAt.toISOString()}` };
}
