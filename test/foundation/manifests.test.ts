// Each workspace package's package.json says what its sources use: every package a source file imports is a
// dependency, every dependency is imported, and the exports name files that exist. A manifest that lies makes
// pnpm install what is not needed, or lets a bundle depend on a package by accident through a neighbour's
// node_modules. The package floors of docs/ARCHITECTURE.md are ESLint's job (eslint.config.mjs); the one rule a
// platform worker must never break, reaching iDempiere, is checked here as well.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');

interface Manifest {
  name: string;
  exports?: Record<string, string> | string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as Manifest;

/** The workspace packages, as pnpm-workspace.yaml lists them (a glob is one level: "packages/*"). */
function workspacePackages(): string[] {
  const { packages } = parse(readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] };
  return packages.flatMap((p) =>
    p.endsWith('/*')
      ? readdirSync(path.join(root, p.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(path.join(root, p.slice(0, -2), d.name, 'package.json')))
          .map((d) => `${p.slice(0, -2)}/${d.name}`)
      : [p],
  );
}

/** Source files of a package, relative to it (its generated Prisma client included: its imports are needed too). */
function sourceFiles(dir: string, sub = ''): string[] {
  return readdirSync(path.join(root, dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(dir, rel);
    return e.isFile() && /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) && !/\.d\.[mc]?ts$/.test(e.name) ? [rel] : [];
  });
}

/** Tests, their helpers and benchmarks: what they import may come from devDependencies. */
const isDevFile = (file: string) =>
  /\.test\.ts$/.test(file) || /(^|\/)test\//.test(file) || /^scripts\/bench[^/]*\.ts$/.test(file);

const builtins = new Set(builtinModules);
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** The packages a file imports: static and dynamic imports, re-exports and require(), comments ignored. */
function importedPackages(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtins.has(s))
    .map(packageOf);
}

/** Dependencies that no source imports, with why they are there all the same. */
const USED_WITHOUT_IMPORT: Record<string, Record<string, string>> = {
  '@oms/logger': { 'pino-pretty': 'pino loads it by name as the transport of LOG_FORMAT=pretty' },
};

/** The test package is all tests: everything it imports is a dependency. */
const ALL_SOURCES = new Set(['test']);

interface Usage {
  dir: string;
  manifest: Manifest;
  /** Package -> the first file that imports it. */
  prod: Map<string, string>;
  dev: Map<string, string>;
}

function usage(dir: string): Usage {
  const manifest = readManifest(dir);
  const prod = new Map<string, string>();
  const dev = new Map<string, string>();
  for (const file of sourceFiles(dir)) {
    const into = !ALL_SOURCES.has(dir) && isDevFile(file) ? dev : prod;
    for (const p of importedPackages(path.join(root, dir, file)))
      if (p !== manifest.name && !into.has(p)) into.set(p, file);
  }
  return { dir, manifest, prod, dev };
}

/** A dependency is used when imported, or when it holds the types of one that is (@types/pg for pg). */
function isUsed(dep: string, imported: Map<string, string>, why: Record<string, string> = {}): boolean {
  if (imported.has(dep) || dep in why) return true;
  const typed = dep.match(/^@types\/(.+)$/)?.[1];
  if (!typed) return false;
  return imported.has(typed.includes('__') ? `@${typed.replace('__', '/')}` : typed);
}

const packages = workspacePackages().sort();
const usages = packages.map(usage);
const rootDevDependencies = Object.keys(readManifest('.').devDependencies ?? {});

describe('workspace manifests', () => {
  it('finds every workspace package', () => {
    expect(packages).toEqual(
      expect.arrayContaining(['packages/queue', 'services/api', 'services/worker-momo', 'test']),
    );
  });

  describe.each(usages)('$dir', ({ dir, manifest, prod, dev }) => {
    const dependencies = Object.keys(manifest.dependencies ?? {});
    const devDependencies = Object.keys(manifest.devDependencies ?? {});

    it('declares every package its sources import as a dependency', () => {
      const missing = [...prod].filter(([p]) => !dependencies.includes(p)).map(([p, file]) => `${p} (${file})`);
      expect(missing, `${dir}/package.json misses dependencies`).toEqual([]);
    });

    it('imports every dependency it declares', () => {
      const unused = dependencies.filter((d) => !isUsed(d, prod, USED_WITHOUT_IMPORT[manifest.name]));
      expect(unused, `${dir}/package.json declares dependencies no source imports`).toEqual([]);
    });

    it('declares what its tests and benchmarks import, and uses every devDependency', () => {
      // The test runner and the other tools of the root package.json are there for every package.
      const declared = [...dependencies, ...devDependencies, ...rootDevDependencies];
      const missing = [...dev].filter(([p]) => !declared.includes(p)).map(([p, file]) => `${p} (${file})`);
      expect(missing, `${dir}/package.json misses devDependencies`).toEqual([]);
      const unused = devDependencies.filter((d) => !isUsed(d, dev) && !isUsed(d, prod));
      expect(unused, `${dir}/package.json declares devDependencies nothing imports`).toEqual([]);
    });

    it('exports only files that exist', () => {
      const targets = typeof manifest.exports === 'string' ? [manifest.exports] : Object.values(manifest.exports ?? {});
      const absent = targets.filter((t) => !existsSync(path.join(root, dir, t)));
      expect(absent, `${dir}/package.json exports`).toEqual([]);
    });
  });

  it('no platform worker reaches iDempiere: neither packages/platforms nor a worker-* service imports @oms/idempiere', () => {
    const platformSide = usages.filter((u) => u.dir === 'packages/platforms' || /^services\/worker-/.test(u.dir));
    expect(platformSide.length).toBeGreaterThanOrEqual(5);
    for (const u of platformSide) {
      const declared = { ...u.manifest.dependencies, ...u.manifest.devDependencies };
      expect(Object.keys(declared), `${u.dir}/package.json`).not.toContain('@oms/idempiere');
      const importers = sourceFiles(u.dir).filter((f) =>
        importedPackages(path.join(root, u.dir, f)).includes('@oms/idempiere'),
      );
      expect(importers, `${u.dir} files importing @oms/idempiere`).toEqual([]);
    }
  });
});
