// pnpm apikey:create --name ops --role admin   → prints the new key once; only its sha256 is stored.
import { parseArgs } from 'node:util';
import { loadConfig } from '@oms/config';
import { createDb } from '@oms/db';
import { createApiKey } from './auth';

const { values } = parseArgs({
  options: { name: { type: 'string' }, role: { type: 'string', default: 'viewer' } },
  strict: true,
});
const name = values.name?.trim();
if (!name || name.length > 100) {
  process.stderr.write(
    'usage: pnpm apikey:create --name <name> [--role admin|viewer]\n  --name is required (1-100 characters)\n',
  );
  process.exit(2);
}
if (values.role !== 'admin' && values.role !== 'viewer') {
  process.stderr.write(`--role must be admin or viewer, not "${values.role}"\n`);
  process.exit(2);
}
const config = loadConfig();
const db = createDb(config.DATABASE_URL);
try {
  const created = await createApiKey(db, name, values.role);
  process.stderr.write(`created ${values.role} key "${name}" (${created.prefix}…); it is shown once, store it now:\n`);
  process.stdout.write(`${created.key}\n`);
} finally {
  await db.$disconnect();
}
