// Shared by the conformance tests: a sandbox per file and plain-HTTP helpers (no OMS adapters).
import { startSandbox, type Sandbox, type ScenarioInput } from '../index.ts';
import type { truth } from '../control/index.ts';

export async function sandbox(scenario: ScenarioInput = {}, opts: { rateLimits?: boolean } = {}): Promise<Sandbox> {
  return startSandbox({ basePort: 0, scenario, ...opts });
}

export async function json<T = any>(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const { json: payload, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    ...(payload !== undefined
      ? {
          method: rest.method ?? 'POST',
          body: JSON.stringify(payload),
          headers: { 'content-type': 'application/json', ...(rest.headers as Record<string, string>) },
        }
      : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function control<T = any>(s: Sandbox, path: string, payload?: unknown, method?: string) {
  return json<T>(
    `${s.urls.control}${path}`,
    payload === undefined ? { method: method ?? 'GET' } : { json: payload, method: method ?? 'POST' },
  );
}

export type Truth = Awaited<ReturnType<typeof truth>>;

export async function truthOrders(s: Sandbox, platform: string, store?: string): Promise<Truth[]> {
  const r = await control<{ orders: Truth[] }>(
    s,
    `/_sandbox/orders?platform=${platform}${store ? `&store=${encodeURIComponent(store)}` : ''}`,
  );
  return r.body.orders;
}
