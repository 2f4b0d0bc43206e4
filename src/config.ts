// The one validated configuration schema. Only src/server.ts calls loadConfig(process.env); tests and
// the OpenAPI writer build a Config from their own object, so nothing else reads the environment.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { isIP } from 'node:net'
// pg-boss 10 parses SWEEP_CRON with this very package (its dependency, same version): what passes here passes there.
import cronParser from 'cron-parser'

const Int = (minimum: number, def: number, maximum?: number) =>
  Type.Integer({ minimum, default: def, ...(maximum === undefined ? {} : { maximum }) })

export const ConfigSchema = Type.Object({
  PORT: Int(1, 8080, 65535),
  HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  /** Cleartext HTTP/2 (h2c), so Cloud Run can pass uploads over 32 MiB end-to-end. */
  HTTP2: Type.Boolean({ default: false }),
  /**
   * Which peers' X-Forwarded-For entries are believed for request.ip (the request log's remoteAddress,
   * the upload rate limit's fallback key): comma-separated addresses, CIDRs or the names loopback,
   * linklocal, uniquelocal; or `none`. Cloud Run's front end reaches the container from a private
   * address, so the default believes it and takes the address it appended; an entry the client wrote
   * itself, to the left of that, is never reached. A caller connecting from a listed address (a local
   * curl) is believed too. Behind a load balancer, add its address.
   */
  TRUSTED_PROXIES: Type.String({ default: 'loopback,linklocal,uniquelocal', minLength: 1 }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' }),

  /** Postgres connection string; unset means embedded PGlite in DATA_DIR. */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_MAX: Int(2, 10, 100),
  /**
   * Server-side limits on every Postgres session (db/session-limits.ts). Our statements take well under
   * a second (chunks are 1 MiB rows, bundles are inserted in batches of 200 rows and exported in pages of 500); migrations
   * run without a statement limit.
   */
  DATABASE_STATEMENT_TIMEOUT_SECONDS: Int(1, 120, 86_400),
  /** A lock wait (a shop's upload lock, a row lock) longer than this fails the request with a retryable 503. */
  DATABASE_LOCK_TIMEOUT_SECONDS: Int(1, 10, 3600),
  /** A transaction left idle this long is ended by Postgres (ours never wait on anything outside it). */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS: Int(1, 60, 86_400),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),

  SHOPIFY_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  SHOPIFY_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** Development mode only: the shop when no X-Shop-Domain header is sent. */
  DEFAULT_SHOP: Type.String({ default: 'dev-shop.myshopify.com', pattern: '^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$' }),
  CRON_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),

  QUICK_INSTALL_COOLDOWN_DAYS: Int(0, 30, 3650),
  /** How long an attempt a worker started may run before the sweep fails it (waiting in the queue does not count). */
  PROCESSING_TIMEOUT_MINUTES: Int(1, 10, 1440),
  /**
   * How long an instance may answer GET .../quick-install/status from memory. Any change to an upload
   * drops the entry at once on every instance (NOTIFY), so this only bounds staleness if an
   * announcement were lost unnoticed. 0 reads the database on every poll.
   */
  STATUS_CACHE_SECONDS: Int(0, 10, 300),
  MAX_UPLOAD_MB: Type.Number({ exclusiveMinimum: 0, default: 512, maximum: 1048576 }),
  /** Cap on the bytes a .csv.gz may inflate to (gzip bombs). */
  MAX_INFLATED_MB: Type.Number({ exclusiveMinimum: 0, default: 4096, maximum: 1048576 }),

  /** Jobs one instance runs at once. */
  WORKER_CONCURRENCY: Int(1, 1, 64),
  WORKER_POLL_SECONDS: Type.Number({ minimum: 0.5, default: 0.5, maximum: 60 }),
  /** How long pg-boss lets one attempt run; must stay below PROCESSING_TIMEOUT_MINUTES. Default: 80% of it. */
  QUEUE_EXPIRY_SECONDS: Type.Optional(Type.Integer({ minimum: 1 })),
  QUEUE_RETRY_LIMIT: Int(0, 2, 20),
  QUEUE_RETRY_DELAY_SECONDS: Int(0, 5, 3600),
  QUEUE_RETRY_BACKOFF: Type.Boolean({ default: true }),
  BOSS_MAINTENANCE_INTERVAL_SECONDS: Int(1, 60, 3600),
  BOSS_MONITOR_INTERVAL_SECONDS: Int(1, 60, 3600),
  /** How often pg-boss checks its cron schedules (the sweep). pg-boss 10 refuses to start above 45. */
  BOSS_CRON_INTERVAL_SECONDS: Int(1, 30, 45),
  /** When the stuck-job sweep runs (UTC); checked by pg-boss's own cron parser in checkRelations. */
  SWEEP_CRON: Type.String({ default: '*/5 * * * *', minLength: 1 }),
  /** Budget for handing back active jobs on SIGTERM (Cloud Run allows 10 s in all). */
  SHUTDOWN_TIMEOUT_SECONDS: Int(1, 8, 600),

  // Operations (plugins/security.ts, plugins/metrics.ts, src/auth/google-oidc.ts, src/notifications).
  /** Comma-separated browser origins allowed to call the API (CORS); empty: same-origin only. */
  CORS_ORIGINS: Type.Optional(Type.String()),
  /** Uploads one shop may start per window (@fastify/rate-limit, counted in the database's upload_rate_limits: one budget across every instance). */
  UPLOAD_RATE_LIMIT_MAX: Int(1, 60, 1_000_000),
  UPLOAD_RATE_LIMIT_WINDOW_SECONDS: Int(1, 60, 86_400),
  /** Cloud Scheduler's OIDC token on the cron route: the audience it was given, and its service account. */
  CRON_OIDC_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  CRON_OIDC_SERVICE_ACCOUNT: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  /** Where Google publishes its signing keys (a setting so tests can serve their own). */
  CRON_OIDC_JWKS_URL: Type.String({ default: 'https://www.googleapis.com/oauth2/v3/certs', pattern: '^https?://' }),
  /** Completion webhook: POSTed {job_id, shop, status, bundles_created, error_message}, HMAC-signed. */
  NOTIFY_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  NOTIFY_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  /** Retries of a failed webhook or e-mail (pg-boss, exponential backoff from the delay). */
  NOTIFY_RETRY_LIMIT: Int(0, 8, 50),
  NOTIFY_RETRY_DELAY_SECONDS: Int(1, 30, 3600),
  /** Completion e-mail through SMTP (nodemailer): on when SMTP_HOST, SMTP_FROM and SMTP_TO are set. */
  SMTP_HOST: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PORT: Int(1, 587, 65535),
  /** TLS from the first byte (port 465); otherwise STARTTLS when offered. */
  SMTP_SECURE: Type.Boolean({ default: false }),
  SMTP_USER: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PASS: Type.Optional(Type.String()),
  SMTP_FROM: Type.Optional(Type.String({ minLength: 3 })),
  /** Who receives completion and failure e-mails (comma-separated addresses). */
  SMTP_TO: Type.Optional(Type.String({ minLength: 3 }))
}, { additionalProperties: false })

