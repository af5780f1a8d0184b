// `pnpm sandbox`: every stand-in on SANDBOX_PORT..+5 (SANDBOX_HOST), until SIGTERM/SIGINT.
import { loadConfig } from '@oms/config';
import { createLogger } from '@oms/logger';
import { runService } from '@oms/queue';
import { startSandbox, type Sandbox } from './index.ts';

const config = loadConfig();
const logger = createLogger({
  service: 'sandbox',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT ?? (config.NODE_ENV === 'production' ? 'json' : 'pretty'),
});
let sandbox: Sandbox | undefined;
await runService({
  name: 'sandbox',
  log: logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  // The control app answers /health/live and /health/ready itself.
  http: {
    name: 'sandbox',
    start: async () => {
      sandbox = await startSandbox({ basePort: config.SANDBOX_PORT, host: config.SANDBOX_HOST, logger });
      logger.info(
        { urls: sandbox.urls },
        'sandbox ready; credentials at %s/_sandbox/credentials',
        sandbox.urls.control,
      );
    },
    stop: () => sandbox?.close(),
  },
});
