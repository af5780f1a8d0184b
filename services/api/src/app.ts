// The admin API as a function of its dependencies, so tests run it in-process (app.inject) or on a port.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from '@oms/config';
import { SecretBox, type Db } from '@oms/db';
import { createLogger, redactString, type Logger } from '@oms/logger';
import { Queues } from '@oms/queue';
import { KeyStore, keyFromCookie, keyFromHeaders, type Access, type Role, safeEqual } from './auth';
import { makeHelpers, type AdapterLookup, type Ctx } from './context';
import { HttpError, forbidden, prismaErrorToHttp, unauthorized } from './errors';
import { createMetrics } from './metrics';
import { mountBullBoard } from './bullboard';
import { registerConsole } from './routes/console';
import { registerHealth } from './routes/health';
import { registerSession } from './routes/session';
import { registerPlatforms } from './routes/platforms';
import { registerChannels } from './routes/channels';
import { registerOAuth } from './routes/oauth';
import { registerWebhooks } from './routes/webhooks';
import { registerOrders } from './routes/orders';
import { registerMappings } from './routes/mappings';
import { registerShipments } from './routes/shipments';
import { registerApiKeys } from './routes/apikeys';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    apiKey?: { id: string; name: string; role: Role };
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RouteInfo {
  method: string;
  url: string;
  access: Access;
}

export interface AppDeps {
  config: Config;
  db: Db;
  /** A producer connection (maxRetriesPerRequest set): used for queues, health and channel-change messages. */
  redis: Redis;
  /** Defaults to Queues on `redis` with config.QUEUE_PREFIX. */
  queues?: Queues;
  logger?: Logger;
  getAdapter?: AdapterLookup;
  channelChanged?: (channelId: string) => Promise<void>;
}

export interface BuiltApp {
  app: App;
  ctx: Ctx;
  /** Every route the app serves, with how it is protected: the auth matrix test is generated from it. */
  routes: RouteInfo[];
  close(): Promise<void>;
}

const SECRET_IN_PATH = /^(\/webhooks\/[^/]+\/[^/]+\/)[^/?]+/;
/** URLs as logged: the webhook secret in the path and OAuth codes and states in the query are removed. */
export function redactUrl(url: string): string {
  const withoutSecret = url.replace(SECRET_IN_PATH, '$1[REDACTED]');
  return redactString(withoutSecret.replace(/([?&](?:code|state|token|key|access_token)=)[^&]*/gi, '$1[REDACTED]'));
}

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, db, redis } = deps;
  const logger = deps.logger ?? createLogger({ service: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const ownQueues = !deps.queues;
  const queues = deps.queues ?? new Queues(redis, config.QUEUE_PREFIX);
  const helpers = makeHelpers({
    config,
    redis,
    queues,
    getAdapter: deps.getAdapter,
    channelChanged: deps.channelChanged,
  });
  const ctx: Ctx = { config, db, redis, queues, box: new SecretBox(config.ENCRYPTION_KEYS), log: logger, ...helpers };

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written in onResponse below, with secrets taken out of the URL.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    // Secure by default: a route that does not say how it is protected needs a key.
    const access: Access = route.config?.access ?? 'read';
    route.config = { ...(route.config ?? {}), access };
    // The OpenAPI document says which routes need no API key.
    if (route.schema && (access === 'public' || access === 'webhook' || access === 'oauth'))
      route.schema = { ...route.schema, security: [] } as typeof route.schema;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access });
  });

  const keys = new KeyStore(db);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const access = req.routeOptions.config?.access;
    if (!req.routeOptions.url || !access) return; // not found: the 404 handler answers
    if (access === 'public' || access === 'webhook' || access === 'oauth') return;
    if (access === 'metrics') {
      if (!config.METRICS_TOKEN) return;
      const given = keyFromHeaders(req.headers);
      if (!given || !safeEqual(given, config.METRICS_TOKEN))
        throw unauthorized('a metrics token is required: Authorization: Bearer <METRICS_TOKEN>');
      return;
    }
    const reading = req.method === 'GET' || req.method === 'HEAD';
    const url = req.routeOptions.url;
    let key = keyFromHeaders(req.headers);
    // The console's HttpOnly cookie is accepted for page loads and Bull Board (which cannot send headers);
    // SameSite=Strict keeps other sites from riding on it.
    if (!key && (reading || url.startsWith('/admin/queues'))) key = keyFromCookie(req.headers.cookie);
    if (!key) throw unauthorized();
    const found = await keys.resolve(key);
    if (!found) throw unauthorized('unknown or revoked API key');
    req.apiKey = found;
    if (found.role === 'admin' || access === 'key') return;
    if (access === 'admin' || !reading) throw forbidden();
    // Viewers see the read-only board.
    if (url.startsWith('/admin/queues/') || url === '/admin/queues') {
      return reply.redirect(req.url.replace(/^\/admin\/queues/, '/admin/queues-readonly'), 302);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        url: redactUrl(req.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        caller: req.apiKey?.name,
      },
      'request',
    );
  });

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = (err as { validationContext?: string }).validationContext ?? 'body';
      const issues = err.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return { field: path || where, message: v.message ?? 'invalid' };
      });
      const first = issues[0]!;
      return reply.code(400).send({
        error: 'bad_request',
        message: `${where} ${first.field}: ${first.message}`,
        field: first.field,
        issues,
      });
    }
    const http = err instanceof HttpError ? err : prismaErrorToHttp(err);
    if (http)
      return reply
        .code(http.statusCode)
        .send({ error: http.code, message: http.message, ...(http.field ? { field: http.field } : {}) });
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply.code(status).send({
        error: (err as { code?: string }).code ?? 'bad_request',
        message: err instanceof Error ? err.message : 'bad request',
      });
    }
    req.log.error({ err }, 'request failed');
    return reply
      .code(status && status >= 500 ? status : 500)
      .send({ error: 'internal', message: `internal error (request id ${req.id})` });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `no route ${req.method} ${redactUrl(req.url.split('?')[0]!)}` }),
  );

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'OMS admin API',
        description: 'Platforms, channels, orders, mappings, webhooks and OAuth of the OMS',
        version: '1.0.0',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const metrics = createMetrics(ctx);
  registerHealth(app, ctx, metrics);
  registerConsole(app);
  registerSession(app, ctx);
  registerPlatforms(app, ctx);
  registerChannels(app, ctx);
  registerOAuth(app, ctx);
  await app.register(async (scope) => registerWebhooks(scope as unknown as App, ctx, metrics));
  registerOrders(app, ctx);
  registerMappings(app, ctx);
  registerShipments(app, ctx);
  registerApiKeys(app, ctx, keys);
  await mountBullBoard(app, queues);

  await app.ready();
  return {
    app,
    ctx,
    routes,
    close: async () => {
      await app.close();
      if (ownQueues) await queues.close();
    },
  };
}
