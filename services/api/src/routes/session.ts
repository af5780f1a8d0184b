// The console's login: it checks a key and sets it as an HttpOnly, SameSite=Strict cookie so that pages the
// console cannot add headers to (Bull Board, /docs, the connect redirect) are authorized too.
import { z } from 'zod';
import type { App } from '../app';
import { SESSION_COOKIE } from '../auth';
import type { Ctx } from '../context';
import { keyFromHeaders } from '../auth';

const whoami = z.object({ name: z.string(), role: z.enum(['admin', 'viewer']) });

export function registerSession(app: App, ctx: Ctx): void {
  const secure = ctx.config.PUBLIC_URL.startsWith('https:') ? '; Secure' : '';
  app.get(
    '/session',
    {
      config: { access: 'read' },
      schema: { tags: ['session'], description: 'Who the key belongs to', response: { 200: whoami } },
    },
    async (req) => ({
      name: req.apiKey!.name,
      role: req.apiKey!.role,
    }),
  );
  // A viewer may log in too: setting its own cookie writes nothing.
  app.post(
    '/session',
    {
      config: { access: 'key' },
      schema: {
        tags: ['session'],
        description: 'Sets the console cookie to the key in the Authorization header',
        response: { 200: whoami },
      },
    },
    async (req, reply) => {
      const key = keyFromHeaders(req.headers)!;
      reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure}`,
      );
      return { name: req.apiKey!.name, role: req.apiKey!.role };
    },
  );
  app.delete(
    '/session',
    {
      config: { access: 'public' },
      schema: { tags: ['session'], description: 'Clears the console cookie', response: { 204: z.null() } },
    },
    async (_req, reply) => {
      reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`);
      return reply.code(204).send(null);
    },
  );
}
