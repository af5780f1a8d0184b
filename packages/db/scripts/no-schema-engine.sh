#!/bin/sh
# Prisma's CLI wants a native schema engine it would download; these machines have no internet.
# Client generation does not need it. Migrations run through the wasm engine: pnpm db:migrate.
echo "The native Prisma schema engine is not used in this project: use pnpm db:migrate / pnpm db:migration." >&2
exit 1
