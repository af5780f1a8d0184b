// pnpm build: bundles each entry of ./services.mjs with esbuild into dist/<name>/main.mjs (plus its source map),
// the form every service runs in outside of unit tests: the image, compose, Kubernetes, and the demo, benchmark and
// fault suite (test/e2e/stack.ts and test/foundation/services.test.ts build first: it takes about a second).
// The @oms/* workspace packages are bundled in; third-party packages stay in node_modules and are imported from
// there (native code, wasm and their own file layouts intact).
//
// Why: under tsx every process compiles TypeScript at start and keeps esbuild's transform service, its loader
// hooks and every module's source and transform around: about 45 MB more resident memory per idle service than
// the bundle, and a 2 s start instead of 0.6 s (measured; see deploy/README.md).
//
// pnpm keeps each package's dependencies next to that package (node_modules/.pnpm/<pkg>/node_modules), not in a
// root node_modules that dist/ could reach. So each third-party import is resolved here, from the source file
// that makes it, exactly as node would resolve it at run time, and written into the bundle as a path relative to
// the bundle. The same lock file gives the same node_modules/.pnpm layout in the image (deploy/Dockerfile).
import { build, stop } from 'esbuild';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { bundlePath, entries, root } from './services.mjs';

export const distDir = path.join(root, 'dist');

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isWorkspace = (file) => !file.split(path.sep).includes('node_modules');

/**
 * Third-party imports: resolved from the importing file (esbuild's resolver with node's conditions) and kept
 * external, as a path relative to the bundle. Workspace packages (@oms/*) resolve through their symlinks to
 * source outside node_modules and are bundled.
 */
function externalsInNodeModules(outDir) {
  return {
    name: 'externals-in-node-modules',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.resolving) return undefined;
        if (builtins.has(args.path)) return { path: args.path, external: true };
        if (args.path.startsWith('@oms/')) return undefined;
        const r = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { resolving: true },
        });
        if (r.errors.length) return { errors: r.errors };
        if (isWorkspace(r.path)) return { path: r.path };
        let rel = path.relative(outDir, r.path).split(path.sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        return { path: rel, external: true };
      });
    },
  };
}

/**
 * import.meta.url / dirname / filename in workspace sources keep meaning the source file (the api's console
 * reads services/api/public next to its source; migrations read prisma/ from the repository root).
 */
function importMetaOfSource(outDir) {
  return {
    name: 'import-meta-of-source',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        if (!isWorkspace(args.path)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.')) return undefined;
        const rel = JSON.stringify(path.relative(outDir, args.path).split(path.sep).join('/'));
        const url = `new URL(${rel}, import.meta.url)`;
        const contents = text
          .replaceAll('import.meta.url', `${url}.href`)
          .replaceAll('import.meta.filename', `__omsFileURLToPath(${url})`)
          .replaceAll('import.meta.dirname', `__omsDirname(__omsFileURLToPath(${url}))`);
        return { contents, loader: path.extname(args.path).slice(1).replace(/^m|^c/, '') };
      });
    },
  };
}

async function buildOne(name, entry) {
  const outDir = path.join(distDir, name);
  const result = await build({
    entryPoints: [path.join(root, entry)],
    outfile: path.join(outDir, 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Node's own resolution: no "module" condition, "main" only for packages without "exports".
    conditions: [],
    mainFields: ['main'],
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
    banner: {
      js: "import { fileURLToPath as __omsFileURLToPath } from 'node:url'; import { dirname as __omsDirname } from 'node:path';",
    },
    plugins: [externalsInNodeModules(outDir), importMetaOfSource(outDir)],
  });
  mkdirSync(outDir, { recursive: true });
  // Each file replaced whole (rename), so a process starting from dist/ meanwhile never reads half a bundle.
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
}

/** Builds every entry (or the named ones) into dist/. Fast (esbuild): run before every start. */
export async function buildAll(names = Object.keys(entries)) {
  try {
    await Promise.all(names.map((n) => buildOne(n, entries[n])));
  } finally {
    // esbuild's service process (~100 MB) would otherwise stay alive beside the demo or benchmark that built.
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  const names = process.argv.slice(2);
  await buildAll(names.length ? names : undefined);
  console.log(
    `built ${(names.length ? names : Object.keys(entries)).map(bundlePath).join(', ')} in ${Date.now() - started} ms`,
  );
}
