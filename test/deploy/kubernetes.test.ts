// deploy/k8s rendered (base and each overlay) with the kustomize subset of ./kustomize.ts, every object validated
// against the Kubernetes (and KEDA) JSON schemas by kubernetes-models, then the rules the OMS needs.
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_PORTS } from '@oms/config';
import { Namespace, ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { build, mergePatch, type Json, type K8sObject } from './kustomize';
import { commandProblem, configKeys, mebibytes, root, serviceNames } from './helpers';
import { nodeCommand } from '../../scripts/services.mjs';

// One model class per kind we ship; an object of any other kind fails the test until it is added here.
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

const k8s = path.join(root, 'deploy/k8s');
const overlays = readdirSync(path.join(k8s, 'overlays')).sort();
const renders = [
  { name: 'base', objects: build(path.join(k8s, 'base')) },
  ...overlays.map((o) => ({ name: `overlays/${o}`, objects: build(path.join(k8s, 'overlays', o)) })),
];

const services = serviceNames();
const appServices = services.filter((s) => s !== 'sandbox');
const platformWorkers = services.filter((s) => s.startsWith('worker-'));
/** Env keys that are secrets: they may only come from a Secret, never a literal or a ConfigMap. */
const SECRET_KEYS = [
  'DATABASE_URL',
  'REDIS_URL',
  'ENCRYPTION_KEYS',
  'APP_SECRET',
  'IDEMPIERE_PASSWORD',
  'METRICS_TOKEN',
];
const REQUIRED_SECRET_REFS = ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEYS', 'APP_SECRET'];
/** Highest peak RSS of an OMS service in `pnpm bench` (deploy/README.md), and what lives outside the V8 heap. */
const MEASURED_PEAK_MIB = 180;
const OUTSIDE_HEAP_MIB = 100;

type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: { allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; runAsUser?: number };
};
type PodSpec = {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
};
const podOf = (o: K8sObject) =>
  (o.spec as { template: { spec: PodSpec; metadata: { labels: Record<string, string> } } }).template;
const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];

/** The environment a container sees: its ConfigMaps, then its own env (which wins), as kubelet builds it. */
function envOf(c: Container, objects: K8sObject[]): Map<string, { value?: string; secret?: boolean }> {
  const env = new Map<string, { value?: string; secret?: boolean }>();
  for (const from of c.envFrom ?? []) {
    const name = from.configMapRef?.name;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!cm) throw new Error(`container ${c.name}: ConfigMap ${name} is not part of the render`);
    for (const [k, v] of Object.entries((cm.data as Record<string, string>) ?? {})) env.set(k, { value: v });
  }
  for (const e of c.env ?? [])
    env.set(e.name, e.valueFrom ? { secret: !!e.valueFrom.secretKeyRef } : { value: e.value });
  return env;
}

function portNumber(c: Container, port: string | number | undefined): number | undefined {
  return typeof port === 'number' ? port : c.ports?.find((p) => p.name === port)?.containerPort;
}

