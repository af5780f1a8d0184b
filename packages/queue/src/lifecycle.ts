// How a service process ends. SIGTERM or SIGINT: the ordered stop, then exit 0. An uncaught exception or an
// unhandled rejection: the error is logged, the same ordered stop is attempted, then exit 1 (the process is in an
// unknown state; its orchestrator starts a fresh one). Either way the process is gone soon after the shutdown
// deadline, even when some part never finishes closing.
import type { Logger } from '@oms/logger';

/** Time after the shutdown deadline for the forced close (workers, closers, health server) before a hard exit. */
export const HARD_EXIT_GRACE_MS = 1_000;

export function endProcessOnSignalsAndErrors(
  stop: (reason: string) => Promise<void>,
  opts: { log: Logger; shutdownTimeoutMs: number },
): void {
  const { log } = opts;
  let ending = false;
  const end = (reason: string, code: number) => {
    // A fatal error during a signalled stop still ends the process with a failure.
    process.exitCode = Math.max(Number(process.exitCode ?? 0), code);
    if (ending) return;
    ending = true;
    setTimeout(() => {
      log.error({ reason }, 'shutdown did not finish after its deadline: exiting now');
      log.flush?.();
      process.exit(1);
    }, opts.shutdownTimeoutMs + HARD_EXIT_GRACE_MS);
    void stop(reason)
      .catch((err: unknown) => {
        process.exitCode = 1;
        log.error({ err }, 'shutdown failed');
      })
      .finally(() => process.exit());
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => end(signal, 0));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    end('uncaught exception', 1);
  });
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled rejection');
    end('unhandled rejection', 1);
  });
}
