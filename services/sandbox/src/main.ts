// `pnpm sandbox`: every stand-in on SANDBOX_PORT..+5 (SANDBOX_HOST), until SIGTERM/SIGINT.
import { loadConfig } from '@oms/config';
import { createLogger } from '@oms/logger';
import { startSandbox } from './index.ts';

const config = loadConfig();
const logger = createLogger({
  service: 'sandbox',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT ?? (config.NODE_ENV === 'production' ? 'json' : 'pretty'),
});
const sandbox = await startSandbox({ basePort: config.SANDBOX_PORT, host: config.SANDBOX_HOST, logger });
logger.info({ urls: sandbox.urls }, 'sandbox ready; credentials at %s/_sandbox/credentials', sandbox.urls.control);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'sandbox closing');
    const deadline = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    void sandbox.close().then(() => process.exit(0));
  });
}
