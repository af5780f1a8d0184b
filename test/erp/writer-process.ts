// The erp-writer as a real process (tsx services/erp-writer/src/main.ts) and a pass-through proxy to iDempiere
// that SIGKILLs it the moment iDempiere has answered a chosen write: what the process tests interrupt with.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { freePort, waitFor } from '@oms/testing';
import type { ErpEnv } from './fixtures';

const root = path.resolve(import.meta.dirname, '../..');

/** Starts a writer process against `idempiereUrl` and waits until it is ready; `children` collects it for cleanup. */
export async function startWriterProcess(
  env: ErpEnv,
  children: ChildProcess[],
  idempiereUrl: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/erp-writer/src/main.ts')], {
    cwd: root,
    env: { ...process.env, ...env.env, IDEMPIERE_URL: idempiereUrl, HEALTH_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`writer exited: ${output}`);
      return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.status === 200;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'erp-writer ready' },
  );
  return { child, output: () => output };
}

export type WriteMatch = (method: string, pathname: string, body: string) => boolean;

/** A proxy to iDempiere; `killOn(child, match)` SIGKILLs `child` once iDempiere has answered a matching request. */
export async function startKillProxy(target: string) {
  let armed: { child: ChildProcess; match: WriteMatch } | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url!, target);
      const sent = chunks.length ? Buffer.concat(chunks) : undefined;
      const upstream = await fetch(url, {
        method: req.method,
        headers: { ...(req.headers as Record<string, string>), host: url.host },
        body: sent,
      }).catch(() => null);
      if (!upstream) return res.destroy();
      const body = Buffer.from(await upstream.arrayBuffer());
      if (armed && armed.match(req.method ?? '', url.pathname, sent?.toString() ?? '')) {
        // iDempiere has committed the write; the writer dies before it can record the answer.
        armed.child.kill('SIGKILL');
        armed = null;
        return res.destroy();
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    killOn(child: ChildProcess, match: WriteMatch) {
      armed = { child, match };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
