// Shared by the deployment-file tests: the repository root, the keys of the config schema, the services.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '@oms/config';

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
    const s = schema as { shape?: Record<string, unknown>; in?: unknown; def?: { innerType?: unknown; in?: unknown; schema?: unknown } };
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
 * Checks one container command: `pnpm <script>` must name a script of package.json, and
 * `node --import tsx <file>` must run a file that exists (for a service: the same file as its start script).
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
    if (args[0] !== '--import' || args[1] !== 'tsx' || !args[2])
      return `"${command.join(' ')}": expected node --import tsx <file.ts>`;
    const file = args[2];
    try {
      statSync(path.join(root, file));
    } catch {
      return `"${command.join(' ')}": ${file} does not exist`;
    }
    const service = /^services\/([^/]+)\/src\/main\.ts$/.exec(file)?.[1];
    if (service) {
      const start = scripts[`start:${service}`];
      if (start !== `tsx ${file}`) return `"${command.join(' ')}": package.json start:${service} is "${start}", not "tsx ${file}"`;
    }
    return null;
  }
  return `"${command.join(' ')}": starts with neither pnpm nor node`;
}
