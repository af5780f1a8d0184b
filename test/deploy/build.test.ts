// `pnpm build` (scripts/build.mjs): every entry of scripts/services.mjs bundled into dist/<name>/main.mjs with a
// source map back to the TypeScript, the @oms/* packages inside, every third-party import a file that exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../scripts/build.mjs';
import { bundleImports, bundlePath, checkDist, entries, nodeCommand, OMS_SERVICES } from '../../scripts/services.mjs';
import { root, serviceNames } from './helpers';

beforeAll(async () => {
  await buildAll();
}, 60_000);

describe('pnpm build', () => {
  it('has an entry for every service, and builds each one', () => {
    for (const s of serviceNames()) expect(entries[s], s).toBe(`services/${s}/src/main.ts`);
    expect([...OMS_SERVICES, 'sandbox'].sort()).toEqual(serviceNames());
    for (const name of Object.keys(entries))
      expect(existsSync(path.join(root, bundlePath(name))), bundlePath(name)).toBe(true);
  });

  it('bundles the workspace packages and imports every third-party file from node_modules by a path that exists', () => {
    expect(checkDist()).toEqual([]);
    for (const name of Object.keys(entries)) {
      const imports = bundleImports(readFileSync(path.join(root, bundlePath(name)), 'utf8'));
      expect(imports.length, name).toBeGreaterThan(0);
      // Only node builtins stay bare (no @oms/ package left unbundled); the rest are paths into node_modules/.pnpm.
      expect(
        imports.filter((s) => !s.startsWith('node:') && !s.startsWith('.')),
        name,
      ).toEqual([]);
      expect(
        imports.filter((s) => s.startsWith('.') && !s.includes('/node_modules/.pnpm/')),
        name,
      ).toEqual([]);
    }
  });

  it('writes a source map that points at the TypeScript sources', () => {
    for (const name of Object.keys(entries)) {
      const file = path.join(root, bundlePath(name));
      expect(readFileSync(file, 'utf8')).toMatch(/\/\/# sourceMappingURL=main\.mjs\.map\s*$/);
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      const source = path.join(root, entries[name]!);
      expect(
        map.sources.map((s) => path.resolve(path.dirname(file), s)),
        name,
      ).toContain(source);
    }
  });

  it('a bundle runs under its flags, and its stack traces name the TypeScript source', () => {
    const [node, ...args] = nodeCommand('apikey');
    expect(node).toBe('node');
    // The api-key tool without arguments prints its usage and exits 2, before touching any database.
    const usage = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    expect(usage.status, usage.stderr).toBe(2);
    expect(usage.stderr).toMatch(/usage: pnpm apikey:create/);
    // With no database to reach it fails inside services/api/src/auth.ts, and the trace says so.
    const failed = spawnSync(process.execPath, [...args, '--name', 'x'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' },
      timeout: 30_000,
    });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain(`at async createApiKey (${path.join(root, 'services/api/src/auth.ts')}:`);
  });
});
