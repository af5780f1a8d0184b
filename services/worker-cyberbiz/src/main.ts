// worker-cyberbiz: consumes queue platform-cyberbiz (get-orders, refresh-token, fetch-order, backfill, push-shipment).
import { DEFAULT_HEALTH_PORTS, loadConfig } from '@oms/config';
import { createLogger } from '@oms/logger';
import { runPlatformWorker } from '@oms/platforms';

const config = loadConfig();
const log = createLogger({ service: 'worker-cyberbiz', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
await runPlatformWorker('cyberbiz', config, log, { defaultHealthPort: DEFAULT_HEALTH_PORTS['worker-cyberbiz'] });
