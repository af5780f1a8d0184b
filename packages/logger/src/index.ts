import pino, { type Logger, type LoggerOptions } from 'pino';
import { redact, redactString } from './redact';

export { redact, redactString, isSecretKey, REDACTED } from './redact';
export type { Logger } from 'pino';

export interface LoggerSettings {
  service: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** Where lines go; defaults to stdout. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every object logged passes through redact(), at any depth; errors too.
    serializers: { err: (e: unknown) => redact(e), error: (e: unknown) => redact(e) },
    formatters: { log: (obj) => redact(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<typeof method>;
        return method.apply(this, cleaned);
      },
    },
  };
  if (settings.destination) return pino(options, settings.destination);
  if (settings.format === 'pretty') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(options);
}
