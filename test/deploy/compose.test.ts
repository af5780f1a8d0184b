// docker-compose.yml cannot run here (no Docker engine): parse it and hold it to what `docker compose up` needs.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_HEALTH_PORTS } from '@oms/config';
import { commandProblem, configKeys, readText, serviceNames } from './helpers';
import { nodeCommand } from '../../scripts/services.mjs';

type Healthcheck = { test: string[] | string; interval?: string; retries?: number };
type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: Healthcheck;
  restart?: string;
  ports?: string[];
  volumes?: string[];
};
type Compose = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

export function loadCompose(text = readText('docker-compose.yml')): Compose {
  // Compose resolves YAML merge keys (<<: *anchor); so must the parser.
  return parse(text, { merge: true }) as Compose;
}

const INFRA = ['postgres', 'redis'];
const compose = loadCompose();
const services = serviceNames();
const app = (name: string) => !INFRA.includes(name);
const asList = (c: string[] | string | undefined) => (typeof c === 'string' ? c.split(/\s+/) : (c ?? []));
/** ${VAR:-default} as compose resolves it with VAR unset. */
const resolve = (v: unknown) => String(v).replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
const dependsOn = (s: ComposeService): Record<string, { condition: string }> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((d) => [d, { condition: 'service_started' }]))
    : (s.depends_on ?? {});

describe('docker-compose.yml', () => {
  it('runs every service of services/ plus redis, postgres and the one-shot migrate', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...services, 'migrate', 'postgres', 'redis'].sort());
  });

  it('gives every service an image or a build; app services all use the one Dockerfile', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image || s.build, `${name}: image or build`).toBeTruthy();
      if (!app(name)) continue;
      expect(s.build, name).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
      expect(s.image, name).toBe(compose.services.migrate!.image);
    }
  });

  it('starts each app service with a command that exists', () => {
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => app(n))) {
      const command = asList(s.command);
      expect(command.length, `${name}: command`).toBeGreaterThan(0);
      expect(commandProblem(command), name).toBeNull();
      // Each its bundle from the image (pnpm build), with the node flags it is measured with.
      expect(command, name).toEqual(nodeCommand(name));
    }
  });

  it('health-checks every long-running service, the app services on /health/ready of the port they listen on', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name === 'migrate') {
        expect(s.restart, 'migrate runs once').toBe('no');
        continue;
      }
      const test = asList(s.healthcheck?.test);
      expect(['CMD', 'CMD-SHELL'], `${name}: healthcheck`).toContain(test[0]);
      if (!app(name)) continue;
      const env = s.environment ?? {};
      const port = name === 'api' ? env.API_PORT : name === 'sandbox' ? env.SANDBOX_PORT : env.HEALTH_PORT;
      expect(port, `${name}: its port is set`).toBeDefined();
      expect(test.slice(1), name).toEqual([
        'node',
        'deploy/docker/healthcheck.mjs',
        `http://127.0.0.1:${resolve(port)}/health/ready`,
      ]);
    }
    // Distinct health ports: one service's check must not pass on another's answer (they share nothing, but
    // a copy-paste slip would still read as healthy inside its own container).
    const ports = services
      .filter((s) => s !== 'api' && s !== 'sandbox')
      .map((s) => compose.services[s]!.environment?.HEALTH_PORT);
    expect(new Set(ports).size).toBe(ports.length);
    // The ports each service takes when HEALTH_PORT is unset (@oms/config), so compose and a bare start agree.
    const byName = Object.fromEntries(
      Object.keys(DEFAULT_HEALTH_PORTS).map((s) => [s, Number(resolve(compose.services[s]!.environment?.HEALTH_PORT))]),
    );
    expect(byName).toEqual(DEFAULT_HEALTH_PORTS);
  });

  it('orders start-up: infrastructure healthy, migrations done, sandbox healthy; no cycles', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const deps = dependsOn(s);
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect(Object.keys(compose.services), `${name} depends on unknown ${dep}`).toContain(dep);
        expect(condition, `${name} -> ${dep}`).toBe(
          dep === 'migrate' ? 'service_completed_successfully' : 'service_healthy',
        );
      }
      if (name === 'migrate') expect(Object.keys(deps)).toEqual(['postgres']);
      else if (app(name) && name !== 'sandbox')
        expect(Object.keys(deps).sort(), name).toEqual(['migrate', 'postgres', 'redis', 'sandbox']);
    }
    // Kahn's algorithm: every service gets a start position, or there is a cycle.
    const order: string[] = [];
    const pending = new Map(Object.entries(compose.services).map(([n, s]) => [n, new Set(Object.keys(dependsOn(s)))]));
    while (pending.size) {
      const ready = [...pending].filter(([, deps]) => [...deps].every((d) => order.includes(d))).map(([n]) => n);
      expect(ready, `dependency cycle among ${[...pending.keys()].join(', ')}`).not.toEqual([]);
      for (const n of ready) {
        order.push(n);
        pending.delete(n);
      }
    }
    expect(order.indexOf('migrate')).toBeLessThan(order.indexOf('api'));
  });

  it('keeps Redis persistent and never evicting, and gives both stores a volume', () => {
    const redis = asList(compose.services.redis!.command).join(' ');
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    expect(compose.services.redis!.volumes ?? []).toEqual(expect.arrayContaining([expect.stringMatching(/:\/data$/)]));
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['postgres-data', 'redis-data']);
  });

  it('sets only keys of the config schema, pointing the services at the compose hosts and the sandbox', () => {
    const keys = configKeys();
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => app(n))) {
      const env = s.environment ?? {};
      expect(
        Object.keys(env).filter((k) => !keys.has(k)),
        `${name}: keys unknown to the config schema`,
      ).toEqual([]);
      expect(resolve(env.DATABASE_URL)).toMatch(/@postgres:5432\//);
      expect(resolve(env.REDIS_URL)).toBe('redis://redis:6379');
      expect(env.SANDBOX_HOST, name).toBe(name === 'sandbox' ? '0.0.0.0' : 'sandbox');
      // NODE_ENV=production refuses the development secrets; the compose defaults must get past that check.
      expect(resolve(env.ENCRYPTION_KEYS)).not.toMatch(/^dev:/);
    }
    expect(compose.services.api!.environment?.API_HOST).toBe('0.0.0.0');
  });

  it('the app services accept their compose environment (parseConfig)', async () => {
    const { parseConfig } = await import('@oms/config');
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => app(n))) {
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, resolve(v)]));
      expect(() => parseConfig(env), name).not.toThrow();
    }
  });
});
