// API keys: list and revoke. Keys are created only with `pnpm apikey:create` (shown once, on the terminal):
// a key is a secret, and no API response carries one.
import { z } from 'zod';
import type { App } from '../app';
import type { KeyStore } from '../auth';
import type { Ctx } from '../context';
import { conflict, notFound } from '../errors';
import { apiKeyView, idParams } from '../schemas';

export function registerApiKeys(app: App, ctx: Ctx, keys: KeyStore): void {
  const tags = ['api-keys'];
  app.get(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        description: 'Every API key: name, role, first characters, last use, revocation',
        response: { 200: z.array(apiKeyView) },
      },
    },
    async () => {
      const rows = await ctx.db.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
      return rows.map((k) => ({
        id: k.id,
        name: k.name,
        role: k.role,
        prefix: k.prefix,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      }));
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: idParams,
        description:
          'Revoke an API key: refused at once by this api process, by other replicas within their 5 s key cache',
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const key = await ctx.db.apiKey.findUnique({ where: { id: req.params.id } });
      if (!key) throw notFound(`API key ${req.params.id}`);
      if (!key.revokedAt) {
        // Nobody could administer the OMS any more: keep one admin key.
        if (
          key.role === 'admin' &&
          (await ctx.db.apiKey.count({ where: { role: 'admin', revokedAt: null, id: { not: key.id } } })) === 0
        ) {
          throw conflict(
            'this is the last admin key: create another one first (pnpm apikey:create --name <name> --role admin), then revoke this one',
          );
        }
        await ctx.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        keys.forget();
        req.log.warn({ apiKeyId: key.id, name: key.name, by: req.apiKey?.name }, 'API key revoked');
      }
      return reply.code(204).send(null);
    },
  );
}
