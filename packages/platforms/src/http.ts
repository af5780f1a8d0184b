// One HTTP client per adapter: axios with a timeout, keep-alive agents and NO retries of its own
// (retries belong to the queue). Every failure leaves here as one of the classified errors of errors.ts.
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { PermanentError, RateLimitedError, TransientError, type PlatformError } from './errors';

export const DEFAULT_TIMEOUT_MS = 15_000;

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

export function createHttp(timeoutMs = DEFAULT_TIMEOUT_MS): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    httpAgent,
    httpsAgent,
    // Every status comes back as a response: each adapter reads the platform's own error body.
    validateStatus: () => true,
    maxRedirects: 0,
    // Keep the body as text so a malformed answer is reported, not thrown deep inside axios.
    transformResponse: [(data: unknown) => data],
    responseType: 'text',
  });
}

/** Parses a JSON body; a non-JSON answer from a platform is a transient fault (proxy pages, outages). */
export function jsonBody(res: AxiosResponse, platform: string): unknown {
  const text = typeof res.data === 'string' ? res.data : '';
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    const status = res.status;
    const snippet = text.slice(0, 120).replace(/\s+/g, ' ');
    if (status >= 400 && status < 500 && status !== 429)
      throw new PermanentError(`${platform} answered ${status} with a non-JSON body: ${snippet}`, { platform, status });
    throw new TransientError(`${platform} answered ${status} with a non-JSON body: ${snippet}`, { platform, status });
  }
}

/** Network errors and timeouts (no response at all) are transient. */
export function networkError(err: unknown, platform: string): PlatformError {
  if (err instanceof AxiosError) {
    const what =
      err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' ? 'timed out' : `network error ${err.code ?? ''}`.trim();
    return new TransientError(`${platform} ${what}: ${err.message}`, { platform, code: err.code });
  }
  return new TransientError(`${platform} request failed: ${(err as Error).message}`, { platform });
}

/** Retry-After in seconds or as an HTTP date; the fallback when absent. */
export function retryAfterMs(res: AxiosResponse, fallbackMs = 1_000): number {
  const h = res.headers['retry-after'];
  if (typeof h !== 'string' || !h) return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(h)) return Math.max(1, Math.round(Number(h) * 1000));
  const at = Date.parse(h);
  return Number.isNaN(at) ? fallbackMs : Math.max(1, at - Date.now());
}

/** The classes every HTTP platform shares: 429, 5xx. Returns null for statuses the adapter must judge. */
export function classifyStatus(res: AxiosResponse, platform: string, message: string): PlatformError | null {
  if (res.status === 429)
    return new RateLimitedError(`${platform} rate limit: ${message}`, retryAfterMs(res), { platform, status: 429 });
  if (res.status >= 500)
    return new TransientError(`${platform} ${res.status}: ${message}`, { platform, status: res.status });
  return null;
}

/** Calls the platform; any thrown axios error becomes a TransientError. */
export async function send<T = string>(
  client: AxiosInstance,
  platform: string,
  config: Parameters<AxiosInstance['request']>[0],
): Promise<AxiosResponse<T>> {
  try {
    return await client.request<T>(config);
  } catch (err) {
    throw networkError(err, platform);
  }
}

/**
 * Paces calls per token to the platform's documented rate (Cyberbiz 5/s, Shopline 20/s), so that a
 * listing does not run into 429s it could have avoided. This is pacing inside one process, not a retry.
 */
export class Pacer {
  private readonly next = new Map<string, number>();
  constructor(private readonly perSecond: number) {}

  async wait(key: string): Promise<void> {
    const gap = 1000 / this.perSecond;
    const now = Date.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + gap);
    if (this.next.size > 10_000) this.next.clear();
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}
