// The sandbox: one process, one Fastify app per system on its own port, plus the control plane.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@oms/logger';
import { registerControl } from './control/index.ts';
import { FaultState, RateLimiter } from './http/faults.ts';
import { createIdempiereSandbox, type IdempiereSandbox } from './idempiere/index.ts';
import type { SandboxContext } from './platforms/common.ts';
import { registerCyberbiz } from './platforms/cyberbiz/index.ts';
import { registerMomo } from './platforms/momo/index.ts';
import { registerShopee } from './platforms/shopee/index.ts';
import { registerShopline } from './platforms/shopline/index.ts';
import { SYSTEMS, type SystemName } from './world/model.ts';
import { World, type ScenarioInput } from './world/world.ts';

export { World, scenarioSchema, type ScenarioInput } from './world/world.ts';
export { CATALOG, productByValue, type CatalogProduct } from './world/catalog.ts';
export { shopeeSign } from './platforms/shopee/index.ts';
export { cyberbizHmac } from './platforms/cyberbiz/index.ts';
export { momoDecrypt, momoEncrypt } from './platforms/momo/index.ts';
export type { IdempiereSandbox } from './idempiere/index.ts';
export type { Shipment } from './world/model.ts';

export interface SandboxOptions {
  /** 0: every system on a random free port (tests). Otherwise control = basePort, then +1..+5. */
  basePort: number;
  host?: string;
  logger?: Logger;
  /** The world at start (default: seed 1, one store per platform, 50 orders each). */
  scenario?: ScenarioInput;
  /** Per-token rate limits (Cyberbiz 5/s, Shopline 20/s); the benchmark turns them off. Default on. */
  rateLimits?: boolean;
}

export type SandboxUrls = Record<'control' | 'shopee' | 'cyberbiz' | 'shopline' | 'momo' | 'idempiere', string>;

export interface Sandbox {
  urls: SandboxUrls;
  world: World;
  context: SandboxContext;
  idempiere: IdempiereSandbox;
  close(): Promise<void>;
}

const OFFSETS = { control: 0, shopee: 1, cyberbiz: 2, shopline: 3, momo: 4, idempiere: 5 } as const;

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const rateLimits = opts.rateLimits ?? true;
  const context: SandboxContext = {
    world: new World(opts.scenario ?? {}),
    faults: Object.fromEntries(SYSTEMS.map((s) => [s, new FaultState()])) as Record<SystemName, FaultState>,
    limiters: { cyberbiz: new RateLimiter(5, rateLimits), shopline: new RateLimiter(20, rateLimits) },
    now: () => Date.now(),
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
  const idempiere = createIdempiereSandbox(opts.logger ? { logger: opts.logger } : {});
  const apps: FastifyInstance[] = [];
  const urls = {} as SandboxUrls;
  const make = () => {
    // Request logging off: the platforms serve thousands of pages a second; errors are logged by each app.
    const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, keepAliveTimeout: 30_000 });
    apps.push(app);
    return app;
  };
  const listen = async (name: keyof SandboxUrls, app: FastifyInstance) => {
    await app.listen({ port: opts.basePort === 0 ? 0 : opts.basePort + OFFSETS[name], host });
    const port = (app.server.address() as AddressInfo).port;
    urls[name] = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  };
  try {
    const control = make();
    registerControl(control, context, idempiere, () => ({ ...urls }));
    // Its control routes (/ship, /orders, /writes, ...) mount themselves under /_sandbox/idempiere.
    await idempiere.registerControl(control);
    const systems: [keyof SandboxUrls, (app: FastifyInstance) => Promise<void>][] = [
      ['shopee', (a) => registerShopee(a, context)],
      ['cyberbiz', (a) => registerCyberbiz(a, context)],
      ['shopline', (a) => registerShopline(a, context)],
      ['momo', (a) => registerMomo(a, context)],
      ['idempiere', (a) => idempiere.register(a)],
    ];
    await listen('control', control);
    for (const [name, register] of systems) {
      const app = make();
      await register(app);
      await listen(name, app);
    }
  } catch (e) {
    await Promise.allSettled(apps.map((a) => a.close()));
    throw e;
  }
  opts.logger?.info({ urls }, 'sandbox listening');
  return {
    urls,
    world: context.world,
    context,
    idempiere,
    close: async () => {
      await Promise.allSettled(apps.map((a) => a.close()));
    },
  };
}
