// worker-shopline: consumes queue platform-shopline (get-orders, refresh-token, fetch-order, backfill, push-shipment).
import { DEFAULT_HEALTH_PORTS, loadConfig } from '@oms/config';
import { createLogger } from '@oms/logger';
import { runPlatformWorker } from '@oms/platforms';

const config = loadConfig();
const log = createLogger({ service: 'worker-shopline', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
await runPlatformWorker('shopline', config, log, { defaultHealthPort: DEFAULT_HEALTH_PORTS['worker-shopline'] });
