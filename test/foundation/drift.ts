// Drift without introspection (docs/prisma-offline.md): apply the committed migrations to one fresh
// database, the SQL of (empty -> schema) to another, and compare what PostgreSQL says both contain.
import pg from 'pg';
import { applyMigrations, diffSchemas } from '@oms/db';
import { createEmptyDatabase, PG_ADMIN_URL } from '@oms/testing';

const CATALOG_QUERIES = {
  columns: `select table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') as line
            from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations'`,
  constraints: `select conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) as line
                from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text <> '_prisma_migrations'`,
  indexes: `select indexdef as line from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations'`,
  enums: `select t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) as line
          from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname`,
};

async function describeDb(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const lines = new Set<string>();
    for (const [kind, sql] of Object.entries(CATALOG_QUERIES)) {
      for (const row of (await client.query<{ line: string }>(sql)).rows) lines.add(`${kind}: ${row.line}`);
    }
    return lines;
  } finally {
    await client.end();
  }
}

export async function checkDrift(schema: string): Promise<{ differences: string[] }> {
  const migrated = await createEmptyDatabase('drift_m');
  const fromSchema = await createEmptyDatabase('drift_s');
  try {
    await applyMigrations(migrated.url);
    const sql = await diffSchemas(PG_ADMIN_URL, null, schema);
    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(sql).finally(() => client.end());
    const a = await describeDb(migrated.url);
    const b = await describeDb(fromSchema.url);
    const differences = [
      ...[...a].filter((l) => !b.has(l)).map((l) => `only in migrations: ${l}`),
      ...[...b].filter((l) => !a.has(l)).map((l) => `only in schema.prisma: ${l}`),
    ].sort();
    return { differences };
  } finally {
    await migrated.drop();
    await fromSchema.drop();
  }
}
