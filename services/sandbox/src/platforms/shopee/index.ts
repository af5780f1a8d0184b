// Shopee Open Platform v2 (docs/platforms.md, "Shopee"): every call signed, 5-minute timestamps, the
// {request_id, error, message, response} envelope, 4-hour access tokens and single-use rotating refresh tokens.
// auth.ts checks and signs, orders.ts lists and details orders (detail.ts renders them), logistics.ts ships.
import type { FastifyInstance } from 'fastify';
import { installFaults } from '../../http/faults.ts';
import type { SandboxContext } from '../common.ts';
import { makeGuard, registerAuthRoutes } from './auth.ts';
import { Refused, shopeeError } from './envelope.ts';
import { registerLogisticsRoutes } from './logistics.ts';
import { registerOrderRoutes } from './orders.ts';

export { shopeeSign } from './auth.ts';
export { shopeeError } from './envelope.ts';
export { SHOPEE_STATUS } from './detail.ts';

export async function registerShopee(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  installFaults(app, ctx.faults.shopee, {
    rateLimited: (reply) => shopeeError(reply, 'error_rate_limit', 'Too many requests. Please try again later.'),
    serverError: (reply) => shopeeError(reply, 'error_server', 'Something wrong. Please try later.'),
  });
  const guard = makeGuard(ctx);
  registerAuthRoutes(app, ctx, guard);
  registerOrderRoutes(app, guard);
  registerLogisticsRoutes(app, ctx, guard);

  app.setNotFoundHandler((req, reply) =>
    shopeeError(reply, 'error_not_found', `No API matched ${req.method} ${req.url.split('?')[0]}.`),
  );
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof Refused) return shopeeError(reply, err.error, err.message);
    if (err.statusCode && err.statusCode < 500) return shopeeError(reply, 'error_param', err.message);
    ctx.logger?.error({ err }, 'shopee sandbox error');
    return shopeeError(reply, 'error_server', 'Something wrong. Please try later.');
  });
}
