// SHOPLINE's error body {error, code} and its documented rate-limit answer
// (docs/platforms.md, "SHOPLINE: rate limits and error shapes").
import type { FastifyReply } from 'fastify';

export const SHOPLINE_RATE_LIMIT_BODY = {
  error: 'Rate limit exceeded for attempts to access Open API. please try again later',
  code: 'RateLimitExceeded',
};
export const err = (reply: FastifyReply, status: number, error: string, code: string) =>
  reply.code(status).send({ error, code });
