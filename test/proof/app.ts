// A real app for proof tests, listening on loopback so requests cross a real socket (streamed
// multipart bodies, early 413 answers). Its own database from the shared test helper: embedded
// PGlite (loaded from the migrated template), or a fresh Postgres database when DATABASE_URL is set.
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { testConfig } from '../helpers/app.js'

export interface ProofApp {
  app: FastifyInstance
  url: string
  config: Config
  database: TestDatabase
  /** Rows of a query on the app's own database (outside any transaction). */
  query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>
  close: () => Promise<void>
}

/** `server`: Fastify options for this instance (a test that reads the logs passes its own logger). */
export async function startProofApp (overrides: Partial<Config> = {}, server: FastifyServerOptions = {}): Promise<ProofApp> {
  const database = await createTestDatabase()
  const config = testConfig(database, overrides)
  const app = await buildApp({ config, database: await database.open() }, server)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    query: async (sql, params) => (await app.db.executeSql(sql, params ?? [])).rows,
    async close () {
      await app.close()
      await database.drop()
    }
  }
}
