export { createDb, type Db } from './client';
export { SecretBox, type EncryptionKey } from './crypto';
export { rotateSecrets } from './rotate';
export { ensureDatabase, dropDatabase } from './admin';
export {
  applyMigrations,
  diffSchemas,
  createMigration,
  readMigrationFolders,
  schemaPath,
  migrationsDir,
  repoRoot,
} from './migrations';
export * from './generated/client';
