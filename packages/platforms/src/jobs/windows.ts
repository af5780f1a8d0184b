// The time windows a fetch walks, and importing one window: every page listed and stored before the window counts
// as done (the cursor passes it only then, invariant 1 of docs/ARCHITECTURE.md: no order is lost).
import type { Logger } from '@oms/logger';
import type { LoadedChannel } from '../access';
import type { TimeWindow } from '../adapter';
import type { PlatformJobContext } from './context';
import { withFreshToken } from './token';
import { upsertOrders, type UpsertCounts } from './upsert';

/** [from, to) on one time field, in windows no wider than the platform's maximum. */
export function splitWindow(field: TimeWindow['field'], from: Date, to: Date, maxWindowMs: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += maxWindowMs)
    out.push({ field, from: new Date(start), to: new Date(Math.min(to.getTime(), start + maxWindowMs)) });
  return out;
}

/** Windows from a cursor: start OVERLAP before it (never before syncStartAt), end SETTLE before now, split to the platform's maximum. */
export function computeWindows(args: {
  cursor: Date | null;
  syncStartAt: Date;
  now: Date;
  overlapSeconds: number;
  settleSeconds: number;
  maxWindowMs: number;
  field: 'created' | 'updated';
}): TimeWindow[] {
  const start = args.cursor
    ? Math.max(args.syncStartAt.getTime(), args.cursor.getTime() - args.overlapSeconds * 1000)
    : args.syncStartAt.getTime();
  const end = args.now.getTime() - args.settleSeconds * 1000;
  return splitWindow(args.field, new Date(start), new Date(end), args.maxWindowMs);
}

export interface RunTotals extends UpsertCounts {
  pages: number;
}

/** Lists one window to its end and stores every page; one refresh-and-retry of the window on a refused token. */
export async function importWindow(
  ctx: PlatformJobContext,
  channelId: string,
  channel: LoadedChannel,
  window: TimeWindow,
  totals: RunTotals,
  log: Logger,
): Promise<void> {
  await withFreshToken(
    ctx,
    channelId,
    channel,
    async (store) => {
      for await (const page of ctx.adapter.listOrders(store, window)) {
        totals.pages++;
        const c = await upsertOrders(ctx, channel.row, page.orders);
        totals.new += c.new;
        totals.changed += c.changed;
        totals.unchanged += c.unchanged;
        totals.invalid += c.invalid;
      }
    },
    log,
  );
}
