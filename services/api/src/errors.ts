// Errors that become clear HTTP answers. Handlers throw these; the error handler in app.ts turns
// them (and validation, Prisma and body-parser errors) into { error, message, field? } with the right status.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, field?: string) => new HttpError(400, 'bad_request', message, field);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unauthorized = (message = 'an API key is required: Authorization: Bearer <key> or X-Api-Key') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'this API key is read-only (viewer)') => new HttpError(403, 'forbidden', message);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

/** Prisma's known request errors, recognised by code without importing the runtime. */
export function prismaErrorToHttp(err: unknown): HttpError | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^P\d{4}$/.test(code)) return null;
  const meta = (err as { meta?: Record<string, unknown> }).meta ?? {};
  if (code === 'P2002') {
    const target =
      meta.target ??
      (meta.driverAdapterError as { cause?: { constraint?: { fields?: string[] } } })?.cause?.constraint?.fields;
    return conflict(
      `already exists${target ? ` (${Array.isArray(target) ? target.join(', ') : String(target)})` : ''}`,
    );
  }
  if (code === 'P2025') return notFound('record');
  if (code === 'P2003') return conflict('a referenced record does not exist or is still referenced');
  if (code === 'P2000') return badRequest('a value is too long for its column');
  return null;
}
