// SHOPLINE Open API (docs/platforms.md, "SHOPLINE"): Bearer token, a required User-Agent, UTC times,
// {items, pagination}, 20 req/s per token with the documented 429 body, 410 for archived orders, PATCH for tracking
// numbers (custom delivery only) and for the delivery status (which does not bump order.updated_at).
// auth.ts authenticates and runs OAuth, orders.ts lists orders (render.ts renders them), delivery.ts ships.
import type { FastifyInstance } from 'fastify';
import { installFaults } from '../../http/faults.ts';
import type { SandboxContext } from '../common.ts';
import { installAuth, registerOAuthRoutes } from './auth.ts';
import { registerDeliveryRoutes } from './delivery.ts';
import { err, SHOPLINE_RATE_LIMIT_BODY } from './errors.ts';
import { registerOrderRoutes } from './orders.ts';

export { SHOPLINE_RATE_LIMIT_BODY } from './errors.ts';
export { shoplineStatus } from './render.ts';

export async function registerShopline(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  installFaults(app, ctx.faults.shopline, {
    rateLimited: (reply) => reply.code(429).send(SHOPLINE_RATE_LIMIT_BODY),
    serverError: (reply) => err(reply, 500, 'Internal Server Error', 'InternalServerError'),
  });
  installAuth(app, ctx);
  registerOrderRoutes(app);
  registerDeliveryRoutes(app, ctx);
  registerOAuthRoutes(app, ctx);

  app.setNotFoundHandler((_req, reply) => err(reply, 404, 'Not Found', 'NotFound'));
  app.setErrorHandler((e: Error & { statusCode?: number }, _req, reply) => {
    if (e.statusCode && e.statusCode < 500) return err(reply, e.statusCode, e.message, 'BadRequest');
    ctx.logger?.error({ err: e }, 'shopline sandbox error');
    return err(reply, 500, 'Internal Server Error', 'InternalServerError');
  });
}
