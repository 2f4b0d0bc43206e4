// Opens the database (Postgres when DATABASE_URL is set, else embedded PGlite in DATA_DIR), applies
// migrations, exposes it as `app.db`, and closes it last on shutdown.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../db/database.js'
import { openPglite } from '../db/pglite.js'
import { openPostgres } from '../db/postgres.js'
import type { SessionLimits } from '../db/session-limits.js'
import type { Config } from '../src/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export interface DatabasePluginOptions {
  /** A database opened by the caller (tests); the app still migrates it and closes it. */
  database?: Database
}

/** The configured limits every Postgres session runs with. */
export function sessionLimits (config: Pick<Config, 'DATABASE_STATEMENT_TIMEOUT_SECONDS' | 'DATABASE_LOCK_TIMEOUT_SECONDS' | 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS'>): SessionLimits {
  return {
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000,
    lockTimeoutMs: config.DATABASE_LOCK_TIMEOUT_SECONDS * 1000,
    idleInTransactionTimeoutMs: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS * 1000
  }
}

export default fp(async function databasePlugin (app: FastifyInstance, opts: DatabasePluginOptions) {
  const config = app.config
  const db = opts.database ?? (config.DATABASE_URL !== undefined
    ? await openPostgres({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX,
      limits: sessionLimits(config),
      startupLock: {
        onWait: (holder, description) => app.log.warn({ event: 'startup_lock_wait', holder_pid: holder?.pid },
          `waiting for the start-up lock held by ${description}: another instance is starting`)
      },
      onIdleError: (err) => app.log.warn({ err: { message: err.message } }, 'database connection lost; it will reconnect')
    })
    : await openPglite({ dataDir: config.DATA_DIR }))
  try {
    await db.migrate()
  } catch (err) {
    await db.close()
    throw err
  }
  app.log.info({ database: db.kind }, 'database ready')
  app.decorate('db', db)
  app.addHook('onClose', async () => { await db.close() })
}, { name: 'database', dependencies: ['config'], fastify: '5.x' })
