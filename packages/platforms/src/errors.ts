// Classified platform errors. The worker decides retry, refresh, pause or block from the class alone,
// and keeps the platform's own message for the operator.

export type PlatformErrorKind =
  'auth' | 'reauthorize' | 'rate_limited' | 'transient' | 'permanent' | 'not_supported' | 'not_ready';

export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly details: { platform?: string; status?: number; code?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** Access token invalid or expired: refresh once and retry. */
export class AuthError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('auth', message, details);
    this.name = 'AuthError';
  }
}

/** Refresh token dead or authorization revoked: only the seller can fix it by connecting again. */
export class ReauthorizeError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('reauthorize', message, details);
    this.name = 'ReauthorizeError';
  }
}

export class RateLimitedError extends PlatformError {
  constructor(message: string, retryAfterMs: number, details: PlatformError['details'] = {}) {
    super('rate_limited', message, { ...details, retryAfterMs });
    this.name = 'RateLimitedError';
  }
  get retryAfterMs(): number {
    return this.details.retryAfterMs ?? 1000;
  }
}

/** 5xx, timeouts, network: try again later. */
export class TransientError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('transient', message, details);
    this.name = 'TransientError';
  }
}

/** A 4xx that will not change by retrying. */
export class PermanentError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('permanent', message, details);
    this.name = 'PermanentError';
  }
}

/** The platform refuses now but will accept later (Shopee "not ready to ship"): retry after a while. */
export class NotReadyError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('not_ready', message, details);
    this.name = 'NotReadyError';
  }
}

export class NotSupportedError extends PlatformError {
  constructor(message: string, details: PlatformError['details'] = {}) {
    super('not_supported', message, details);
    this.name = 'NotSupportedError';
  }
}

export class WebhookRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`webhook rejected: ${reason}`);
    this.name = 'WebhookRejectedError';
  }
}
