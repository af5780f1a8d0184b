// Liveness, readiness and metrics for every service, on its own small HTTP server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface HealthServer {
  port: number;
  registry: Registry;
  close(): Promise<void>;
}

export async function startHealthServer(opts: {
  port: number;
  host?: string;
  /** Live: the process is not wedged. */
  live: () => boolean;
  /** Ready: it can do its work now (connections up, not shutting down). Returns problems, empty when ready. */
  ready: () => Promise<string[]>;
  registry?: Registry;
}): Promise<HealthServer> {
  const registry = opts.registry ?? new Registry();
  if (!opts.registry) collectDefaultMetrics({ register: registry });
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      if (req.url === '/health/live') return send(opts.live() ? 200 : 503, { status: opts.live() ? 'ok' : 'wedged' });
      if (req.url === '/health/ready') {
        const problems = await opts.ready();
        return send(problems.length ? 503 : 200, { status: problems.length ? 'not ready' : 'ready', problems });
      }
      if (req.url === '/metrics') return send(200, await registry.metrics(), registry.contentType);
      send(404, { error: 'not found' });
    } catch (err) {
      send(503, { status: 'error', problems: [(err as Error).message] });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    registry,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
