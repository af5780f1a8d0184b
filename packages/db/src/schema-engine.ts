// Prisma's own schema engine, as wasm, so that migrations need no download (docs/prisma-offline.md).
// The package's ESM entry imports a .wasm file, which Node 20 cannot do without a flag: we instantiate it here.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as Bg from '@prisma/schema-engine-wasm/schema_engine_bg';

type SchemaEngine = Bg.SchemaEngine;
let bgModule: Promise<typeof Bg> | undefined;

async function loadWasm(): Promise<typeof Bg> {
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as typeof Bg & {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
  };
  const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  // Node's WebAssembly global; this project's lib settings carry no DOM types for it.
  const wasm = (
    globalThis as unknown as {
      WebAssembly: {
        instantiate(b: Buffer, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
      };
    }
  ).WebAssembly;
  const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}

/** Runs fn with a schema engine connected (lazily) to the database; frees it afterwards. */
export async function withSchemaEngine<T>(
  connectionString: string,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  bgModule ??= loadWasm();
  const bg = await bgModule;
  // Keep hold of the connections the engine opens: freeing the engine does not close their pool, and an
  // open pool keeps the database busy (it could not be renamed or dropped for seconds afterwards).
  const pg = new PrismaPg({ connectionString });
  const opened: { dispose(): Promise<void> }[] = [];
  const tracked = Object.create(pg) as PrismaPg;
  tracked.connect = async () => {
    const connection = await pg.connect();
    opened.push(connection);
    return connection;
  };
  const engine = await bg.SchemaEngine.new(
    { datamodels: undefined },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((c) => c.dispose().catch(() => undefined)));
  }
}
