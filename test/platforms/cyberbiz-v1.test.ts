// Cyberbiz v1: the same orders through the HMAC-signed API (per-store API key/secret, no tokens).
import { importSuite } from './import-suite';

importSuite('cyberbiz', { tokens: false, apiVersion: 'v1' });
