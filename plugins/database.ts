// Opens the database (Postgres when DATABASE_URL is set, else embedded PGlite in DATA_DIR), applies
// migrations, exposes it as `app.db`, and closes it last on shutdown.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Database } from '../db/database.js'
import { openPglite } from '../db/pglite.js'
import { openPostgres } from '../db/postgres.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
  }
}

export interface DatabasePluginOptions {
  /** A database opened by the caller (tests); the app still migrates it and closes it. */
  database?: Database
}

export default fp(async function databasePlugin (app: FastifyInstance, opts: DatabasePluginOptions) {
  const config = app.config
  const db = opts.database ?? (config.DATABASE_URL !== undefined
    ? await openPostgres({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_POOL_MAX,
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
