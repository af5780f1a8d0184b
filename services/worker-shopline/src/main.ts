// worker-shopline: consumes queue platform-shopline (get-orders, refresh-token, fetch-order, backfill, push-shipment).
import { loadConfig } from '@oms/config';
import { createLogger } from '@oms/logger';
import { runPlatformWorker } from '@oms/platforms';

const config = loadConfig();
const log = createLogger({ service: 'worker-shopline', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
await runPlatformWorker('shopline', config, log, { defaultHealthPort: 3104 });
