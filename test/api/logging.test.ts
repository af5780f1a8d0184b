// Request logging: one line per request with its request id, and no secret in any line, whatever the
// request carried (tokens in bodies, the webhook secret in a URL, OAuth codes, API keys).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { createLogger } from '@oms/logger';
import { hashKey } from '@oms/api';
import { seed, startApi, SECRETS, type Harness, type Seed } from './helpers';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});
let h: Harness;
let s: Seed;
beforeAll(async () => {
  h = await startApi('logging', {}, { logger: createLogger({ service: 'api', level: 'debug', destination: sink }) });
  s = await seed(h);
});
afterAll(async () => h?.close());

describe('request logs', () => {
  it('carry a request id and no secret', async () => {
    const inject = h.built.app.inject.bind(h.built.app) as (
      o: object,
    ) => Promise<{ statusCode: number; headers: Record<string, unknown> }>;
    const r = await inject({
      method: 'POST',
      url: '/channels',
      headers: { ...h.admin, 'x-request-id': 'req-from-client-1' },
      payload: {
        platformId: s.platformId,
        name: 'Logged',
        accessToken: 'logged-token-secret-123',
        webhookSecret: 'logged-webhook-secret-123',
      },
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers['x-request-id']).toBe('req-from-client-1');
    await inject({
      method: 'POST',
      url: `/webhooks/shopline/${s.channelId}/${SECRETS.webhookSecret}`,
      payload: { topic: 'order/update' },
    });
    await inject({ method: 'GET', url: `/oauth/callback/shopee?code=oauth-code-secret-987&state=abc.def` });
    await inject({ method: 'GET', url: '/platforms', headers: { 'x-api-key': h.viewerKey } });
    await new Promise((res) => setTimeout(res, 50));
    const all = lines.join('');
    expect(all).toContain('"reqId":"req-from-client-1"');
    expect(all).toMatch(/"url":"\/webhooks\/shopline\/[^/]+\/\[REDACTED\]"/);
    for (const secret of [
      ...Object.values(SECRETS),
      'logged-token-secret-123',
      'logged-webhook-secret-123',
      'oauth-code-secret-987',
      h.adminKey,
      h.viewerKey,
    ]) {
      expect(all, `a log line contains ${secret.slice(0, 6)}…`).not.toContain(secret);
    }
  });
});

describe('pnpm apikey:create', () => {
  it('prints a new key once and stores only its hash', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const run = promisify(execFile);
    const { stdout, stderr } = await run(
      'node_modules/.bin/tsx',
      ['services/api/src/apikey.ts', '--name', 'ops', '--role', 'admin'],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: h.config.DATABASE_URL },
      },
    );
    const key = stdout.trim();
    expect(key).toMatch(/^oms_[A-Za-z0-9_-]{40,}$/);
    expect(stderr).toContain('shown once');
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { keyHash: hashKey(key) } });
    expect(row).toMatchObject({ name: 'ops', role: 'admin' });
    expect(
      (
        await h.built.app.inject({ method: 'GET', url: '/session', headers: { authorization: `Bearer ${key}` } })
      ).json(),
    ).toEqual({ name: 'ops', role: 'admin' });
    await expect(
      run('node_modules/.bin/tsx', ['services/api/src/apikey.ts', '--role', 'root'], { cwd: root }),
    ).rejects.toMatchObject({ code: 2 });
  });
});
