// Generates the Prisma client with no download (see docs/prisma-offline.md):
// the prisma-client generator needs no engine, and pointing PRISMA_SCHEMA_ENGINE_BINARY at a script that
// refuses to run skips the CLI's download check.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
execFileSync('pnpm', ['exec', 'prisma', 'generate', '--schema', 'prisma/schema.prisma'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: path.join(here, 'no-schema-engine.sh'),
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