describe.each(renders)('kubernetes $name', ({ name, objects }) => {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const byComponent = (c: string) => deployments.find((d) => component(d) === c);
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job');

  it('every object is valid against its Kubernetes or KEDA schema', () => {
    const problems: string[] = [];
    for (const o of objects) {
      const Model = models[`${o.apiVersion}/${o.kind}`];
      if (!Model) {
        problems.push(`${o.apiVersion} ${o.kind} ${o.metadata.name}: no schema model registered in this test`);
        continue;
      }
      try {
        new Model(o as never).validate();
      } catch (err) {
        problems.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has one Deployment per service (the sandbox only outside production), all from the one image', () => {
    const expected = name.endsWith('sandbox') ? services : appServices;
    expect(deployments.map(component).sort()).toEqual([...expected].sort());
    const images = new Set(workloads.flatMap((w) => podOf(w).spec.containers.map((c) => c.image)));
    expect(images.size).toBe(1);
    if (name === 'overlays/production') {
      expect([...images][0]).toMatch(/^[^:]+\/[^:]+:(?!latest$)[\w.-]+$/);
      expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'oms')).toBe(true);
      expect(deployments.map(component)).not.toContain('sandbox');
    }
  });

  it('runs each service as its bundle, with the node flags it is measured with', () => {
    for (const d of deployments) {
      const [c, ...sidecars] = podOf(d).spec.containers;
      expect(sidecars).toEqual([]);
      expect(c!.command).toEqual(nodeCommand(component(d)!));
      expect(commandProblem(c!.command!)).toBeNull();
    }
  });

  it("sizes each OMS service's memory for its V8 heap: at most 256 MiB, the heap cap plus room, the measured peak requested", () => {
    for (const d of deployments.filter((x) => component(x) !== 'sandbox')) {
      const c = podOf(d).spec.containers[0]!;
      const flag = (name: string) => Number(c.command!.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]);
      const oldSpace = flag('max-old-space-size');
      const semiSpace = flag('max-semi-space-size');
      expect(oldSpace > 0 && semiSpace > 0, `${d.metadata.name}: heap flags`).toBe(true);
      const limit = mebibytes(c.resources!.limits!.memory!);
      const request = mebibytes(c.resources!.requests!.memory!);
      // The memory budget: every service under 250 MB resident, its container held to 256 MiB (deploy/README.md).
      expect(limit, `${d.metadata.name} memory limit`).toBeLessThanOrEqual(256);
      // The heap at its cap (old space, two semi-spaces and as much again for code and large objects) plus what
      // lives outside the V8 heap under load (node itself ~45 MiB, malloc ~20 MiB, buffers): V8 must hit its own
      // limit before the kernel's.
      expect(
        oldSpace + 4 * semiSpace + OUTSIDE_HEAP_MIB,
        `${d.metadata.name}: heap cap vs limit ${limit} MiB`,
      ).toBeLessThanOrEqual(limit);
      expect(request, `${d.metadata.name}: request vs the measured peak`).toBeGreaterThanOrEqual(MEASURED_PEAK_MIB);
      expect(request).toBeLessThanOrEqual(limit);
    }
  });

  it('probes /health/live and /health/ready on the port the service listens on', () => {
    for (const d of deployments) {
      const c = podOf(d).spec.containers[0]!;
      const env = envOf(c, objects);
      const svc = component(d)!;
      const listen =
        svc === 'api'
          ? env.get('API_PORT')?.value
          : svc === 'sandbox'
            ? (env.get('SANDBOX_PORT')?.value ?? '4010')
            : env.get('HEALTH_PORT')?.value;
      expect(listen, `${svc}: its listening port is not set`).toMatch(/^\d+$/);
      if (svc in DEFAULT_HEALTH_PORTS)
        expect(Number(listen), `${svc}: the default health port of @oms/config`).toBe(
          DEFAULT_HEALTH_PORTS[svc as keyof typeof DEFAULT_HEALTH_PORTS],
        );
      expect(c.livenessProbe?.httpGet?.path, svc).toBe('/health/live');
      expect(c.readinessProbe?.httpGet?.path, svc).toBe('/health/ready');
      expect(portNumber(c, c.livenessProbe?.httpGet?.port), `${svc} liveness port`).toBe(Number(listen));
      expect(portNumber(c, c.readinessProbe?.httpGet?.port), `${svc} readiness port`).toBe(Number(listen));
    }
  });

  it('gives every pod a termination grace period longer than its shutdown deadline (plus any preStop pause)', () => {
    for (const d of deployments) {
      const pod = podOf(d).spec;
      const c = pod.containers[0]!;
      const deadlineMs = Number(envOf(c, objects).get('SHUTDOWN_TIMEOUT_MS')?.value ?? 10_000);
      const pre = c.lifecycle?.preStop;
      const pauseS = pre?.sleep?.seconds ?? (pre?.exec?.command[0] === 'sleep' ? Number(pre.exec.command[1]) : 0);
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      expect(
        grace,
        `${d.metadata.name}: grace ${grace}s vs deadline ${deadlineMs} ms + preStop ${pauseS}s`,
      ).toBeGreaterThan(deadlineMs / 1000 + pauseS);
    }
  });

  it('runs as non-root without privilege escalation, with resources set', () => {
    for (const w of workloads) {
      const pod = podOf(w).spec;
      for (const c of pod.containers) {
        const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
        expect(nonRoot, `${w.metadata.name}/${c.name} runAsNonRoot`).toBe(true);
        expect(uid, `${w.metadata.name}/${c.name} runAsUser`).toBeGreaterThan(0);
        expect(c.securityContext?.allowPrivilegeEscalation, `${w.metadata.name}/${c.name}`).toBe(false);
        expect(c.resources?.requests?.cpu && c.resources.requests.memory, `${w.metadata.name} requests`).toBeTruthy();
        expect(c.resources?.limits?.memory, `${w.metadata.name} memory limit`).toBeTruthy();
      }
    }
  });

  it('sets only keys of the config schema, and every secret by reference', () => {
    const keys = configKeys();
    expect(
      objects.filter((o) => o.kind === 'Secret'),
      'no Secret with values in the repository',
    ).toEqual([]);
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      const data = Object.keys((cm.data as Record<string, string>) ?? {});
      expect(
        data.filter((k) => !keys.has(k)),
        `${cm.metadata.name}: keys unknown to the config schema`,
      ).toEqual([]);
      expect(
        data.filter((k) => SECRET_KEYS.includes(k)),
        `${cm.metadata.name}: secrets in a ConfigMap`,
      ).toEqual([]);
    }
    for (const w of workloads) {
      for (const c of podOf(w).spec.containers) {
        const env = envOf(c, objects);
        expect(
          [...env.keys()].filter((k) => !keys.has(k)),
          `${w.metadata.name}: env keys unknown to the config schema`,
        ).toEqual([]);
        for (const k of SECRET_KEYS) {
          if (env.has(k))
            expect(env.get(k)!.secret, `${w.metadata.name}: ${k} must come from a secretKeyRef`).toBe(true);
        }
        const required = component(w) === 'sandbox' ? ['ENCRYPTION_KEYS', 'APP_SECRET'] : REQUIRED_SECRET_REFS;
        for (const k of required) expect(env.get(k)?.secret, `${w.metadata.name}: ${k} by secretKeyRef`).toBe(true);
      }
    }
  });

  it('has a Service and a PodDisruptionBudget that select exactly the api pods', () => {
    const api = byComponent('api')!;
    const apiLabels = podOf(api).metadata.labels;
    const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget')!;
    const pdbSelector = (pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'oms-api')!;
    const svcSelector = (service.spec as { selector: Record<string, string> }).selector;
    for (const selector of [pdbSelector, svcSelector]) {
      expect(selects(selector, apiLabels)).toBe(true);
      for (const d of deployments.filter((x) => x !== api))
        expect(selects(selector, podOf(d).metadata.labels)).toBe(false);
    }
    const minAvailable = (pdb.spec as { minAvailable: number }).minAvailable;
    const replicas = (api.spec as { replicas?: number }).replicas ?? 1;
    expect(minAvailable).toBeLessThan(replicas); // otherwise no node could ever be drained
    const target = (service.spec as { ports: { targetPort: string | number }[] }).ports[0]!.targetPort;
    expect(portNumber(podOf(api).spec.containers[0]!, target)).toBe(
      Number(envOf(podOf(api).spec.containers[0]!, objects).get('API_PORT')?.value),
    );
  });

  it('scales each platform worker with KEDA on its queue depth, within the platform rate limit', () => {
    const scaled = objects.filter((o) => o.kind === 'ScaledObject');
    expect(scaled.map((s) => (s.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(
      platformWorkers.map((w) => byComponent(w)!.metadata.name).sort(),
    );
    const concurrency = Number(
      envOf(podOf(byComponent(platformWorkers[0]!)!).spec.containers[0]!, objects).get('WORKER_CONCURRENCY')?.value,
    );
    expect(concurrency).toBeGreaterThan(0);
    for (const s of scaled) {
      const spec = s.spec as {
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: { type: string; metadata: { query: string; serverAddress: string; threshold: string } }[];
      };
      const worker = component(deployments.find((d) => d.metadata.name === spec.scaleTargetRef.name)!)!;
      const platform = worker.replace('worker-', '');
      expect(spec.triggers).toHaveLength(1);
      const trigger = spec.triggers[0]!;
      expect(trigger.type).toBe('prometheus');
      expect(trigger.metadata.query).toContain(`oms_queue_jobs{queue="platform-${platform}",state="waiting"}`);
      expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
      // The worker Deployment leaves its replica count to KEDA.
      expect((byComponent(worker)!.spec as { replicas?: number }).replicas, `${worker} replicas`).toBeUndefined();
      const rate = Number(s.metadata.annotations?.['oms/rate-limit-per-second']);
      const seconds = Number(s.metadata.annotations?.['oms/request-seconds']);
      expect(rate > 0 && seconds > 0, `${s.metadata.name}: rate-limit annotations`).toBe(true);
      const limit = Math.ceil((rate * seconds) / concurrency);
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec.maxReplicaCount).toBeGreaterThanOrEqual(spec.minReplicaCount);
      expect(
        spec.maxReplicaCount,
        `${s.metadata.name}: ceil(${rate} * ${seconds} / ${concurrency})`,
      ).toBeLessThanOrEqual(limit);
    }
  });

  it('pins the erp-writer to one replica and runs the migration Job', () => {
    expect((byComponent('erp-writer')!.spec as { replicas?: number }).replicas).toBe(1);
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual(['oms-migrate']);
    const pod = podOf(jobs[0]!).spec as PodSpec & { restartPolicy: string };
    expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
    const command = pod.containers[0]!.command!;
    expect(commandProblem(command)).toBeNull();
    expect(command).toEqual(nodeCommand('migrate'));
  });
});

