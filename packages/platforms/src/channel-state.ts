// A channel's life cycle (docs/ARCHITECTURE.md, "A channel's life cycle"): every write of a channel's state, stage,
// run outcome (last success, last error, failure count), cursors and tokens is one named transition here. Jobs,
// routes and the reconciler call these and never write those columns themselves.
//   state: active | paused (the operator) | needs_reauth (only the seller can fix it) | failing (retried, recovers
//          on its own at the next success)
//   stage: idle | fetching, with the time it started; one at a time per channel (the channel lock)
import type { Channel, ChannelState, Db, Prisma, SecretBox } from '@oms/db';
import type { ChannelWithPlatform } from './access';
import type { TimeWindow, TokenSet } from './adapter';

/** The client, or the transaction client inside db.$transaction: a transition can be part of a larger transaction. */
export type DbClient = Db | Prisma.TransactionClient;

const IDLE = { stage: 'idle', stageStartedAt: null } as const;
/** lastError is shown to the operator; a platform's message can be long. */
const errorText = (message: string) => message.slice(0, 2000);

// ---- A fetch run (get-orders)

/**
 * get-orders starts fetching (the channel lock makes it the only one). The first import also starts the updated
 * cursor where that import began (`updatedCursorFrom`), in the same write.
 */
export async function startFetching(
  db: DbClient,
  channelId: string,
  at: Date,
  opts: { updatedCursorFrom?: Date } = {},
): Promise<void> {
  await db.channel.update({
    where: { id: channelId },
    data: {
      stage: 'fetching',
      stageStartedAt: at,
      ...(opts.updatedCursorFrom ? { cursorUpdatedAt: opts.updatedCursorFrom } : {}),
    },
  });
}

/**
 * The whole window is committed to oms_order: only now may its cursor pass it (invariant 1 of docs/ARCHITECTURE.md:
 * no order is lost).
 */
export async function advanceCursor(
  db: DbClient,
  channelId: string,
  window: Pick<TimeWindow, 'field' | 'to'>,
): Promise<void> {
  await db.channel.update({
    where: { id: channelId },
    data: window.field === 'created' ? { cursorCreatedAt: window.to } : { cursorUpdatedAt: window.to },
  });
}

/**
 * A run succeeded: idle, last success now, error and failures forgotten, and a channel that is failing is active
 * again (recovered). The state is changed only if it is still `failing` when the run ends: an operator's pause, or
 * a needs_reauth set while the run was going, is never overwritten by the run's outcome.
 */
export async function finishSucceeded(db: DbClient, channel: Pick<Channel, 'id'>, at: Date): Promise<void> {
  await db.channel.update({
    where: { id: channel.id },
    data: { ...IDLE, lastSuccessAt: at, lastError: null, failureCount: 0 },
  });
  await db.channel.updateMany({ where: { id: channel.id, state: 'failing' }, data: { state: 'active' } });
}

/**
 * A run failed: idle, the error kept for the operator, one failure more; a channel that is still active when the
 * run ends shows as failing after `failingAfter` failures in a row (never a paused or needs_reauth one).
 */
export async function recordFailure(
  db: DbClient,
  channel: Pick<Channel, 'id'>,
  message: string,
  at: Date,
  failingAfter: number,
): Promise<void> {
  const row = await db.channel.update({
    where: { id: channel.id },
    data: { ...IDLE, lastError: errorText(message), lastErrorAt: at, failureCount: { increment: 1 } },
    select: { failureCount: true },
  });
  if (row.failureCount >= failingAfter)
    await db.channel.updateMany({ where: { id: channel.id, state: 'active' }, data: { state: 'failing' } });
}

/** A run the platform rate-limited: idle, and nothing counted against the channel (its queue waits instead). */
export async function finishRateLimited(db: DbClient, channelId: string): Promise<void> {
  await db.channel.update({ where: { id: channelId }, data: IDLE });
}

// ---- Authorization

/**
 * The platform refused the channel's authorization for good (a dead refresh token, revoked access, refused keys):
 * nothing runs on it until the seller connects it again (`connected`). Idle, and the reason shown to the operator.
 */
export async function needsReauthorization(db: DbClient, channelId: string, reason: string, at: Date): Promise<void> {
  await db.channel.update({
    where: { id: channelId },
    data: { ...IDLE, state: 'needs_reauth', lastError: `needs re-authorization: ${reason}`, lastErrorAt: at },
  });
}

