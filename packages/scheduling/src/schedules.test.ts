import { describe, expect, it } from 'vitest';
import {
  channelOfSchedulerId,
  desiredForChannel,
  planSchedules,
  stableJson,
  type ChannelRow,
  type ExistingSchedule,
} from './schedules';

const settings = { minIntervalSeconds: 60, refreshMarginSeconds: 1800 };
const ID = '11111111-2222-4333-8444-555555555555';
const channel = (over: Partial<ChannelRow> = {}): ChannelRow => ({
  id: ID,
  state: 'active',
  deletedAt: null,
  syncIntervalSeconds: 300,
  accessTokenEnc: 'enc',
  refreshTokenEnc: 'enc',
  accessTokenExpiresAt: new Date(),
  refreshTokenExpiresAt: null,
  platform: { kind: 'shopee', apiVersion: null, deletedAt: null },
  ...over,
});

const asExisting = (c: ChannelRow): ExistingSchedule[] =>
  desiredForChannel(c, settings).map((d) => ({
    id: d.id,
    queue: d.queue,
    json: {
      key: d.id,
      name: d.jobName,
      every: d.everyMs,
      template: { data: { channelId: d.channelId }, opts: JSON.parse(JSON.stringify(d.opts)) },
    },
  }));

describe('desiredForChannel', () => {
  it('gives an active shopee channel a fetch and a refresh schedule on platform-shopee', () => {
    const d = desiredForChannel(channel(), settings);
    expect(d.map((s) => [s.id, s.queue, s.jobName, s.everyMs])).toEqual([
      [`get-orders-${ID}`, 'platform-shopee', 'get-orders', 300_000],
      [`refresh-token-${ID}`, 'platform-shopee', 'refresh-token', 600_000],
    ]);
  });
  it('applies the interval lower bound', () => {
    expect(desiredForChannel(channel({ syncIntervalSeconds: 5 }), settings)[0]!.everyMs).toBe(60_000);
  });
  it('keeps failing channels, drops paused, needs_reauth, deleted, and deleted platforms', () => {
    expect(desiredForChannel(channel({ state: 'failing' }), settings)).toHaveLength(2);
    expect(desiredForChannel(channel({ state: 'paused' }), settings)).toEqual([]);
    expect(desiredForChannel(channel({ state: 'needs_reauth' }), settings)).toEqual([]);
    expect(desiredForChannel(channel({ deletedAt: new Date() }), settings)).toEqual([]);
    expect(
      desiredForChannel(channel({ platform: { kind: 'shopee', apiVersion: null, deletedAt: new Date() } }), settings),
    ).toEqual([]);
  });
  it('has no refresh schedule where tokens do not expire or there is no refresh token', () => {
    expect(
      desiredForChannel(channel({ platform: { kind: 'momo', apiVersion: null, deletedAt: null } }), settings),
    ).toHaveLength(1);
    expect(desiredForChannel(channel({ refreshTokenEnc: null }), settings)).toHaveLength(1);
  });
});

describe('planSchedules', () => {
  it('does nothing when Redis already matches', () => {
    const c = channel();
    expect(planSchedules(desiredForChannel(c, settings), asExisting(c))).toEqual({ add: [], update: [], remove: [] });
  });
  it('adds missing, updates a changed interval, removes ours that are no longer wanted, never others', () => {
    const old = asExisting(channel({ syncIntervalSeconds: 600 }));
    const gone = asExisting(channel({ id: '99999999-2222-4333-8444-555555555555' }));
    const foreign: ExistingSchedule = {
      id: 'poll-shipments',
      queue: 'platform-shopee',
      json: { key: 'poll-shipments', name: 'poll-shipments', every: 1000 },
    };
    const plan = planSchedules(desiredForChannel(channel(), settings), [old[0]!, ...gone, foreign]);
    expect(plan.add.map((d) => d.id)).toEqual([`refresh-token-${ID}`]);
    expect(plan.update.map((d) => d.id)).toEqual([`get-orders-${ID}`]);
    expect(plan.remove.map((e) => e.id).sort()).toEqual(gone.map((e) => e.id).sort());
  });
  it('limits removal to the scope', () => {
    const gone = asExisting(channel({ id: '99999999-2222-4333-8444-555555555555' }));
    expect(planSchedules([], gone, new Set([ID])).remove).toEqual([]);
  });
  it('updates a schedule whose job options changed', () => {
    const e = asExisting(channel());
    (e[0]!.json.template!.opts as Record<string, unknown>).attempts = 1;
    expect(planSchedules(desiredForChannel(channel(), settings), e).update.map((d) => d.id)).toEqual([
      `get-orders-${ID}`,
    ]);
  });
});

describe('ids', () => {
  it('recognises only our scheduler ids', () => {
    expect(channelOfSchedulerId(`get-orders-${ID}`)).toBe(ID);
    expect(channelOfSchedulerId(`refresh-token-${ID}`)).toBe(ID);
    expect(channelOfSchedulerId('poll-shipments')).toBeNull();
  });
  it('stableJson ignores key order', () => {
    expect(stableJson({ a: 1, b: { c: 2, d: 3 } })).toBe(stableJson({ b: { d: 3, c: 2 }, a: 1 }));
  });
});
