// The api the route topics of routes.test.ts run against: one app on a fresh database, one seed, a listener for
// channel-change messages, and the record of every route called (the coverage check reads it).
import { afterAll, beforeAll, expect } from 'vitest';
import { Redis } from 'ioredis';
import { channelEventsName } from '@oms/scheduling';
import { assertNoSecret, seed, startApi, type Harness, type Seed } from '../helpers';

export let h: Harness;
export let s: Seed;
/** Channel ids in the order the api published their changes (what the scheduler hears). */
export const changed: string[] = [];
/** "METHOD /route" of every call made through api(). */
export const covered = new Set<string>();
let sub: Redis;

export function useRoutesHarness(): void {
  beforeAll(async () => {
    h = await startApi('apiroutes');
    s = await seed(h);
    sub = new Redis(h.config.REDIS_URL);
    sub.on('message', (_c, m) => changed.push(m));
    await sub.subscribe(channelEventsName(h.config.QUEUE_PREFIX));
  });
  afterAll(async () => {
    sub?.disconnect();
    await h?.close();
  });
}

/** One request to the app (as admin unless told), recorded under its route; never a 5xx, never a key in a body. */
export async function api(
  method: string,
  route: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = h.admin,
) {
  covered.add(`${method} ${route}`);
  const res = await h.built.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  assertNoSecret(res.body, [h.adminKey, h.viewerKey]);
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
  return { status: res.statusCode, json: () => JSON.parse(res.body), body: res.body, headers: res.headers };
}
