// Shopee's answer envelope {request_id, error, message[, response]} and the HTTP status per error.
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';

// HTTP status per error [INF]: the docs only promise the envelope ("always check error, not just HTTP
// status"). Common auth/sign errors answer 403, parameter errors 400, rate limits 429; module errors
// (order.*, logistics.*) answer 200 with the error in the envelope, so a client that only reads the
// HTTP status fails here as it would against the real API.
const STATUS: Record<string, number> = {
  error_param: 400,
  error_auth: 403,
  error_sign: 403,
  invalid_acceess_token: 403,
  error_permission: 403,
  error_not_found: 404,
  error_rate_limit: 429,
  error_server: 500,
};

export function requestId(): string {
  return randomBytes(16).toString('hex');
}

export function shopeeError(reply: FastifyReply, error: string, message: string): FastifyReply {
  return reply.code(STATUS[error] ?? 200).send({ request_id: requestId(), error, message });
}

export function ok(reply: FastifyReply, response?: unknown): FastifyReply {
  return reply.send(
    response === undefined
      ? { request_id: requestId(), error: '', message: '' }
      : { request_id: requestId(), error: '', message: '', response },
  );
}

/** A refusal: thrown by a handler, answered in the envelope with its error code. */
export class Refused extends Error {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}
