// Builds the whole app as one Fastify plugin from an explicit Config (tests pass their own and use
// `inject`; src/server.ts adds logging options, listening and shutdown).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { trustProxyOption, type Config } from './config.js'
import { logSerializers } from './request-log.js'
import type { Database } from '../db/database.js'
import configPlugin from '../plugins/config.js'
import databasePlugin from '../plugins/database.js'
import latestUploadsPlugin from '../plugins/latest-uploads.js'
import queuePlugin from '../plugins/queue.js'
import workersPlugin from '../plugins/workers.js'
import uploadsInFlightPlugin from '../plugins/uploads-in-flight.js'
import authPlugin from '../plugins/auth.js'
import docsPlugin from '../plugins/docs.js'
import errorHandlerPlugin, { answerClientError, answerFrameworkError } from '../plugins/error-handler.js'
import metricsPlugin from '../plugins/metrics.js'
import securityPlugin from '../plugins/security.js'
import notificationsPlugin from './notifications/plugin.js'
import healthRoutes from './routes/health.js'
import quickInstallRoutes from './routes/quick-install.js'
import jobStatusRoutes from './routes/job-status.js'
import bundleRoutes from './routes/bundles.js'
import cronRoutes from './routes/cron.js'
import pageRoutes from './routes/page.js'

export interface AppOptions {
  config: Config
  /** A database opened by the caller (tests load a migrated template); default: from config. */
  database?: Database
  /** false: no queue workers in this instance (tests that drive jobs by hand). Default true. */
  workers?: boolean
}

export const appPlugin = fp(async function app (app: FastifyInstance, opts: AppOptions) {
  await app.register(configPlugin, { config: opts.config })
  await app.register(authPlugin)
  await app.register(errorHandlerPlugin)
  await app.register(databasePlugin, { database: opts.database })
  await app.register(queuePlugin)
  await app.register(latestUploadsPlugin)
  // Before the first route (GET /metrics, declared by the metrics plugin): the document collects the
  // routes declared after it.
  await app.register(docsPlugin)
  await app.register(metricsPlugin)
  await app.register(notificationsPlugin)
  await app.register(workersPlugin, { enabled: opts.workers !== false })
  await app.register(uploadsInFlightPlugin)
  // Before the routes: it attaches the upload rate limit as routes are declared.
  await app.register(securityPlugin)

  await app.register(healthRoutes)
  await app.register(quickInstallRoutes)
  await app.register(jobStatusRoutes)
  await app.register(bundleRoutes)
  await app.register(cronRoutes)
  await app.register(pageRoutes, { shopifyApiKey: opts.config.SHOPIFY_API_KEY })
}, { name: 'bundle-api', fastify: '5.x' })

/** Longer than any request line Node's HTTP/1 parser (16 KiB of headers) or HTTP/2 (64 KiB) lets through. */
export const MAX_PARAM_LENGTH = 64 * 1024

/** Fastify options every instance shares; server.ts adds the logger and HTTP/2. */
export function serverOptions (config: Config): FastifyServerOptions {
  return {
    // PGlite start-up plus pg-boss install can take several seconds on a cold disk.
    pluginTimeout: 120_000,
    // Cloud Run terminates TLS in front of us and appends the client's address to X-Forwarded-For.
    // Only the listed proxies are believed, so an address a client wrote itself never becomes request.ip.
    trustProxy: trustProxyOption(config),
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    // A request Node's parser refuses (headers too large, malformed): the same `{detail}` shape.
    clientErrorHandler: answerClientError,
    // find-my-way refuses a path parameter over 100 characters with a 414 before routing, so before
    // authentication and before the route could answer "Job not found". No route here has a regex
    // parameter (what the limit guards), so parameters may be as long as any URL Node accepts.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    logger: config.LOG_LEVEL === 'silent' ? false : { level: config.LOG_LEVEL, serializers: logSerializers }
  }
}

/** The app on a plain HTTP/1 instance, not listening (tests, the OpenAPI writer). */
export async function buildApp (options: AppOptions, overrides: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ ...serverOptions(options.config), ...overrides })
  try {
    await app.register(appPlugin, options)
    await app.ready()
  } catch (err) {
    // Close what the plugins that did load opened (the database, pg-boss's timers), so a caller that
    // survives the failure (a test, a script) is not kept alive by them.
    await app.close().catch(() => {})
    throw err
  }
  return app
}
