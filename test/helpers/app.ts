// The real app on this file's database, closed (and the database dropped) at teardown.
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { configFrom, type Config } from '../../src/config.js'
import { sessionLimits } from '../../plugins/database.js'
import { createTestDatabase, type TestDatabase } from './database.js'

interface Tap { teardown: (fn: () => unknown) => void }

export interface TestApp {
  app: FastifyInstance
  database: TestDatabase
  config: Config
  /** Closes the app and starts a new one on the same database (restart). */
  restart: (overrides?: Partial<Config>, options?: { workers?: boolean }) => Promise<FastifyInstance>
}

/** Quiet, fast settings for tests; any field can be overridden. */
export function testConfig (database: TestDatabase, overrides: Partial<Config> = {}): Config {
  return configFrom({ LOG_LEVEL: 'silent', ...database.config, ...overrides })
}

export async function startTestApp (t: Tap, overrides: Partial<Config> = {}, options: { workers?: boolean, database?: TestDatabase } = {}): Promise<TestApp> {
  const database = options.database ?? await createTestDatabase()
  let config = testConfig(database, overrides)
  let app = await buildApp({ config, database: await database.open(sessionLimits(config)), workers: options.workers })
  const handle: TestApp = {
    app,
    database,
    config,
    async restart (next = overrides, opts = options) {
      await app.close()
      config = testConfig(database, next)
      app = await buildApp({ config, database: await database.open(sessionLimits(config)), workers: opts.workers })
      handle.app = app
      handle.config = config
      return app
    }
  }
  t.teardown(async () => {
    await handle.app.close()
    if (options.database === undefined) await database.drop()
  })
  return handle
}
