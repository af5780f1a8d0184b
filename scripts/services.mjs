// What `pnpm build` (scripts/build.mjs) produces and how each bundle is started: one list for the build, the
// end-to-end stack (test/e2e/processes.ts), the image (deploy/Dockerfile), compose and Kubernetes (whose commands
// test/deploy checks against nodeCommand). No dependencies: the image's production stage runs checkDist().
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** dist/<name>/main.mjs is built from each of these. */
export const entries = {
  api: 'services/api/src/main.ts',
  scheduler: 'services/scheduler/src/main.ts',
  'worker-shopee': 'services/worker-shopee/src/main.ts',
  'worker-cyberbiz': 'services/worker-cyberbiz/src/main.ts',
  'worker-shopline': 'services/worker-shopline/src/main.ts',
  'worker-momo': 'services/worker-momo/src/main.ts',
  'erp-writer': 'services/erp-writer/src/main.ts',
  sandbox: 'services/sandbox/src/main.ts',
  // One-off tools of the image: `pnpm db:migrate` (Kubernetes Job, compose one-shot) and `pnpm apikey:create`.
  migrate: 'packages/db/scripts/migrate.ts',
  apikey: 'services/api/src/apikey.ts',
};

/** dist/<name>/main.mjs, relative to the repository root (as container commands name it). */
export const bundlePath = (name) => `dist/${name}/main.mjs`;

/**
 * Node flags of the OMS services, sized for a 256 MiB container (deploy/k8s memory limits; measured with
 * `pnpm bench`, see deploy/README.md):
 * - --max-old-space-size=128: V8 sizes its old generation against this limit instead of ~1/4 of the machine's
 *   memory, so it collects when the heap nears it instead of letting garbage pile up to 100+ MB. The live heap
 *   after a full GC is 35-50 MB under the benchmark; 128 + new space + ~90 MB outside the heap (node itself,
 *   malloc, code) stays under 256 MiB, so a runaway heap ends in a V8 heap error, not a kernel OOM kill.
 * - --max-semi-space-size=4: a 2 x 4 MB new space instead of 2 x 16 MB (more, cheaper scavenges).
 * - --wasm-tiering-budget=1000000000: Prisma's query compiler is a 3.4 MB wasm module; by default V8 soon
 *   recompiles most of it with TurboFan on background threads, whose compile zones leave 40-70 MB in malloc
 *   arenas and cost CPU. With this budget only really hot functions ever tier up; queries run as fast.
 * - --enable-source-maps: stack traces point at the TypeScript sources (dist/<name>/main.mjs.map).
 */
export const SERVICE_NODE_FLAGS = [
  '--enable-source-maps',
  '--max-old-space-size=128',
  '--max-semi-space-size=4',
  '--wasm-tiering-budget=1000000000',
];
/** The sandbox (a stand-in for the platforms, holding its whole world in memory) and the one-off tools. */
export const PLAIN_NODE_FLAGS = ['--enable-source-maps'];

/** The OMS services, each a Deployment of its own (the sandbox is not one of them). */
export const OMS_SERVICES = [
  'api',
  'scheduler',
  'worker-shopee',
  'worker-cyberbiz',
  'worker-shopline',
  'worker-momo',
  'erp-writer',
];

export function nodeFlags(name) {
  if (!(name in entries)) throw new Error(`no bundle named ${name}`);
  return OMS_SERVICES.includes(name) ? SERVICE_NODE_FLAGS : PLAIN_NODE_FLAGS;
}

/** The container command of a bundle: ["node", ...flags, "dist/<name>/main.mjs"]. */
export function nodeCommand(name) {
  return ['node', ...nodeFlags(name), bundlePath(name)];
}

/** The module specifiers a bundle imports (esbuild writes static imports one per line, at the top level). */
export function bundleImports(text) {
  const found = new Set();
  for (const m of text.matchAll(/^(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)";?$|^import\s*"([^"]+)";?$/gm))
    found.add(m[1] ?? m[2]);
  for (const m of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) found.add(m[1]);
  return [...found];
}

/**
 * Problems with dist/ as it is on disk: a bundle missing, or a third-party file it imports (a path into
 * node_modules/.pnpm, see build.mjs) that this install does not have. Empty when every bundle can start.
 */
export function checkDist(names = Object.keys(entries), base = root) {
  const problems = [];
  for (const name of names) {
    const file = path.join(base, bundlePath(name));
    if (!existsSync(file)) {
      problems.push(`${bundlePath(name)} is missing (pnpm build)`);
      continue;
    }
    for (const spec of bundleImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      if (!existsSync(path.resolve(path.dirname(file), spec)))
        problems.push(`${bundlePath(name)} imports ${spec}, which does not exist`);
    }
  }
  return [...new Set(problems)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'check') {
  const problems = checkDist();
  if (problems.length) {
    console.error(`dist/ cannot start:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`dist/: ${Object.keys(entries).length} bundles, every import present`);
}
