// pnpm db:migrate: applies pending migrations to DATABASE_URL (creating the database if it is missing).
import { loadConfig } from '@oms/config';
import { applyMigrations } from '../src/migrations';
import { ensureDatabase } from '../src/admin';

const config = loadConfig();
await ensureDatabase(config.DATABASE_URL);
const applied = await applyMigrations(config.DATABASE_URL);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date: no migration applied.');