describe('kubernetes test tools', () => {
  it('the schema validation rejects a broken Deployment', () => {
    const bad = new Deployment({
      metadata: { name: 'x' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 'http' }] }] } },
      },
    } as never);
    expect(() => bad.validate()).toThrow(/containerPort/);
    const noTarget = new ScaledObject({ metadata: { name: 's' }, spec: { maxReplicaCount: 2, triggers: [] } } as never);
    expect(() => noTarget.validate()).toThrow(/scaleTargetRef/);
  });

  it('strategic merge merges named lists by name; JSON merge replaces lists and deletes nulls', () => {
    const target: Json = {
      spec: {
        containers: [
          { name: 'a', image: 'x', env: [{ name: 'K', value: '1' }] },
          { name: 'b', image: 'y' },
        ],
      },
      data: { A: '1', B: '2' },
    };
    const patch: Json = { spec: { containers: [{ name: 'a', env: [{ name: 'L', value: '2' }] }] }, data: { B: null } };
    expect(mergePatch(target, patch, true)).toEqual({
      spec: {
        containers: [
          {
            name: 'a',
            image: 'x',
            env: [
              { name: 'K', value: '1' },
              { name: 'L', value: '2' },
            ],
          },
          { name: 'b', image: 'y' },
        ],
      },
      data: { A: '1' },
    });
    expect(mergePatch(target, patch, false)).toEqual({
      spec: { containers: [{ name: 'a', env: [{ name: 'L', value: '2' }] }] },
      data: { A: '1' },
    });
  });
});
