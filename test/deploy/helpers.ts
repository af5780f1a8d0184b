// Shared by the deployment-file tests: the repository root, the keys of the config schema, the services.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '@oms/config';
import { entries, nodeCommand } from '../../scripts/services.mjs';

export const root = path.resolve(import.meta.dirname, '../..');

/** Every service directory under services/ (each one a deployable). */
export function serviceNames(): string[] {
  return readdirSync(path.join(root, 'services'))
    .filter((d) => statSync(path.join(root, 'services', d)).isDirectory())
    .sort();
}

/**
 * The environment keys of the config schema. The schema is an object wrapped in refinements and a transform;
 * unwrap until the object's shape is reached, so new wrappers do not silently empty the list.
 */
export function configKeys(): Set<string> {
  let schema: unknown = configSchema;
  for (let depth = 0; depth < 10; depth++) {
    const s = schema as {
      shape?: Record<string, unknown>;
      in?: unknown;
      def?: { innerType?: unknown; in?: unknown; schema?: unknown };
    };
    if (s.shape && typeof s.shape === 'object') return new Set(Object.keys(s.shape));
    schema = s.in ?? s.def?.in ?? s.def?.innerType ?? s.def?.schema;
    if (!schema) break;
  }
  throw new Error('could not find the object shape inside configSchema');
}

export function readText(relative: string): string {
  return readFileSync(path.join(root, relative), 'utf8');
}

export function packageScripts(): Record<string, string> {
  return (JSON.parse(readText('package.json')) as { scripts: Record<string, string> }).scripts;
}

/**
 * Checks one container command: `pnpm <script>` must name a script of package.json, and `node ... <bundle>` must
 * be exactly nodeCommand(<name>) of scripts/services.mjs (the flags the services are measured with) for a bundle
 * that `pnpm build` makes, from a source that exists (for a service: the file its start script runs).
 * Returns the problem, or null.
 */
export function commandProblem(command: string[], scripts = packageScripts()): string | null {
  const [bin, ...args] = command;
  if (bin === 'pnpm') {
    const script = args[0] === 'run' ? args[1] : args[0];
    if (!script || !(script in scripts)) return `"${command.join(' ')}": package.json has no script "${script}"`;
    return null;
  }
  if (bin === 'node') {
    const name = /^dist\/([^/]+)\/main\.mjs$/.exec(args.at(-1) ?? '')?.[1];
    if (!name || !(name in entries))
      return `"${command.join(' ')}": expected node <flags> dist/<name>/main.mjs, a bundle of scripts/services.mjs`;
    const expected = nodeCommand(name);
    if (JSON.stringify(command) !== JSON.stringify(expected))
      return `"${command.join(' ')}": expected "${expected.join(' ')}" (scripts/services.mjs)`;
    const source = entries[name]!;
    try {
      statSync(path.join(root, source));
    } catch {
      return `"${command.join(' ')}": its source ${source} does not exist`;
    }
    if (scripts.build !== 'node scripts/build.mjs')
      return `package.json build is "${scripts.build}", not "node scripts/build.mjs"`;
    const start = scripts[`start:${name}`];
    if (start !== undefined && start !== `tsx ${source}`)
      return `"${command.join(' ')}": package.json start:${name} is "${start}", not "tsx ${source}"`;
    return null;
  }
  return `"${command.join(' ')}": starts with neither pnpm nor node`;
}

/** A Kubernetes memory quantity in MiB (Mi, Gi, M, G or bytes). */
export function mebibytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!m) throw new Error(`unsupported memory quantity ${quantity}`);
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    K: 1000 / 1048576,
    M: 1e6 / 1048576,
    G: 1e9 / 1048576,
    '': 1 / 1048576,
  };
  return Number(m[1]) * factor[m[2] ?? '']!;
}
