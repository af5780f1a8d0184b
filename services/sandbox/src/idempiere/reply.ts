// How the stand-in answers: JSON with the plugin's content type, errors as {title, status, detail}.
import type { FastifyReply } from 'fastify';
import { parseTranslation } from './messages';
import { RestError } from './store';

/** ErrorBuilder's {title, status, detail}, "@Key@" tokens rendered in the login's language (messages.ts). */
export function errorBody(e: RestError, language = 'en_US') {
  return { title: parseTranslation(language, e.title), status: e.status, detail: parseTranslation(language, e.detail) };
}

export function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Answers fn()'s result, or the RestError it throws; anything else goes to the error handler. */
export function handle(reply: FastifyReply, fn: () => unknown, status = 200) {
  try {
    return send(reply, status, fn());
  } catch (err) {
    if (err instanceof RestError) return send(reply, err.status, errorBody(err));
    throw err;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
