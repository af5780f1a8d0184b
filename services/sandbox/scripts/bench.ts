// `pnpm bench:sandbox`: seeds 50 stores x 1,000 orders and measures order pages per second served by the
// sandbox (one Node process = one core), with concurrent keep-alive requests from a child process.
// Prints its figures; not a test. Targets: seed < 10 s, > 2,000 pages/s.
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Target {
  name: string;
  /** Full URLs with headers, picked round-robin. */
  requests: { url: string; headers: Record<string, string> }[];
}

interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  avgBytes: number;
}

/** The load generator (child process): CONCURRENCY keep-alive loops for SECONDS per target. */
async function load(target: Target, measure: boolean): Promise<LoadResult | null> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let bytes = 0;
  let next = 0;
  const one = (r: Target['requests'][number]) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get(r.url, { agent, headers: r.headers }, (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    });
  const run = async (until: number) => {
    while (performance.now() < until) await one(target.requests[next++ % target.requests.length]!);
  };
  // Warm-up: every page once (first renders fill the per-order JSON cache), then the measured run.
  const warm = [...target.requests];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let r = warm.pop(); r; r = warm.pop()) await one(r);
    }),
  );
  if (!measure) return null;
  latencies.length = 0;
  bytes = 0;
  for (const k of Object.keys(statuses)) delete statuses[k];
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => run(started + SECONDS * 1000)));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  return {
    name: target.name,
    requests: n,
    errors,
    statuses,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(n / seconds),
    p50: +latencies[Math.floor(n * 0.5)]!.toFixed(2),
    p99: +latencies[Math.floor(n * 0.99)]!.toFixed(2),
    avgBytes: Math.round(bytes / Math.max(1, n)),
  };
}

async function main(): Promise<void> {
  const { startSandbox } = await import('../src/index.ts');
  const sandbox = await startSandbox({
    basePort: 0,
    rateLimits: false,
    scenario: { seed: 1, storesPerPlatform: 0, ordersPerStore: 0 },
  });
  try {
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${sandbox.urls.control}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await r.json()) as Record<string, any>;
    };
    const t0 = performance.now();
    const seeded = await post('/_sandbox/scenario', {
      seed: 2026,
      stores: { shopee: 13, cyberbiz: 13, shopline: 12, momo: 12 },
      ordersPerStore: 1000,
    });
    const seedMs = performance.now() - t0;
    const total = ['shopee', 'cyberbiz', 'shopline', 'momo'].reduce((n, p) => n + seeded.seeded[p].orders, 0);
    const stores = ['shopee', 'cyberbiz', 'shopline', 'momo'].reduce((n, p) => n + seeded.seeded[p].stores, 0);
    console.log(
      `seed: ${stores} stores, ${total} orders in ${(seedMs / 1000).toFixed(2)} s (world build ${seeded.ms} ms; target < 10 s)`,
    );

    const creds = (await (await fetch(`${sandbox.urls.control}/_sandbox/credentials`)).json()) as Record<string, any>;
    const cyberbiz: Target = {
      name: 'cyberbiz GET /v1/orders (50 per page)',
      requests: creds.cyberbiz.stores.flatMap((s: any) =>
        Array.from({ length: 20 }, (_, page) => ({
          url: `${sandbox.urls.cyberbiz}/v1/orders?page=${page + 1}&per_page=50`,
          headers: { authorization: `Bearer ${s.access_token}` },
        })),
      ),
    };
    const shopline: Target = {
      name: 'shopline GET /v1/orders (50 per page)',
      requests: creds.shopline.stores.flatMap((s: any) =>
        Array.from({ length: 20 }, (_, page) => ({
          url: `${sandbox.urls.shopline}/v1/orders?page=${page + 1}&per_page=50`,
          headers: { authorization: `Bearer ${s.access_token}`, 'user-agent': 'oms-bench/1.0' },
        })),
      ),
    };
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--client'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end(JSON.stringify([cyberbiz, shopline]));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    if (code !== 0) throw new Error(`load generator exited with ${code}`);
    for (const r of JSON.parse(out) as LoadResult[]) {
      console.log(
        `${r.name}: ${r.perSecond} req/s over ${r.seconds} s, ${CONCURRENCY} connections (p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(r.avgBytes / 1024)} KiB/page, statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}; target > 2000/s)`,
      );
    }
    // The machine is shared (CI, other test runs): the load says how much of a core the server really had.
    console.log(
      `server: one Node process (${process.version}); load generator: a child process; ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await sandbox.close();
  }
}

if (process.argv.includes('--client')) {
  let input = '';
  process.stdin.on('data', (d) => (input += d));
  process.stdin.on('end', async () => {
    const targets = JSON.parse(input) as Target[];
    // Warm every target first, so no measured run pays for another's first renders.
    for (const t of targets) await load(t, false);
    const results: LoadResult[] = [];
    for (const t of targets) results.push((await load(t, true))!);
    process.stdout.write(JSON.stringify(results));
  });
} else {
  await main();
}
