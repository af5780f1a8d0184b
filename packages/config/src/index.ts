// One schema for the environment of every service. Defaults point at localhost Redis and PostgreSQL and
// at the sandbox, so a fresh machine runs with no .env at all; production must set the secrets.
import { z } from 'zod';

export { DEFAULT_HEALTH_PORTS } from './ports';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.string().url();

/** 32-byte AES keys as "id:base64,id:base64". The first is used to encrypt; all are tried to decrypt. */
const encryptionKeys = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [id, b64] = part.split(':');
    const key = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9_-]{1,16}$/.test(id) || key.length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message: 'each entry must be "<id>:<base64 of 32 bytes>", e.g. k1:$(openssl rand -base64 32)',
      });
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  return keys;
});

// A fixed key for development and tests only; production refuses it (see refine below).
const DEV_ENCRYPTION_KEYS = 'dev:ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=';
const DEV_SECRET = 'dev-only-secret-do-not-use-in-production';

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** json in production; pretty (readable) elsewhere unless set. */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

    DATABASE_URL: url.default('postgresql://postgres@127.0.0.1:5432/oms'),
    REDIS_URL: url.default('redis://127.0.0.1:6379'),
    /** Prefix of every BullMQ key, so several OMS installs (or test runs) can share one Redis. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('oms'),

    ENCRYPTION_KEYS: encryptionKeys.prefault(DEV_ENCRYPTION_KEYS),
    /** Signs OAuth state and other short-lived tokens. */
    APP_SECRET: z.string().min(16).default(DEV_SECRET),

    /** Port of a service's health endpoints (/health/live, /health/ready, /metrics); 0 picks a free one. */
    HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
    /** Jobs one platform worker process runs at once (across its channels). */
    WORKER_CONCURRENCY: positiveInt.default(8),
    /** BullMQ job lock (and per-channel fetch lock) of platform workers: a killed worker's job is picked up after this. */
    WORKER_LOCK_DURATION_MS: positiveInt.default(30_000),
    /** Platform jobs may start this often (rate-limited returns do not use attempts; this caps them). */
    WORKER_MAX_STARTED_ATTEMPTS: positiveInt.default(50),
    /** A shipment the platform is not ready for ("not ready to ship") is tried again after this. */
    SHIPMENT_NOT_READY_RETRY_SECONDS: positiveInt.default(300),

    API_PORT: port.default(3000),
    API_HOST: z.string().default('127.0.0.1'),
    /** Where browsers and platforms reach the API (OAuth redirects, webhook URLs). */
    PUBLIC_URL: url.default('http://127.0.0.1:3000'),
    /** Bearer token for /metrics; empty means /metrics is open (inside the cluster only). */
    METRICS_TOKEN: z.string().default(''),

    SANDBOX_PORT: port.default(4010),
    SANDBOX_HOST: z.string().default('127.0.0.1'),

    // Platform hosts; default to the sandbox's ports.
    SHOPEE_API_URL: url.optional(),
    CYBERBIZ_API_URL: url.optional(),
    SHOPLINE_API_URL: url.optional(),
    MOMO_API_URL: url.optional(),
    HTTP_TIMEOUT_MS: positiveInt.default(15_000),

    IDEMPIERE_URL: url.optional(),
    IDEMPIERE_USER: z.string().min(1).default('GardenAdmin'),
    IDEMPIERE_PASSWORD: z.string().min(1).default('GardenAdmin'),
    IDEMPIERE_CLIENT_ID: positiveInt.default(11),
    IDEMPIERE_ROLE_ID: positiveInt.default(102),
    IDEMPIERE_ORG_ID: z.coerce.number().int().min(0).default(11),
    IDEMPIERE_WAREHOUSE_ID: positiveInt.default(103),
    IDEMPIERE_LANGUAGE: z.string().default('en_US'),
    /** POReference column length on the target server (20 on older cores). */
    IDEMPIERE_POREFERENCE_LENGTH: positiveInt.default(20),
    /** How often the ERP writer polls iDempiere for new shipments. */
    SHIPMENT_POLL_MS: positiveInt.default(30_000),
    /** Time zone of iDempiere's dates (DateOrdered is a date, the platforms send instants). */
    IDEMPIERE_TIMEZONE: z.string().min(1).default('Asia/Taipei'),
    /** Per-request timeout of the iDempiere client; a slower answer counts as unavailable. */
    IDEMPIERE_TIMEOUT_MS: positiveInt.default(30_000),
    /** Orders the ERP writer sends in one /batch request (one job takes this many waiting jobs with it). */
    ERP_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
    /** For products the ERP writer creates for unknown SKUs (channels with allowCreateProducts): UOM, category, tax category. */
    IDEMPIERE_PRODUCT_UOM_ID: positiveInt.default(100),
    IDEMPIERE_PRODUCT_CATEGORY_ID: positiveInt.default(105),
    IDEMPIERE_PRODUCT_TAX_CATEGORY_ID: positiveInt.default(107),
    /** Lock of a running ERP job: after a writer crash, another replica takes its job over once this expires. */
    ERP_JOB_LOCK_MS: positiveInt.default(30_000),

    // Sync windows (invariant 1): each window starts OVERLAP before the cursor and ends SETTLE before now.
    SYNC_OVERLAP_SECONDS: z.coerce.number().int().min(0).default(300),
    SYNC_SETTLE_SECONDS: z.coerce.number().int().min(0).default(30),
    SYNC_MIN_INTERVAL_SECONDS: positiveInt.default(60),

    SCHEDULER_SWEEP_MS: positiveInt.default(30_000),
    /** Refresh access tokens this long before they expire. */
    TOKEN_REFRESH_MARGIN_SECONDS: positiveInt.default(1800),
    /** A channel stuck in one stage longer than this is released by the reconciler. */
    STUCK_STAGE_SECONDS: positiveInt.default(900),
    /** An order in ERP state "failed" is re-enqueued by the reconciler after this long (ERP outages heal on their own). */
    SCHEDULER_FAILED_RETRY_SECONDS: positiveInt.default(3600),
    /** A shipment awaiting its platform-assigned tracking number is re-checked this often. */
    SCHEDULER_TRACKING_RECHECK_SECONDS: positiveInt.default(900),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV !== 'production') return;
    if (c.ENCRYPTION_KEYS.some((k) => k.id === 'dev'))
      ctx.addIssue({
        code: 'custom',
        path: ['ENCRYPTION_KEYS'],
        message: 'the development key may not be used in production',
      });
    if (c.APP_SECRET === DEV_SECRET)
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], message: 'set a secret of your own in production' });
  })
  .transform((c) => {
    const sandbox = (offset: number) => `http://${c.SANDBOX_HOST}:${c.SANDBOX_PORT + offset}`;
    return {
      ...c,
      LOG_FORMAT: c.LOG_FORMAT ?? (c.NODE_ENV === 'production' ? 'json' : 'pretty'),
      SHOPEE_API_URL: c.SHOPEE_API_URL ?? sandbox(1),
      CYBERBIZ_API_URL: c.CYBERBIZ_API_URL ?? sandbox(2),
      SHOPLINE_API_URL: c.SHOPLINE_API_URL ?? sandbox(3),
      MOMO_API_URL: c.MOMO_API_URL ?? sandbox(4),
      IDEMPIERE_URL: c.IDEMPIERE_URL ?? `${sandbox(5)}/api/v1`,
    };
  });

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError with one line per bad key. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty value means "not set", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.join('.') : 'environment';
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/**
 * Loads the process environment. On a bad value it prints one line per bad key and exits non-zero:
 * a service must not start half-configured.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
