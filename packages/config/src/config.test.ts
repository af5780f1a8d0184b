import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index';

const root = path.resolve(import.meta.dirname, '../../..');

describe('config', () => {
  it('defaults to localhost Redis, PostgreSQL and the sandbox', () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/oms');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.SHOPEE_API_URL).toBe('http://127.0.0.1:4011');
    expect(c.IDEMPIERE_URL).toBe('http://127.0.0.1:4015/api/v1');
    expect(c.LOG_FORMAT).toBe('pretty');
    expect(c.ENCRYPTION_KEYS[0]!.key).toHaveLength(32);
  });

  it('follows SANDBOX_PORT for every sandbox system', () => {
    const c = parseConfig({ SANDBOX_PORT: '5000' });
    expect([c.SHOPEE_API_URL, c.CYBERBIZ_API_URL, c.SHOPLINE_API_URL, c.MOMO_API_URL, c.IDEMPIERE_URL]).toEqual([
      'http://127.0.0.1:5001',
      'http://127.0.0.1:5002',
      'http://127.0.0.1:5003',
      'http://127.0.0.1:5004',
      'http://127.0.0.1:5005/api/v1',
    ]);
  });

  it('names every bad key with its reason, one per line', () => {
    let error: ConfigError | undefined;
    try {
      parseConfig({ API_PORT: 'eighty', REDIS_URL: 'not a url', ENCRYPTION_KEYS: 'k1:short', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = error!.problems.map((p) => p.split(':')[0]);
    expect(keys.sort()).toEqual(['API_PORT', 'ENCRYPTION_KEYS', 'LOG_LEVEL', 'REDIS_URL']);
    expect(error!.problems.find((p) => p.startsWith('ENCRYPTION_KEYS'))).toMatch(/32 bytes/);
  });

  it('refuses development secrets in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(
      /ENCRYPTION_KEYS: the development key[\s\S]*APP_SECRET/,
    );
  });

  it('a process with a bad value prints the key and the reason and exits non-zero', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "import('@oms/config').then(m => { m.loadConfig(); console.log('started'); })"],
      {
        cwd: path.join(root, 'packages/config'),
        env: { ...process.env, API_PORT: '99999999', SHUTDOWN_TIMEOUT_MS: '-5' },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('started');
    expect(run.stderr).toMatch(/API_PORT: .+/);
    expect(run.stderr).toMatch(/SHUTDOWN_TIMEOUT_MS: .+/);
  });
});
