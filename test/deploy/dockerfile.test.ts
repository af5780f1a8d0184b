// A light check of deploy/Dockerfile (no Docker engine here to build it): its stages, how it installs,
// who it runs as, and that the commands the image is started with exist.
import { describe, expect, it } from 'vitest';
import { commandProblem, readText } from './helpers';

type Instruction = { op: string; args: string; line: number };

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: Instruction | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) return;
    if (current && line.startsWith('#')) return;
    const body = line.replace(/\\$/, '').trim();
    if (current) current.args += ` ${body}`;
    else {
      const m = /^(\S+)\s*(.*)$/.exec(body)!;
      current = { op: m[1]!.toUpperCase(), args: m[2]!, line: i + 1 };
    }
    if (!line.endsWith('\\')) {
      out.push(current);
      current = null;
    }
  });
  return out;
}

const text = readText('deploy/Dockerfile');
const instructions = parseDockerfile(text);
const stages = instructions.filter((i) => i.op === 'FROM');
const lastStage = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const execForm = (i: Instruction | undefined) => (i ? (JSON.parse(i.args) as string[]) : []);

describe('deploy/Dockerfile', () => {
  it('is multi-stage on the current Node LTS, and the runtime stage copies from a build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const arg = instructions.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    const image = stages[0]!.args.split(/\s+/)[0]!.replace('${NODE_IMAGE}', arg?.args.split('=')[1] ?? '');
    const major = Number(/^node:(\d+)-/.exec(image)?.[1]);
    // Even majors become LTS; 26 is the Active LTS since 2026-10-28.
    expect(major % 2, image).toBe(0);
    expect(major, image).toBeGreaterThanOrEqual(26);
    expect(image).toMatch(/-slim$/);
    expect(lastStage.some((i) => i.op === 'COPY' && /--from=\S+/.test(i.args))).toBe(true);
  });

  it('installs pnpm with npm at the version of packageManager, never with corepack', () => {
    const version = (JSON.parse(readText('package.json')) as { packageManager: string }).packageManager.replace(
      'pnpm@',
      '',
    );
    expect(
      runs.some((r) => r.includes(`npm install -g pnpm@${version}`) || r.includes(`npm i -g pnpm@${version}`)),
    ).toBe(true);
    expect(instructions.filter((i) => /corepack/i.test(i.args))).toEqual([]);
  });

  it('installs from the lock file, generates the Prisma client, and prunes to production dependencies', () => {
    expect(runs.some((r) => /pnpm install\b.*--frozen-lockfile/.test(r) && !r.includes('--prod'))).toBe(true);
    expect(runs.some((r) => r.includes('pnpm db:generate'))).toBe(true);
    expect(runs.some((r) => /pnpm install\b.*--prod\b.*--frozen-lockfile|--frozen-lockfile.*--prod\b/.test(r))).toBe(
      true,
    );
  });

  it('builds the bundles in the build stage and ships them checked against the production dependencies', () => {
    const buildStage = stages.find((s) => / AS build$/i.test(s.args));
    const prodStage = stages.find((s) => / AS prod$/i.test(s.args));
    expect(buildStage && prodStage, 'stages build and prod').toBeTruthy();
    const inStage = (from: Instruction) => {
      const start = instructions.indexOf(from) + 1;
      const end = instructions.findIndex((i, n) => n >= start && i.op === 'FROM');
      return instructions.slice(start, end === -1 ? undefined : end);
    };
    const buildRuns = inStage(buildStage!)
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args);
    expect(
      buildRuns.some((r) => /pnpm (run )?build\b/.test(r)),
      'pnpm build in the build stage',
    ).toBe(true);
    const prod = inStage(prodStage!);
    const copyDist = prod.findIndex((i) => i.op === 'COPY' && /--from=build\s+\/app\/dist\s+dist/.test(i.args));
    const prodInstall = prod.findIndex((i) => i.op === 'RUN' && /pnpm install\b.*--prod\b/.test(i.args));
    const check = prod.findIndex((i) => i.op === 'RUN' && i.args.includes('node scripts/services.mjs check'));
    expect(copyDist, 'COPY --from=build /app/dist dist in the prod stage').toBeGreaterThan(-1);
    expect(check, 'the bundles are checked against the production install').toBeGreaterThan(
      Math.max(copyDist, prodInstall),
    );
    expect(lastStage.some((i) => i.op === 'COPY' && i.args.includes('--from=prod'))).toBe(true);
    // Nothing in the image runs TypeScript any more.
    expect(instructions.filter((i) => /--import\s+tsx|\btsx\s/.test(i.args))).toEqual([]);
  });

  it('runs as a non-root user under tini', () => {
    const user = lastStage
      .filter((i) => i.op === 'USER')
      .at(-1)
      ?.args.split(':')[0];
    expect(user, 'USER of the runtime stage').toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(/^\d+$/.test(user!), 'a numeric USER lets Kubernetes verify runAsNonRoot').toBe(true);
    expect(execForm(lastStage.find((i) => i.op === 'ENTRYPOINT'))[0]).toMatch(/tini$/);
  });

  it('starts with a command that exists', () => {
    const cmd = execForm(lastStage.find((i) => i.op === 'CMD'));
    expect(commandProblem(cmd)).toBeNull();
  });

  it('keeps what the image needs in the build context (.dockerignore)', () => {
    const ignore = readText('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of ['**/node_modules', '.git', '.env']) expect(ignore).toContain(needed);
    for (const kept of [
      'deploy/docker',
      'deploy/Dockerfile',
      'prisma',
      'packages',
      'services',
      'pnpm-lock.yaml',
      'package.json',
      'pnpm-workspace.yaml',
      '.npmrc',
      'deploy',
    ])
      expect(ignore, `${kept} must reach the build`).not.toContain(kept);
  });

  it('the parser reads continuation lines and stages', () => {
    const parsed = parseDockerfile('FROM a AS b\n# note\nRUN one \\\n  # inside\n  && two\nUSER 1000\n');
    expect(parsed).toEqual([
      { op: 'FROM', args: 'a AS b', line: 1 },
      { op: 'RUN', args: 'one && two', line: 3 },
      { op: 'USER', args: '1000', line: 6 },
    ]);
  });
});