/** A validated configuration: loadConfig always sets QUEUE_EXPIRY_SECONDS (derived when not given). */
export type Config = Omit<Static<typeof ConfigSchema>, 'QUEUE_EXPIRY_SECONDS'> & { QUEUE_EXPIRY_SECONDS: number }

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, yes: true, on: true, false: false, '0': false, no: false, off: false }

/** Validates a configuration from environment-style strings (or typed values); throws ConfigError naming the variable. */
export function loadConfig (source: Record<string, unknown>): Config {
  const raw: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
    let value = source[key]
    if (value === undefined || value === '') continue
    if (typeof value === 'string' && (schema as { type?: string }).type === 'boolean') {
      const word = BOOLEAN_WORDS[value.trim().toLowerCase()]
      if (word === undefined) throw new ConfigError(`Invalid configuration: ${key} must be true or false (got ${JSON.stringify(value)})`)
      value = word
    }
    if (typeof value === 'string' && ['integer', 'number'].includes((schema as { type?: string }).type ?? '')) {
      // Decimal only: Number() would also read "0x50" as 80, "0b1" as 1 and "1e3" as 1000.
      const n = DECIMAL.test(value.trim()) ? Number(value.trim()) : NaN
      if (!Number.isFinite(n)) throw new ConfigError(`Invalid configuration: ${key} must be a number (got ${JSON.stringify(value)})`)
      value = n
    }
    raw[key] = value
  }
  const config = Value.Default(ConfigSchema, raw) as Static<typeof ConfigSchema>
  const first = Value.Errors(ConfigSchema, config).First()
  if (first) {
    const key = first.path.replace(/^\//, '').split('/')[0] || '(root)'
    const got = /SECRET|TOKEN|DATABASE_URL|PASS/.test(key) ? 'a value not shown' : JSON.stringify((config as Record<string, unknown>)[key])
    throw new ConfigError(`Invalid configuration: ${key} ${describeRule(first.schema as Record<string, unknown>, first.message)} (got ${got})`)
  }
  return checkRelations(config)
}

