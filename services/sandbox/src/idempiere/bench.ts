// Measures the iDempiere stand-in's own overhead (not a test): N orders written one after another the way the
// ERP writer does it (GET by POReference, then POST with lines and doc-action CO), with latency L and processing
// time P. The physical limit is N x (2L + P); whatever is above it is the sandbox's overhead.
//   pnpm exec tsx services/sandbox/src/idempiere/bench.ts [N=2000] [L=5] [P=2]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { CATALOG } from '../world/catalog';
import { createIdempiereSandbox } from './index';

// The sandbox runs in a child process so that the client's own HTTP work does not count as sandbox overhead.
if (process.argv[2] === 'serve') {
  const sandbox = createIdempiereSandbox();
  const app = Fastify();
  await sandbox.register(app);
  await sandbox.registerControl(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${url}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function bench() {
  const N = Number(process.argv[2] ?? 2000);
  const L = Number(process.argv[3] ?? 5);
  const P = Number(process.argv[4] ?? 2);
  // BENCH_CPU_PROF=<dir> writes a CPU profile of the sandbox process there.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const root = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const base = `${root}/api/v1`;
  const json = { 'content-type': 'application/json' };
  const c = (await (await fetch(`${root}/_sandbox/idempiere/credentials`)).json()) as Record<string, unknown>;
  const login = await fetch(`${base}/auth/tokens`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      userName: c.userName,
      password: c.password,
      parameters: {
        clientId: c.clientId,
        roleId: c.roleId,
        organizationId: c.organizationId,
        warehouseId: c.warehouseId,
      },
    }),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await fetch(`${root}/_sandbox/idempiere/faults`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ latencyMs: L, processingMsPerOrder: P }),
  });

  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const po = `BENCH-${i}`;
    const found = await fetch(`${base}/models/c_order?$filter=${encodeURIComponent(`POReference eq '${po}'`)}`, {
      headers,
    });
    const page = (await found.json()) as { 'row-count': number };
    if (page['row-count'] !== 0) throw new Error(`duplicate ${po}`);
    const lines = [0, 1, 2].map((k) => {
      const p = CATALOG[(i + k) % CATALOG.length]!;
      return { M_Product_ID: p.id, QtyEntered: 1, QtyOrdered: 1, PriceEntered: p.price, PriceActual: p.price };
    });
    const res = await fetch(`${base}/models/c_order`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        C_BPartner_ID: 118,
        C_DocTypeTarget_ID: 132,
        POReference: po,
        C_OrderLine: lines,
        'doc-action': 'CO',
      }),
    });
    if (res.status !== 201) throw new Error(`POST ${po}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const elapsed = performance.now() - started;
  const floor = N * (2 * L + P);
  const summary = await (await fetch(`${root}/_sandbox/idempiere/summary`)).json();
  console.log(
    JSON.stringify({
      orders: N,
      latencyMs: L,
      processingMsPerOrder: P,
      elapsedMs: Math.round(elapsed),
      physicalFloorMs: floor,
      overheadPerOrderMs: +((elapsed - floor) / N).toFixed(3),
      summary,
    }),
  );
  child.kill('SIGTERM');
}
