// push-shipment: tell the platform that an order left the warehouse, with carrier and tracking number; which part
// of the order a shipment is comes from the adapter's plan (shipment-plan.ts).
import { DelayedError, type Job } from '@oms/queue';
import type { Logger } from '@oms/logger';
import { loadChannelAccess } from '../access';
import type { ShipmentItem, ShipmentPlan } from '../adapter';
import { needsReauthorization } from '../channel-state';
import { NotReadyError, PermanentError, PlatformError, RateLimitedError, ReauthorizeError } from '../errors';
import { nowOf, type PlatformJobContext } from './context';
import { rethrowForQueue } from './queue-errors';
import { withFreshToken } from './token';

export async function handlePushShipment(
  ctx: PlatformJobContext,
  args: { shipmentId: string; job: Job; token?: string; log: Logger },
) {
  const { shipmentId, job, log } = args;
  const shipment = await ctx.db.shipment.findUnique({ where: { id: shipmentId }, include: { order: true } });
  if (!shipment) return { skipped: `shipment ${shipmentId} does not exist` };
  if (shipment.state === 'pushed') return { outcome: 'pushed', already: true };
  // Decided before (a retry resets the state to pending first): the plan would say the same.
  if (shipment.state === 'not_pushed') return { outcome: 'not_pushed', already: true };
  const block = async (reason: string) => {
    await ctx.db.shipment.update({
      where: { id: shipmentId },
      data: { state: 'blocked', reason: reason.slice(0, 2000) },
    });
    log.warn({ shipmentId, reason }, 'shipment blocked');
    return { outcome: 'blocked', reason };
  };

  const channel = await loadChannelAccess(ctx.db, ctx.box, shipment.channelId);
  /** A failed platform call: permanent refusals block, a lost authorization flags the channel, the rest retry. */
  const failed = async (err: unknown, permanentReason: (message: string) => string) => {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof PermanentError) return block(permanentReason(message));
    if (err instanceof ReauthorizeError) {
      await needsReauthorization(ctx.db, shipment.channelId, message, nowOf(ctx));
      return block(`channel needs re-authorization: ${message}`);
    }
    const last = !(err instanceof RateLimitedError) && job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await ctx.db.shipment.update({
      where: { id: shipmentId },
      data: {
        state: last ? 'failed' : 'pending',
        reason: err instanceof PlatformError ? message : `unexpected: ${message}`,
      },
    });
    return rethrowForQueue(ctx, err, job.queueName);
  };

  // A shipment waiting for a platform-assigned number only reads it back.
  if (shipment.state === 'awaiting_tracking') {
    try {
      const tracking = await ctx.adapter.readTracking(channel.store, shipment.order.externalId, shipment.packageNumber);
      if (!tracking) {
        // Touch the row: the reconciler rechecks awaiting shipments by updated_at.
        await ctx.db.shipment.update({
          where: { id: shipmentId },
          data: { reason: `no tracking number from the platform yet (checked ${nowOf(ctx).toISOString()})` },
        });
        return { outcome: 'awaiting_tracking' };
      }
      await ctx.db.shipment.update({
        where: { id: shipmentId },
        data: { state: 'pushed', trackingNumber: tracking, pushedAt: nowOf(ctx), reason: null },
      });
      await rereadOrder(ctx, shipment.channelId, shipment.order.externalId);
      return { outcome: 'pushed', trackingNumber: tracking };
    } catch (err) {
      return rethrowForQueue(ctx, err, job.queueName);
    }
  }

  // The carrier comes from the channel's mapping of the iDempiere shipper, read again on every push so a
  // corrected mapping applies to a retried shipment; without one, the carrier stored on the shipment.
  let carrier = shipment.carrier;
  if (shipment.erpShipperName) {
    const mapping = await ctx.db.carrierMapping.findUnique({
      where: { channelId_erpShipperName: { channelId: shipment.channelId, erpShipperName: shipment.erpShipperName } },
    });
    carrier = mapping?.platformCarrier ?? carrier;
  }

  // Which part of the order this shipment is on the platform (a package, some lines, the whole order), or
  // none: a later part shipment where the platform holds one number for that part.
  let orderRaw: unknown = shipment.order.raw;
  let plan: ShipmentPlan;
  try {
    const read = ctx.adapter.orderForShipment?.bind(ctx.adapter);
    if (read)
      orderRaw =
        (await withFreshToken(
          ctx,
          shipment.channelId,
          channel,
          (store) => read(store, shipment.order.externalId),
          log,
        )) ?? orderRaw;
    plan = await planFor(ctx, shipment, orderRaw);
  } catch (err) {
    // Reading the order for the plan failed: as a failed push, without the carrier and number (none was sent).
    return failed(err, (message) => message);
  }
  if (plan.action === 'block') return block(plan.reason);
  if (plan.action === 'not_pushed') {
    await ctx.db.shipment.update({
      where: { id: shipmentId },
      data: { state: 'not_pushed', carrier, reason: plan.reason.slice(0, 2000) },
    });
    log.info({ shipmentId, reason: plan.reason }, 'shipment recorded, not pushed');
    return { outcome: 'not_pushed', reason: plan.reason };
  }
  if (!carrier)
    return block(
      `no carrier mapping for shipper "${shipment.erpShipperName ?? '(none)'}" on this channel: add it, then retry the shipment`,
    );

  const packageNumber = plan.packageNumber ?? shipment.packageNumber;
  // The package is saved before the call: a push cut off by a crash reads the same package's number back.
  await ctx.db.shipment.update({
    where: { id: shipmentId },
    data: { state: 'pushing', carrier, packageNumber, attempts: { increment: 1 } },
  });
  const toPush = {
    orderExternalId: shipment.order.externalId,
    orderRaw,
    carrier,
    trackingNumber: shipment.trackingNumber,
    packageNumber,
    lineIds: plan.lineIds,
    shippedAt: shipment.shippedAt ?? nowOf(ctx),
  };
  try {
    const result = await withFreshToken(
      ctx,
      shipment.channelId,
      channel,
      (store) => ctx.adapter.pushShipment(store, toPush),
      log,
    );
    if (result.outcome === 'pushed') {
      await ctx.db.shipment.update({
        where: { id: shipmentId },
        data: {
          state: 'pushed',
          trackingNumber: result.trackingNumber ?? shipment.trackingNumber,
          packageNumber: result.packageNumber ?? packageNumber,
          pushedAt: nowOf(ctx),
          reason: null,
        },
      });
    } else {
      await ctx.db.shipment.update({
        where: { id: shipmentId },
        data: {
          state: 'awaiting_tracking',
          packageNumber: result.packageNumber ?? packageNumber,
          pushedAt: nowOf(ctx),
          reason: 'the platform assigns the tracking number; it is read back later',
        },
      });
    }
    log.info({ shipmentId, outcome: result.outcome }, 'shipment pushed');
    await rereadOrder(ctx, shipment.channelId, shipment.order.externalId);
    return result;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof NotReadyError) {
      await ctx.db.shipment.update({
        where: { id: shipmentId },
        data: { state: 'pending', reason: `not ready yet, retrying: ${message}` },
      });
      await job.moveToDelayed(Date.now() + ctx.settings.notReadyRetryMs, args.token);
      throw new DelayedError();
    }
    return failed(err, (m) => `${m} (sent carrier "${carrier}", tracking number "${shipment.trackingNumber ?? ''}")`);
  }
}

