// deploy/docker/healthcheck.mjs, the containers' health check (no curl in the image), against real HTTP servers.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@oms/testing';
import { root } from './helpers';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/health/ready' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ status: req.url === '/health/ready' ? 'ready' : 'not ready', problems: ['redis connecting'] }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// Asynchronously: the server above runs in this process and must keep answering while the check runs.
function check(url: string) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'deploy/docker/healthcheck.mjs'), url], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('deploy/docker/healthcheck.mjs', () => {
  it('exits 0 when the service answers ready', async () => {
    expect(await check(`http://127.0.0.1:${port}/health/ready`)).toEqual({ code: 0, stderr: '' });
  });
  it('exits 1 with the answer when the service is not ready', async () => {
    const r = await check(`http://127.0.0.1:${port}/health/other`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('503');
    expect(r.stderr).toContain('redis connecting');
  });
  it('exits 1 when nothing listens', async () => {
    const r = await check(`http://127.0.0.1:${await freePort()}/health/ready`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unreachable');
  });
  it('exits 2 without a URL', () => {
    expect(spawnSync(process.execPath, [path.join(root, 'deploy/docker/healthcheck.mjs')]).status).toBe(2);
  });
});
