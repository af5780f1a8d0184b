// The HTTP transport of the iDempiere client: one request, resolved as soon as the status line is in, its
// reply parsed on demand and a failure classified (errors.ts).
import { classifyHttpError, classifyNetworkError } from './errors';

/** A request whose status line is in; `body()` reads the reply. */
export interface Opened {
  status: number;
  body: () => Promise<unknown>;
}

/** Requests to one iDempiere base URL, with a default timeout; counts them in `stats.requests`. */
export class Http {
  constructor(
    private readonly base: string,
    readonly timeoutMs: number,
    private readonly stats: { requests: number },
  ) {}

  /**
   * Sends a request and resolves as soon as the status line is in (iDempiere has finished the work by then);
   * `body()` reads and parses the reply and throws the classified error for a 4xx/5xx.
   */
  async open(
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
    timeoutMs = this.timeoutMs,
  ): Promise<Opened> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const where = { method, path: path.split('?')[0] };
    this.stats.requests++;
    let res: Response;
    try {
      res = await fetch(`${this.base}/${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw classifyNetworkError(err, where);
    }
    return {
      status: res.status,
      body: async () => {
        let raw: string;
        try {
          raw = await res.text();
        } catch (err) {
          throw classifyNetworkError(err, where);
        }
        let data: unknown = raw;
        if (raw) {
          try {
            data = JSON.parse(raw);
          } catch {
            // not JSON (proxy error page): keep the text for the message
          }
        } else data = undefined;
        if (res.status >= 400) throw classifyHttpError(res.status, data, where);
        return data;
      },
    };
  }

  /** Sends a request and reads its reply (the classified error for a 4xx/5xx). */
  async send(
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
    timeoutMs = this.timeoutMs,
  ): Promise<{ status: number; data: unknown }> {
    const r = await this.open(method, path, body, bearer, timeoutMs);
    return { status: r.status, data: await r.body() };
  }
}