function describeRule (schema: Record<string, unknown>, message: string): string {
  const parts: string[] = []
  if (schema.type === 'integer') parts.push('must be a whole number')
  else if (schema.type === 'number') parts.push('must be a number')
  if (schema.minimum !== undefined) parts.push(`>= ${String(schema.minimum)}`)
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${String(schema.exclusiveMinimum)}`)
  if (schema.maximum !== undefined) parts.push(`<= ${String(schema.maximum)}`)
  if (schema.pattern !== undefined) parts.push(`must match ${String(schema.pattern)}`)
  if (schema.minLength !== undefined && schema.pattern === undefined) parts.push(`must be at least ${String(schema.minLength)} characters`)
  if (Array.isArray(schema.anyOf)) parts.push(`must be one of ${(schema.anyOf as Array<{ const: string }>).map(s => s.const).join(', ')}`)
  return parts.length > 0 ? parts.join(', ') : message.toLowerCase()
}

function checkRelations (validated: Static<typeof ConfigSchema>): Config {
  const timeoutSeconds = validated.PROCESSING_TIMEOUT_MINUTES * 60
  if (validated.QUEUE_EXPIRY_SECONDS !== undefined && validated.QUEUE_EXPIRY_SECONDS >= timeoutSeconds) {
    throw new ConfigError(`Invalid configuration: QUEUE_EXPIRY_SECONDS must be below PROCESSING_TIMEOUT_MINUTES × 60 = ${timeoutSeconds} (got ${validated.QUEUE_EXPIRY_SECONDS}), so a stuck attempt expires before the sweep fails its upload`)
  }
  const config: Config = { ...validated, QUEUE_EXPIRY_SECONDS: validated.QUEUE_EXPIRY_SECONDS ?? Math.max(1, Math.floor(timeoutSeconds * 0.8)) }
  trustProxyOption(config)
  checkCron('SWEEP_CRON', config.SWEEP_CRON)
  if (config.DATABASE_URL !== undefined) checkDatabaseUrl(config.DATABASE_URL)
  if (config.DATABASE_LOCK_TIMEOUT_SECONDS >= config.DATABASE_STATEMENT_TIMEOUT_SECONDS) {
    throw new ConfigError(`Invalid configuration: DATABASE_LOCK_TIMEOUT_SECONDS must be below DATABASE_STATEMENT_TIMEOUT_SECONDS (${config.DATABASE_STATEMENT_TIMEOUT_SECONDS}), or a lock wait would end as a statement timeout (got ${config.DATABASE_LOCK_TIMEOUT_SECONDS})`)
  }
  if ((config.SHOPIFY_API_SECRET === undefined) !== (config.SHOPIFY_API_KEY === undefined)) {
    throw new ConfigError('Invalid configuration: SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together (the key is the session token audience)')
  }
  if ((config.CRON_OIDC_AUDIENCE === undefined) !== (config.CRON_OIDC_SERVICE_ACCOUNT === undefined)) {
    throw new ConfigError('Invalid configuration: CRON_OIDC_AUDIENCE and CRON_OIDC_SERVICE_ACCOUNT must be set together (a token is checked for both)')
  }
  if ((config.NOTIFY_WEBHOOK_URL === undefined) !== (config.NOTIFY_WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('Invalid configuration: NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET must be set together (every delivery is signed)')
  }
  if (config.SMTP_HOST !== undefined && (config.SMTP_FROM === undefined || config.SMTP_TO === undefined)) {
    throw new ConfigError('Invalid configuration: SMTP_HOST needs SMTP_FROM and SMTP_TO (who sends and who receives the completion e-mails)')
  }
  return config
}

/** The schedule as pg-boss will read it (UTC), so a bad one stops start-up here, named, not inside pg-boss. */
function checkCron (key: string, expression: string): void {
  try {
    cronParser.parseExpression(expression, { tz: 'UTC' })
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${key} must be a cron expression: minute hour day-of-month month day-of-week, such as */5 * * * * for every five minutes (got ${JSON.stringify(expression)}: ${(err as Error).message})`)
  }
}

/**
 * node-postgres reads the URL with new URL(), retrying with a placeholder host for the Unix-socket form
 * (postgres://user@/db?host=/cloudsql/…): the same here, so a URL it cannot read stops start-up naming
 * the variable instead of a bare "Invalid URL". The value is never echoed: it may hold a password.
 */
function checkDatabaseUrl (url: string): void {
  for (const candidate of [url, url.replace('@/', '@placeholder/')]) {
    try {
      new URL(candidate) // eslint-disable-line no-new
      return
    } catch {}
  }
  throw new ConfigError('Invalid configuration: DATABASE_URL is not a URL node-postgres can read (value not shown). ' +
    'Expected postgres://user:password@host:5432/database (or postgres://user@/database?host=/cloudsql/PROJECT:REGION:INSTANCE); ' +
    'percent-encode special characters in the user name and password (# as %23, @ as %40, / as %2F, ? as %3F, : as %3A), and give the port as a number')
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** Fastify's trustProxy from TRUSTED_PROXIES; throws ConfigError naming an entry that is no address, CIDR or range name. */
export function trustProxyOption (config: Pick<Config, 'TRUSTED_PROXIES'>): false | string[] {
  const entries = config.TRUSTED_PROXIES.split(',').map(e => e.trim()).filter(e => e !== '')
  if (entries.length === 1 && entries[0] === 'none') return false
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue
    const [address, prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    const bits = family === 6 ? 128 : 32
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)
    if (family === 0 || !prefixOk || rest.length > 0) {
      throw new ConfigError(`Invalid configuration: TRUSTED_PROXIES must list IP addresses, CIDRs (address/prefix) or loopback, linklocal, uniquelocal, separated by commas, or be none (got ${JSON.stringify(entry)})`)
    }
  }
  if (entries.length === 0) throw new ConfigError('Invalid configuration: TRUSTED_PROXIES lists no proxy (use none to believe no X-Forwarded-For)')
  return entries
}

/** A complete configuration from a few overrides (tests, the OpenAPI writer). */
export function configFrom (overrides: Partial<Config> = {}): Config {
  return loadConfig(overrides as Record<string, unknown>)
}
