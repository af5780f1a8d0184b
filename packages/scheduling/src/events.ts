// "This channel changed": the API publishes it after it commits a change to a channel (added, paused, resumed,
// deleted, new interval, new tokens, re-authorized), and the scheduler brings that channel's schedules in step
// within seconds. Pub/sub is fire-and-forget: a missed event only waits for the next sweep.
import type { Redis } from 'ioredis';

/** The Redis pub/sub channel of one OMS install (one QUEUE_PREFIX). */
export function channelEventsName(prefix: string): string {
  return `${prefix}:events:channel-changed`;
}

/** Anything holding a Redis connection and the queue prefix: a `Queues` instance fits. */
export interface EventTarget {
  connection: Redis;
  prefix: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tells the scheduler(s) that a channel row changed. Call it after the transaction commits.
 * Usage from the API: `await publishChannelChanged(queues, channel.id)`.
 */
export async function publishChannelChanged(target: EventTarget, channelId: string): Promise<void> {
  if (!UUID.test(channelId)) throw new Error(`publishChannelChanged: channelId must be a uuid, got "${channelId}"`);
  await target.connection.publish(channelEventsName(target.prefix), channelId);
}

export interface ChannelSubscription {
  close(): Promise<void>;
}

/**
 * Calls onChange(channelId) for every change event. Uses a connection of its own (a subscribed connection can
 * do nothing else), duplicated from `connection`; ioredis re-subscribes by itself after a reconnect.
 */
export async function subscribeChannelChanges(
  connection: Redis,
  prefix: string,
  onChange: (channelId: string) => void,
): Promise<ChannelSubscription> {
  const sub = connection.duplicate();
  const name = channelEventsName(prefix);
  sub.on('message', (channel: string, message: string) => {
    if (channel === name && UUID.test(message)) onChange(message.toLowerCase());
  });
  // Errors are reported by the main connection; without a listener ioredis would print them unhandled.
  sub.on('error', () => undefined);
  await sub.subscribe(name);
  return {
    close: async () => {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
