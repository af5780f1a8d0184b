// Every transition of a channel's life cycle (packages/platforms/src/channel-state.ts) on real PostgreSQL: what
// each one writes, and what it leaves alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@oms/config';
import { SecretBox, type Prisma } from '@oms/db';
import { createTestDatabase, type TestDatabase } from '@oms/testing';
import { channelState } from '@oms/platforms';

const box = new SecretBox(parseConfig({}).ENCRYPTION_KEYS);
const at = new Date('2026-02-01T10:00:00Z');

describe('channel state transitions', () => {
  let database: TestDatabase;
  let platformId: string;
  let seq = 0;
  const channel = (over: Partial<Prisma.ChannelUncheckedCreateInput> = {}) =>
    database.db.channel.create({
      data: {
        platformId,
        name: `c-${++seq}`,
        externalShopId: `shop-${seq}`,
        syncStartAt: new Date('2026-01-01T00:00:00Z'),
        accessTokenEnc: box.encrypt('access-0'),
        refreshTokenEnc: box.encrypt('refresh-0'),
        ...over,
      },
    });
  const reread = (id: string) => database.db.channel.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    database = await createTestDatabase('channelstate');
    platformId = (
      await database.db.platform.create({ data: { kind: 'shopee', name: 'p', apiHost: 'http://127.0.0.1:1' } })
    ).id;
  });
  afterAll(async () => database?.drop());

  it('startFetching claims the fetching stage, and starts the updated cursor only when asked', async () => {
    const c = await channel();
    await channelState.startFetching(database.db, c.id, at);
    expect(await reread(c.id)).toMatchObject({ stage: 'fetching', stageStartedAt: at, cursorUpdatedAt: null });
    const from = new Date('2026-02-01T09:59:30Z');
    await channelState.startFetching(database.db, c.id, at, { updatedCursorFrom: from });
    expect(await reread(c.id)).toMatchObject({ stage: 'fetching', cursorUpdatedAt: from });
  });

  it('advanceCursor moves the cursor of the window’s own field only', async () => {
    const c = await channel();
    const to = new Date('2026-01-20T00:00:00Z');
    await channelState.advanceCursor(database.db, c.id, { field: 'created', to });
    expect(await reread(c.id)).toMatchObject({ cursorCreatedAt: to, cursorUpdatedAt: null });
    const later = new Date('2026-01-21T00:00:00Z');
    await channelState.advanceCursor(database.db, c.id, { field: 'updated', to: later });
    expect(await reread(c.id)).toMatchObject({ cursorCreatedAt: to, cursorUpdatedAt: later });
  });

  it('finishSucceeded ends the stage, forgets failures and recovers a failing channel', async () => {
    const c = await channel({
      state: 'failing',
      stage: 'fetching',
      stageStartedAt: at,
      failureCount: 4,
      lastError: 'x',
    });
    await channelState.finishSucceeded(database.db, c, at);
    expect(await reread(c.id)).toMatchObject({
      state: 'active',
      stage: 'idle',
      stageStartedAt: null,
      lastSuccessAt: at,
      lastError: null,
      failureCount: 0,
    });
    // A channel that is not failing keeps its state.
    const paused = await channel({ state: 'paused', failureCount: 1 });
    await channelState.finishSucceeded(database.db, paused, at);
    expect(await reread(paused.id)).toMatchObject({ state: 'paused', failureCount: 0, lastSuccessAt: at });
  });

  it('a pause made while a run is going survives the run’s outcome, success or failure', async () => {
    // The run read the channel as failing (resp. active) when it started; the operator paused it meanwhile.
    const wasFailing = await channel({ state: 'failing', stage: 'fetching', stageStartedAt: at, failureCount: 4 });
    const wasActive = await channel({ stage: 'fetching', stageStartedAt: at, failureCount: 5 });
    await channelState.pause(database.db, wasFailing.id);
    await channelState.pause(database.db, wasActive.id);
    await channelState.finishSucceeded(database.db, wasFailing, at);
    await channelState.recordFailure(database.db, wasActive, 'boom', at, 3);
    expect(await reread(wasFailing.id)).toMatchObject({ state: 'paused', stage: 'idle', lastSuccessAt: at });
    expect(await reread(wasActive.id)).toMatchObject({ state: 'paused', stage: 'idle', lastError: 'boom' });
  });

  it('recordFailure counts the failure, keeps the error, and shows an active channel failing after N', async () => {
    const c = await channel({ stage: 'fetching', stageStartedAt: at, failureCount: 1 });
    await channelState.recordFailure(database.db, c, 'error_server: busy', at, 3);
    expect(await reread(c.id)).toMatchObject({
      state: 'active',
      stage: 'idle',
      stageStartedAt: null,
      failureCount: 2,
      lastError: 'error_server: busy',
      lastErrorAt: at,
    });
    await channelState.recordFailure(database.db, await reread(c.id), 'x'.repeat(3000), at, 3);
    const failing = await reread(c.id);
    expect(failing).toMatchObject({ state: 'failing', failureCount: 3 });
    expect(failing.lastError).toHaveLength(2000);
    // Only an active channel becomes failing: a paused one stays paused.
    const paused = await channel({ state: 'paused', failureCount: 5 });
    await channelState.recordFailure(database.db, paused, 'boom', at, 3);
    expect(await reread(paused.id)).toMatchObject({ state: 'paused', failureCount: 6 });
  });

  it('finishRateLimited ends the stage and counts nothing', async () => {
    const c = await channel({ stage: 'fetching', stageStartedAt: at, failureCount: 2, lastError: 'before' });
    await channelState.finishRateLimited(database.db, c.id);
    expect(await reread(c.id)).toMatchObject({
      state: 'active',
      stage: 'idle',
      stageStartedAt: null,
      failureCount: 2,
      lastError: 'before',
    });
  });

  it('needsReauthorization stops the channel with the reason, also inside a transaction', async () => {
    const c = await channel({ stage: 'fetching', stageStartedAt: at });
    await channelState.needsReauthorization(database.db, c.id, 'refresh_token_expired', at);
    expect(await reread(c.id)).toMatchObject({
      state: 'needs_reauth',
      stage: 'idle',
      stageStartedAt: null,
      lastError: 'needs re-authorization: refresh_token_expired',
      lastErrorAt: at,
    });
    const d = await channel();
    await database.db.$transaction((tx) => channelState.needsReauthorization(tx, d.id, 'revoked', at));
    expect(await reread(d.id)).toMatchObject({ state: 'needs_reauth', lastError: 'needs re-authorization: revoked' });
  });

  it('connected stores the tokens, adopts the shop id only when given, and makes the channel active', async () => {
    const c = await channel({
      state: 'needs_reauth',
      failureCount: 2,
      lastError: 'needs re-authorization: x',
      lastErrorAt: at,
      tokenVersion: 3,
    });
    const expires = new Date('2026-02-01T14:00:00Z');
    const tokens = {
      accessToken: 'a1',
      refreshToken: null,
      accessTokenExpiresAt: expires,
      refreshTokenExpiresAt: null,
    };
    await channelState.connected(database.db, box, c.id, tokens);
    const after = await reread(c.id);
    expect(after).toMatchObject({
      state: 'active',
      failureCount: 0,
      lastError: null,
      lastErrorAt: null,
      tokenVersion: 4,
      accessTokenExpiresAt: expires,
      refreshTokenEnc: null,
      externalShopId: c.externalShopId,
    });
    expect(box.decrypt(after.accessTokenEnc!)).toBe('a1');
    await channelState.connected(database.db, box, c.id, { ...tokens, refreshToken: 'r1' }, { externalShopId: '777' });
    const again = await reread(c.id);
    expect(again.externalShopId).toBe('777');
    expect(box.decrypt(again.refreshTokenEnc!)).toBe('r1');
  });

  it('saveTokens saves only over the token version it read, and keeps a refresh token not rotated', async () => {
    const c = await channel({ tokenVersion: 7 });
    const tokens = { accessToken: 'a2', refreshToken: null, accessTokenExpiresAt: at, refreshTokenExpiresAt: null };
    expect(await channelState.saveTokens(database.db, box, c.id, 6, tokens)).toBe(false);
    expect(box.decrypt((await reread(c.id)).accessTokenEnc!)).toBe('access-0');
    expect(await channelState.saveTokens(database.db, box, c.id, 7, tokens)).toBe(true);
    const after = await reread(c.id);
    expect(after.tokenVersion).toBe(8);
    expect(box.decrypt(after.accessTokenEnc!)).toBe('a2');
    expect(box.decrypt(after.refreshTokenEnc!)).toBe('refresh-0');
  });

  it('a new channel, and new credentials, are active with credentials and wait for them without', () => {
    expect(channelState.stateForCredentials(true)).toBe('active');
    expect(channelState.stateForCredentials(false)).toBe('needs_reauth');
    expect(channelState.stateAfterNewCredentials('needs_reauth')).toEqual({ state: 'active' });
    for (const s of ['active', 'paused', 'failing'] as const)
      expect(channelState.stateAfterNewCredentials(s)).toEqual({});
  });

  it('pause and resume: resumed active with credentials, else waiting for them; failures forgotten', async () => {
    const c = await channel({ state: 'failing', failureCount: 3 });
    const paused = await channelState.pause(database.db, c.id);
    expect(paused).toMatchObject({ state: 'paused', failureCount: 3, platform: { id: platformId } });
    const resumed = await channelState.resume(database.db, paused);
    expect(resumed).toMatchObject({ state: 'active', failureCount: 0, platform: { id: platformId } });
    const bare = await channel({ state: 'paused', accessTokenEnc: null, refreshTokenEnc: null, failureCount: 1 });
    expect(await channelState.resume(database.db, bare)).toMatchObject({ state: 'needs_reauth', failureCount: 0 });
  });

  it('remove deletes the channel softly and pauses it', async () => {
    const c = await channel();
    await channelState.remove(database.db, c.id, at);
    expect(await reread(c.id)).toMatchObject({ deletedAt: at, state: 'paused' });
  });

  it('releaseStuck frees a stage left behind, unless it moved since it was read', async () => {
    const stuckAt = new Date('2026-02-01T08:00:00Z');
    const c = await channel({ stage: 'fetching', stageStartedAt: stuckAt });
    expect(await channelState.releaseStuck(database.db, c, 'released after 7200 s stuck in fetching', at)).toBe(true);
    expect(await reread(c.id)).toMatchObject({
      stage: 'idle',
      stageStartedAt: null,
      lastError: 'released after 7200 s stuck in fetching',
      lastErrorAt: at,
    });
    // A worker started a new fetch meanwhile: the stale read releases nothing.
    const d = await channel({ stage: 'fetching', stageStartedAt: stuckAt });
    await channelState.startFetching(database.db, d.id, at);
    expect(await channelState.releaseStuck(database.db, d, 'stale', at)).toBe(false);
    expect(await reread(d.id)).toMatchObject({ stage: 'fetching', stageStartedAt: at, lastError: null });
  });
});
