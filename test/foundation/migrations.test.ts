// The migration tooling: apply is idempotent, and the drift check fails when the schema changes without a migration.
import { readFile } from 'node:fs/promises';
import { mkdtemp, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, createMigration, migrationsDir, schemaPath } from '@oms/db';
import { createEmptyDatabase, PG_ADMIN_URL } from '@oms/testing';
import { checkDrift } from './drift';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('migrations', () => {
  it('pnpm db:migrate applied twice applies nothing the second time', async () => {
    const db = await createEmptyDatabase('mig');
    cleanups.push(db.drop);
    const first = await applyMigrations(db.url);
    expect(first.length).toBeGreaterThan(0);
    expect(await applyMigrations(db.url)).toEqual([]);
  });

  it('the committed migrations match prisma/schema.prisma (no drift)', async () => {
    const result = await checkDrift(await readFile(schemaPath, 'utf8'));
    expect(result.differences).toEqual([]);
  });

  it('the drift check fails when a column is added to the schema without a migration', async () => {
    const schema = await readFile(schemaPath, 'utf8');
    const changed = schema.replace('model Order {\n', 'model Order {\n  giftMessage String? @map("gift_message")\n');
    expect(changed).not.toBe(schema);
    const result = await checkDrift(changed);
    expect(result.differences.join('\n')).toMatch(/gift_message/);
  });

  it('pnpm db:migration creates exactly that change as a new migration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'oms-mig-'));
    await cp(migrationsDir, dir, { recursive: true });
    const schema = await readFile(schemaPath, 'utf8');
    expect(await createMigration(PG_ADMIN_URL, 'nothing', { dir, schema })).toBeNull();
    const changed = schema.replace('model Order {\n', 'model Order {\n  giftMessage String? @map("gift_message")\n');
    const made = await createMigration(PG_ADMIN_URL, 'gift_message', { dir, schema: changed });
    expect(made?.sql).toMatch(/ALTER TABLE "oms_order" ADD COLUMN\s+"gift_message" TEXT/);
  });
});
