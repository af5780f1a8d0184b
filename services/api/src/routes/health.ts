import { z } from 'zod';
import type { App } from '../app';
import type { Ctx } from '../context';
import type { Metrics } from '../metrics';

export function registerHealth(app: App, ctx: Ctx, metrics: Metrics): void {
  app.get(
    '/health/live',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/health/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        response: {
          200: z.object({ status: z.string(), problems: z.array(z.string()) }),
          503: z.object({ status: z.string(), problems: z.array(z.string()) }),
        },
      },
    },
    async (_req, reply) => {
      const problems: string[] = [];
      const timeout = <T>(p: Promise<T>, what: string) =>
        Promise.race([
          p,
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`${what} did not answer within 2s`)), 2000).unref(),
          ),
        ]);
      await timeout(ctx.db.$queryRaw`select 1`, 'database').catch((err: Error) =>
        problems.push(`database: ${err.message.split('\n')[0]}`),
      );
      await timeout(ctx.redis.ping(), 'redis').catch((err: Error) =>
        problems.push(`redis: ${err.message.split('\n')[0]}`),
      );
      return reply
        .code(problems.length ? 503 : 200)
        .send({ status: problems.length ? 'not ready' : 'ready', problems });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'metrics' },
      schema: {
        tags: ['health'],
        description: 'Prometheus metrics; needs METRICS_TOKEN as a bearer token when it is set',
      },
    },
    async (_req, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
