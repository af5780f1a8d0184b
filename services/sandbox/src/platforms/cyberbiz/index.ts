// Cyberbiz (docs/platforms.md, "Cyberbiz"): the v2 App Store API (Bearer JWT, 2 h), the shop-domain token
// endpoint, the v1 HMAC scheme on the same /v1/orders paths, bare-array pages with X-* headers, Taipei local times.
// auth.ts authenticates and runs OAuth, orders.ts lists orders (render.ts renders them), fulfillments.ts ships.
import type { FastifyInstance } from 'fastify';
import { installFaults } from '../../http/faults.ts';
import type { SandboxContext } from '../common.ts';
import { installAuth, registerOAuthRoutes } from './auth.ts';
import { registerFulfillmentRoutes } from './fulfillments.ts';
import { registerOrderRoutes } from './orders.ts';

export { cyberbizHmac } from './auth.ts';
export { TRACKING_COMPANIES } from './fulfillments.ts';
export { cyberbizStatuses } from './render.ts';

export async function registerCyberbiz(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  installFaults(app, ctx.faults.cyberbiz, {
    rateLimited: (reply) => reply.code(429).send({ error: 'Too Many Requests' }), // body undocumented [INF]
    serverError: (reply) => reply.code(500).send({ error: ['系統發生錯誤，請稍後再試'] }),
  });
  installAuth(app, ctx);
  registerOrderRoutes(app);
  registerFulfillmentRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: ['無此資源'] }));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: [err.message] });
    ctx.logger?.error({ err }, 'cyberbiz sandbox error');
    return reply.code(500).send({ error: ['系統發生錯誤，請稍後再試'] });
  });
}