/**
 * Once a shipment is pushed the order's platform status has moved on; not every platform bumps the order's
 * update time for it (SHOPLINE's delivery changes do not), so fetch the order itself and show the platform's view.
 */
async function rereadOrder(ctx: PlatformJobContext, channelId: string, externalId: string): Promise<void> {
  await ctx.queues.add('fetchOrder', { channelId, externalId }, { platform: ctx.kind });
}

/**
 * The plan of one shipment: the adapter plans every shipment of the order, in the order they were recorded
 * (poll-shipments records them one at a time, oldest M_InOut first), so every push of the order agrees.
 */
async function planFor(
  ctx: PlatformJobContext,
  shipment: { id: string; orderId: string },
  orderRaw: unknown,
): Promise<ShipmentPlan> {
  const all = await ctx.db.shipment.findMany({
    where: { orderId: shipment.orderId },
    orderBy: [{ createdAt: 'asc' }, { erpInOutId: 'asc' }],
    select: { id: true, erpInOutId: true, erpDocumentNo: true, items: true },
  });
  const plans = ctx.adapter.planShipments(
    orderRaw,
    all.map((s) => ({
      id: s.id,
      label: s.erpDocumentNo ?? `M_InOut ${s.erpInOutId}`,
      items: Array.isArray(s.items) ? (s.items as unknown as ShipmentItem[]) : null,
    })),
  );
  return plans[all.findIndex((s) => s.id === shipment.id)]!;
}
