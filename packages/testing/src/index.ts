// Real PostgreSQL and real Redis for tests, isolated per test file so files can run in parallel.
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { applyMigrations, createDb, readMigrationFolders, type Db } from '@oms/db';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A template database with every migration applied, made once per set of migrations. */
async function templateName(): Promise<string> {
  const folders = await readMigrationFolders();
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256')
    .update(folders.map((f) => f.name + f.sql).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const name = `oms_tpl_${hash}`;
  await admin(async (c) => {
    // One process builds it; the others wait on the advisory lock and then find it.
    await c.query('select pg_advisory_lock(727272)');
    try {
      const found = await c.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        await c.query(`create database "${name}_build"`).catch(() => undefined);
        await applyMigrations(withDb(PG_ADMIN_URL, `${name}_build`));
        await c.query(`alter database "${name}_build" rename to "${name}"`);
      }
    } finally {
      await c.query('select pg_advisory_unlock(727272)');
    }
  });
  return name;
}

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh migrated database of its own (copied from the template: fast). */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const template = await templateName();
  const name = `oms_${label
    .replace(/[^a-z0-9_]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}" template "${template}"`));
  const url = withDb(PG_ADMIN_URL, name);
  const db = createDb(url, { max: 5 });
  return {
    url,
    name,
    db,
    drop: async () => {
      await db.$disconnect();
      await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** An empty database (no migrations), for migration tests. */
export async function createEmptyDatabase(label = 'empty'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `oms_${label}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database "${name}"`));
  return {
    url: withDb(PG_ADMIN_URL, name),
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/** A BullMQ key prefix of its own on the shared Redis; drop() deletes its keys. */
export async function createTestRedisPrefix(
  label = 't',
): Promise<{ url: string; prefix: string; drop(): Promise<void> }> {
  const prefix = `test-${label.replace(/[^a-z0-9_-]/gi, '')}-${randomBytes(4).toString('hex')}`;
  return {
    url: REDIS_URL,
    prefix,
    drop: async () => {
      const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await r.del(...keys);
        } while (cursor !== '0');
      } finally {
        r.disconnect();
      }
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A private redis-server on a free port, for tests that flush or kill Redis without touching anyone else's.
 */
export async function startPrivateRedis(): Promise<{
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  // Until the server listens, each attempt is refused: one client per attempt, no reconnecting, errors handled here.
  let ready = false;
  for (let i = 0; i < 50 && !ready; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      ready = (await r.ping()) === 'PONG';
    } catch {
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      r.disconnect();
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer within 5 s`);
  }
  return {
    url,
    port,
    process: child,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((res) => child.once('exit', res));
    },
  };
}

/**
 * The environment of an OMS service process a test starts: this process's environment, JSON logs at info, and the
 * test's own database and Redis prefix; `extra` adds or overrides keys.
 */
export function serviceEnv(
  at: { databaseUrl: string; redisUrl: string; queuePrefix: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    DATABASE_URL: at.databaseUrl,
    REDIS_URL: at.redisUrl,
    QUEUE_PREFIX: at.queuePrefix,
    ...extra,
  };
}

/** Polls until fn returns a truthy value or the time runs out. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`);
}
