// pnpm db:migration <name>: writes a new migration from the change to prisma/schema.prisma.
import { loadConfig } from '@oms/config';
import { createMigration } from '../src/migrations';
import { ensureDatabase } from '../src/admin';

const name = process.argv[2];
if (!name) {
  console.error('usage: pnpm db:migration <name>   (lower-case letters, digits and _)');
  process.exit(2);
}
const config = loadConfig();
await ensureDatabase(config.DATABASE_URL);
const made = await createMigration(config.DATABASE_URL, name);
if (!made) console.log('prisma/schema.prisma matches the last migration: nothing to create.');
else console.log(`created ${made.folder}/migration.sql\n\n${made.sql}`);
