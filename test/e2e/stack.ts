// The whole OMS on one machine, as separate processes: the sandbox, then the api, scheduler, four platform
// workers and the ERP writer, against a database and a Redis prefix of its own. Used by `pnpm demo`,
// `pnpm bench` and `pnpm test:faults`.
import { Redis } from 'ioredis';
import { DEFAULT_HEALTH_PORTS, parseConfig } from '@oms/config';
import { applyMigrations, createDb, dropDatabase, ensureDatabase, SecretBox, type Db } from '@oms/db';
import { buildAll } from '../../scripts/build.mjs';
import { sampleMemory, serviceProcess, waitUntil, type ServiceProcess } from './processes';
import { provisionFromSandbox, type SandboxCredentials } from './world';

export const APP_SERVICES = [
  'api',
  'scheduler',
  'worker-shopee',
  'worker-cyberbiz',
  'worker-shopline',
  'worker-momo',
  'erp-writer',
] as const;
const HEALTH_PORTS: Record<string, number> = DEFAULT_HEALTH_PORTS;

export interface StackOptions {
  /** Database of its own; dropped and made anew at start. */
  databaseName: string;
  /** Redis of its own (the fault suite flushes it); the configured one otherwise. */
  redisUrl?: string;
  queuePrefix: string;
  sandboxPort: number;
  apiPort: number;
  /** Added to the health ports of the services (so several stacks could run side by side). */
  portOffset?: number;
  scenario: Record<string, unknown>;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  logDir: string;
  syncIntervalSeconds?: number;
}

export interface Stack {
  db: Db;
  box: SecretBox;
  sandbox: ServiceProcess;
  services: ServiceProcess[];
  control(pathname: string, body?: unknown, method?: string): Promise<any>;
  credentials: SandboxCredentials;
  urls: { console: string; queues: string; sandbox: string };
  stopMemorySampling(): void;
  startServices(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  // The services run as their bundles (dist/<name>/main.mjs), built from the sources as they are now.
  await buildAll(['sandbox', ...APP_SERVICES]);
  const base = parseConfig({});
  const dbUrl = new URL(base.DATABASE_URL);
  dbUrl.pathname = `/${opts.databaseName}`;
  const databaseUrl = dbUrl.toString();
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);
  const redisUrl = opts.redisUrl ?? base.REDIS_URL;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  await clearPrefix(redis, opts.queuePrefix);
  redis.disconnect();

  const offset = opts.portOffset ?? 0;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: opts.queuePrefix,
    SANDBOX_PORT: String(opts.sandboxPort),
    API_PORT: String(opts.apiPort),
    PUBLIC_URL: `http://127.0.0.1:${opts.apiPort}`,
    SCHEDULER_SWEEP_MS: '5000',
    SHIPMENT_POLL_MS: '2000',
    SYNC_SETTLE_SECONDS: '0',
    ...opts.env,
  };
  const control = async (pathname: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`http://127.0.0.1:${opts.sandboxPort}${pathname}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`sandbox ${method} ${pathname}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  const sandbox = serviceProcess({
    name: 'sandbox',
    env,
    healthUrl: `http://127.0.0.1:${opts.sandboxPort}/health/ready`,
    logDir: opts.logDir,
  });
  sandbox.start();
  await waitUntil('sandbox ready', () => sandbox.ready(), 60_000);
  await control('/_sandbox/scenario', opts.scenario);
  const credentials = (await control('/_sandbox/credentials')) as SandboxCredentials;

  const box = new SecretBox(base.ENCRYPTION_KEYS);
  const db = createDb(databaseUrl, { max: 4 });
  await provisionFromSandbox(db, box, credentials, {
    syncStartAt: new Date(String(opts.scenario.from ?? new Date(Date.now() - 40 * 86_400_000).toISOString())),
    syncIntervalSeconds: opts.syncIntervalSeconds ?? 60,
  });

  const services = APP_SERVICES.map((name) => {
    const port = name === 'api' ? opts.apiPort : HEALTH_PORTS[name]! + offset;
    return serviceProcess({
      name,
      env: { ...env, HEALTH_PORT: String(port) },
      healthUrl: `http://127.0.0.1:${port}/health/ready`,
      logDir: opts.logDir,
    });
  });
  const stopMemorySampling = sampleMemory([sandbox, ...services]);

  return {
    db,
    box,
    sandbox,
    services,
    control,
    credentials,
    urls: {
      console: `http://127.0.0.1:${opts.apiPort}/`,
      queues: `http://127.0.0.1:${opts.apiPort}/admin/queues`,
      sandbox: `http://127.0.0.1:${opts.sandboxPort}/_sandbox/state`,
    },
    stopMemorySampling,
    async startServices() {
      for (const s of services) s.start();
      await waitUntil(
        'every service ready',
        async () => (await Promise.all(services.map((s) => s.ready()))).every(Boolean),
        90_000,
      );
    },
    async stop() {
      stopMemorySampling();
      await Promise.all(services.map((s) => s.kill('SIGTERM')));
      await sandbox.kill('SIGTERM');
      await db.$disconnect();
    },
  };
}