/**
 * The seller authorized the app (OAuth callback): the new tokens, the platform's shop id when the channel had only
 * a placeholder, and the channel active with its failures forgotten.
 */
export async function connected(
  db: DbClient,
  box: SecretBox,
  channelId: string,
  tokens: TokenSet,
  opts: { externalShopId?: string } = {},
): Promise<void> {
  await db.channel.update({
    where: { id: channelId },
    data: {
      accessTokenEnc: box.encrypt(tokens.accessToken),
      refreshTokenEnc: box.encryptOptional(tokens.refreshToken),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      tokenVersion: { increment: 1 },
      ...(opts.externalShopId ? { externalShopId: opts.externalShopId } : {}),
      state: 'active',
      failureCount: 0,
      lastError: null,
      lastErrorAt: null,
    },
  });
}

/**
 * A refreshed token pair, saved only if the channel's token_version is still `expectedVersion` (one statement: the
 * rotated refresh token is saved with the access token or not at all). Returns false when another refresh won
 * meanwhile (invariant 6 of docs/ARCHITECTURE.md: a token refresh happens once).
 */
export async function saveTokens(
  db: DbClient,
  box: SecretBox,
  channelId: string,
  expectedVersion: number,
  tokens: TokenSet,
): Promise<boolean> {
  const result = await db.channel.updateMany({
    where: { id: channelId, tokenVersion: expectedVersion },
    data: {
      accessTokenEnc: box.encrypt(tokens.accessToken),
      // A platform that does not rotate returns no refresh token: keep the stored one.
      ...(tokens.refreshToken ? { refreshTokenEnc: box.encrypt(tokens.refreshToken) } : {}),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      ...(tokens.refreshTokenExpiresAt ? { refreshTokenExpiresAt: tokens.refreshTokenExpiresAt } : {}),
      tokenVersion: { increment: 1 },
    },
  });
  return result.count === 1;
}

// ---- The operator

/** The state a new channel starts in, and a resumed one returns to: active with credentials, else waiting for them. */
export function stateForCredentials(hasCredentials: boolean): Extract<ChannelState, 'active' | 'needs_reauth'> {
  return hasCredentials ? 'active' : 'needs_reauth';
}

/** New credentials entered by the operator make a channel that was waiting for them active; any other state stays. */
export function stateAfterNewCredentials(before: ChannelState): { state?: 'active' } {
  return before === 'needs_reauth' ? { state: 'active' } : {};
}

/** The operator pauses the channel: nothing is scheduled for it until it is resumed. */
export function pause(db: DbClient, channelId: string): Promise<ChannelWithPlatform> {
  return db.channel.update({ where: { id: channelId }, data: { state: 'paused' }, include: { platform: true } });
}

/** The operator resumes the channel: active when it has credentials (else waiting for them), failures forgotten. */
export function resume(
  db: DbClient,
  channel: Pick<Channel, 'id' | 'accessTokenEnc' | 'credentialsEnc'>,
): Promise<ChannelWithPlatform> {
  return db.channel.update({
    where: { id: channel.id },
    data: { state: stateForCredentials(!!channel.accessTokenEnc || !!channel.credentialsEnc), failureCount: 0 },
    include: { platform: true },
  });
}

/** The operator deletes the channel: the row stays (its orders point to it), deleted and paused. */
export async function remove(db: DbClient, channelId: string, at: Date): Promise<void> {
  await db.channel.update({ where: { id: channelId }, data: { deletedAt: at, state: 'paused' } });
}

// ---- The reconciler

/**
 * A stage left behind by a killed worker goes back to idle, with the reason in lastError. Only if the stage has not
 * moved since it was read (a worker that just finished wins); returns whether it was released.
 */
export async function releaseStuck(
  db: DbClient,
  channel: Pick<Channel, 'id' | 'stage' | 'stageStartedAt'>,
  reason: string,
  at: Date,
): Promise<boolean> {
  const { count } = await db.channel.updateMany({
    where: { id: channel.id, stage: channel.stage, stageStartedAt: channel.stageStartedAt },
    data: { ...IDLE, lastError: reason, lastErrorAt: at },
  });
  return count === 1;
}
