// The process: reads the environment (the only place that does), sets up logging for Cloud Logging,
// listens (HTTP/1, or cleartext HTTP/2 with HTTP2=true), and shuts down gracefully on SIGTERM/SIGINT:
// stop accepting, hand back running jobs within SHUTDOWN_TIMEOUT_SECONDS, then interrupt uploads still
// arriving (503, nothing kept) and cut the connections still open, stop pg-boss, close the database.
import Fastify, { type FastifyInstance } from 'fastify'
import { ConfigError, loadConfig, type Config } from './config.js'
import { appPlugin, serverOptions } from './app.js'
import { DataDirLockedError } from '../db/data-dir-lock.js'
import { isDatabaseUnavailable } from '../db/unavailable.js'
import { startupFailureLine } from './startup-failure.js'
import { logSerializers } from './request-log.js'
import { trackConnections } from './open-connections.js'

/** After SHUTDOWN_TIMEOUT_SECONDS: how long interrupted uploads get to write their 503, and their clients to read it, before connections are cut. */
const ANSWER_GRACE_MS = 500
/**
 * The hard exit, this long after SHUTDOWN_TIMEOUT_SECONDS: with the default 8 s that is 9.5 s after
 * the signal, before Cloud Run's SIGKILL at 10 s, so a hang still ends in our own log line.
 */
const HARD_EXIT_AFTER_TIMEOUT_MS = 1500

/**
 * pino → Cloud Logging: `severity` instead of numeric levels, `message` is read as the text. Requests
 * are logged without headers and with tokens in the query masked (src/request-log.ts).
 */
function loggerOptions (config: Config): Record<string, unknown> | false {
  if (config.LOG_LEVEL === 'silent') return false
  return {
    level: config.LOG_LEVEL,
    messageKey: 'message',
    formatters: {
      level: (label: string) => ({ severity: label === 'warn' ? 'WARNING' : label === 'fatal' ? 'CRITICAL' : label.toUpperCase() })
    },
    serializers: logSerializers
  }
}

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw err
  }

  const options = { ...serverOptions(config), logger: loggerOptions(config) as never }
  // h2c: Cloud Run passes HTTP/2 end-to-end only when the container speaks it in cleartext.
  const createServer = Fastify as unknown as (opts: object) => FastifyInstance
  // (Node's HTTP/2 server has no closeIdleConnections, which 'idle' needs; trackConnections cuts its sessions.)
  const app = createServer(config.HTTP2 ? { ...options, http2: true, forceCloseConnections: false } : options)
  const connections = trackConnections(app.server)

  // Requests still open when the time is up would keep server.close() (and so every onClose hook)
  // waiting: uploads are answered 503 and clean up, then every connection left is cut.
  const cutOpenRequests = async (): Promise<void> => {
    // (A signal during start-up can come before the plugin that tracks uploads is loaded.)
    let uploads = 0
    if (app.hasDecorator('uploadsInFlight')) {
      const graceEnds = Date.now() + ANSWER_GRACE_MS
      uploads = await app.uploadsInFlight.interrupt(graceEnds)
      await app.uploadsInFlight.released(graceEnds)
    }
    const cut = connections.cut()
    app.log.warn({ event: 'shutdown_cut', interrupted_uploads: uploads, connections_cut: cut },
      `shutdown: ${config.SHUTDOWN_TIMEOUT_SECONDS} s are up; interrupted ${uploads} upload(s) and closed ${cut} connection(s) still open`)
  }

  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000
    setTimeout(() => { void cutOpenRequests() }, timeoutMs).unref()
    // The last resort, should something else hang.
    setTimeout(() => {
      app.log.error('shutdown took too long; exiting')
      process.exit(1)
    }, timeoutMs + HARD_EXIT_AFTER_TIMEOUT_MS).unref()
    app.close().then(() => {
      app.log.info('shut down cleanly')
      process.exit(0)
    }, (err: unknown) => {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
  // pg-boss 10 marks a finished job complete/failed without awaiting it (timgit/pg-boss#577): with the
  // database gone at that moment the rejection is unhandled and would kill the process. Losing that
  // write is safe (the job expires and is retried; the worker skips an upload that is no longer
  // processing), so database outages are logged; anything else still stops the process.
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      app.log.warn({ err: { message: (reason as Error).message } }, 'a queue update was lost while the database was unreachable; the job will expire and be retried')
      return
    }
    app.log.fatal({ err: reason }, 'unhandled promise rejection')
    process.exit(1)
  })

  try {
    await app.register(appPlugin, { config })
    await app.listen({ port: config.PORT, host: config.HOST })
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      app.log.fatal(err.message)
      process.stderr.write(`${err.message}\n`)
      process.exit(75) // EX_TEMPFAIL
    }
    app.log.fatal({ err }, 'start-up failed')
    // Also on stderr: with LOG_LEVEL=silent the line above writes nothing.
    process.stderr.write(startupFailureLine(err, config))
    await app.close().catch(() => {})
    process.exit(1)
  }
  app.log.info({ port: config.PORT, http2: config.HTTP2, database: app.db.kind, auth_mode: app.authMode }, 'bundle-api listening')
}

await main()