async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export interface PlatformProgress {
  platform: string;
  inPlatform: number;
  fetched: number;
  byErpState: Record<string, number>;
  shipmentsPushed: number;
  shipmentsBlocked: number;
}

/** What has arrived where, per platform, from the OMS database and the sandbox's own counts. */
export async function progress(
  stack: Stack,
): Promise<{ platforms: PlatformProgress[]; idempiereOrders: number; overlappingWrites: number }> {
  const state = await stack.control('/_sandbox/state');
  const rows = await stack.db.$queryRaw<{ kind: string; erp_state: string; n: bigint }[]>`
    select p.kind::text as kind, o.erp_state::text as erp_state, count(*) as n
    from oms_order o join oms_channel c on c.id = o.channel_id join oms_platform p on p.id = c.platform_id
    group by 1, 2`;
  const ships = await stack.db.$queryRaw<{ kind: string; state: string; n: bigint }[]>`
    select p.kind::text as kind, s.state::text as state, count(*) as n
    from oms_shipment s join oms_channel c on c.id = s.channel_id join oms_platform p on p.id = c.platform_id
    group by 1, 2`;
  const platforms = ['shopee', 'cyberbiz', 'shopline', 'momo'].map((platform) => {
    const byErpState: Record<string, number> = {};
    for (const r of rows.filter((r) => r.kind === platform)) byErpState[r.erp_state] = Number(r.n);
    const ship = (st: string) => Number(ships.find((s) => s.kind === platform && s.state === st)?.n ?? 0);
    return {
      platform,
      inPlatform: Number(state[platform]?.orders ?? 0),
      fetched: Object.values(byErpState).reduce((a, b) => a + b, 0),
      byErpState,
      shipmentsPushed: ship('pushed'),
      shipmentsBlocked: ship('blocked'),
    };
  });
  return {
    platforms,
    idempiereOrders: Number(state.idempiere?.orders ?? 0),
    overlappingWrites: Number(state.idempiere?.overlappingWrites ?? 0),
  };
}

/** Nothing left for the ERP writer to do, and nothing new fetched since the previous look. */
export function settled(
  p: Awaited<ReturnType<typeof progress>>,
  previous?: Awaited<ReturnType<typeof progress>>,
): boolean {
  const quiet = p.platforms.every((x) => x.fetched > 0 && !x.byErpState.pending && !x.byErpState.writing);
  const unchanged =
    !!previous &&
    p.platforms.every(
      (x, i) =>
        x.fetched === previous.platforms[i]!.fetched && x.shipmentsPushed === previous.platforms[i]!.shipmentsPushed,
    );
  return quiet && unchanged;
}
