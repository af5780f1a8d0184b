// What the Job Schedulers should be, computed from channel rows (pure), and how they differ from what is in Redis.
import { jobs, platformQueue, scheduledJobOptions, type QueueName } from '@oms/queue';
import { type PlatformKind } from '@oms/core';
import type { JobSchedulerJson, JobSchedulerTemplateOptions } from 'bullmq';
import { refreshEverySeconds, tokensExpire } from './tokens';

/** The channel columns the scheduler reads. */
export interface ChannelRow {
  id: string;
  state: 'active' | 'paused' | 'needs_reauth' | 'failing';
  deletedAt: Date | null;
  syncIntervalSeconds: number;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  platform: { kind: PlatformKind; apiVersion: string | null; deletedAt: Date | null };
}

export interface ScheduleSettings {
  /** SYNC_MIN_INTERVAL_SECONDS */
  minIntervalSeconds: number;
  /** TOKEN_REFRESH_MARGIN_SECONDS */
  refreshMarginSeconds: number;
}

/** The jobs the scheduler schedules per channel. */
export type ScheduledJob = 'getOrders' | 'refreshToken';

export interface DesiredSchedule {
  id: string;
  job: ScheduledJob;
  platform: PlatformKind;
  queue: QueueName;
  channelId: string;
  jobName: string;
  everyMs: number;
  opts: JobSchedulerTemplateOptions;
}

export const SCHEDULE_KINDS = ['get-orders', 'refresh-token'] as const;

export function getOrdersSchedulerId(channelId: string): string {
  return `get-orders-${channelId}`;
}
export function refreshTokenSchedulerId(channelId: string): string {
  return `refresh-token-${channelId}`;
}

const OURS = /^(get-orders|refresh-token)-([0-9a-f-]{36})$/;
/** The channel id of a scheduler this service manages; null for anyone else's scheduler. */
export function channelOfSchedulerId(id: string): string | null {
  return OURS.exec(id)?.[2] ?? null;
}

/**
 * The schedules one channel should have. Active and failing channels fetch (a failing channel keeps trying,
 * with its errors recorded); paused, needs_reauth and deleted channels, and channels of a deleted platform,
 * have none. A refresh-token schedule exists only where tokens expire and there is a refresh token to use.
 */
export function desiredForChannel(c: ChannelRow, s: ScheduleSettings): DesiredSchedule[] {
  if (c.deletedAt || c.platform.deletedAt) return [];
  if (c.state !== 'active' && c.state !== 'failing') return [];
  const queue = platformQueue(c.platform.kind);
  const out: DesiredSchedule[] = [
    {
      id: getOrdersSchedulerId(c.id),
      job: 'getOrders',
      platform: c.platform.kind,
      queue,
      channelId: c.id,
      jobName: jobs.getOrders.name,
      everyMs: Math.max(c.syncIntervalSeconds, s.minIntervalSeconds) * 1000,
      opts: scheduledJobOptions('getOrders'),
    },
  ];
  const facts = {
    kind: c.platform.kind,
    apiVersion: c.platform.apiVersion,
    hasAccessToken: c.accessTokenEnc !== null,
    hasRefreshToken: c.refreshTokenEnc !== null,
    accessTokenExpiresAt: c.accessTokenExpiresAt,
    refreshTokenExpiresAt: c.refreshTokenExpiresAt,
  };
  if (facts.hasRefreshToken && tokensExpire(facts)) {
    out.push({
      id: refreshTokenSchedulerId(c.id),
      job: 'refreshToken',
      platform: c.platform.kind,
      queue,
      channelId: c.id,
      jobName: jobs.refreshToken.name,
      everyMs: refreshEverySeconds(s.refreshMarginSeconds) * 1000,
      opts: scheduledJobOptions('refreshToken'),
    });
  }
  return out;
}

/** A scheduler as found in Redis, with the queue it lives on. */
export interface ExistingSchedule {
  id: string;
  queue: QueueName;
  json: Pick<JobSchedulerJson, 'key' | 'name' | 'every' | 'template' | 'next'>;
}

export interface SchedulePlan {
  add: DesiredSchedule[];
  update: DesiredSchedule[];
  remove: ExistingSchedule[];
}

/** True when the scheduler in Redis already does what the desired one says. */
export function sameSchedule(d: DesiredSchedule, e: ExistingSchedule): boolean {
  const data = e.json.template?.data as { channelId?: unknown } | undefined;
  return (
    e.queue === d.queue &&
    e.json.name === d.jobName &&
    Number(e.json.every) === d.everyMs &&
    data?.channelId === d.channelId &&
    stableJson(e.json.template?.opts ?? {}) === stableJson(d.opts)
  );
}

/**
 * What to add, update and remove so that Redis holds exactly the desired schedules. Only schedulers with our
 * ids are ever removed; `scope` limits removal to some channels (a single-channel sync must not remove the others).
 */
export function planSchedules(
  desired: DesiredSchedule[],
  existing: ExistingSchedule[],
  scope?: Set<string>,
): SchedulePlan {
  const plan: SchedulePlan = { add: [], update: [], remove: [] };
  const byKey = (queue: string, id: string) => `${queue}\u0000${id}`;
  const existingByKey = new Map(existing.map((e) => [byKey(e.queue, e.id), e]));
  const desiredKeys = new Set(desired.map((d) => byKey(d.queue, d.id)));
  for (const d of desired) {
    const e = existingByKey.get(byKey(d.queue, d.id));
    if (!e) plan.add.push(d);
    else if (!sameSchedule(d, e)) plan.update.push(d);
  }
  for (const e of existing) {
    const channelId = channelOfSchedulerId(e.id);
    if (!channelId) continue;
    if (scope && !scope.has(channelId)) continue;
    if (!desiredKeys.has(byKey(e.queue, e.id))) plan.remove.push(e);
  }
  return plan;
}

/** JSON with sorted keys, so that option objects compare by content. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}
