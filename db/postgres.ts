// Postgres through `pg` behind the Database interface. Several instances share one database, so
// migrations run under a session advisory lock: three processes starting at once migrate once.
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import type { Database, Orm, SqlResult } from './database.js'
import { migrationsFolder } from './project-root.js'
import { listenOnPostgres } from './postgres-listener.js'

/** Arbitrary constant shared by every instance of this service: "bundle-api start-up". */
const STARTUP_LOCK_KEY = 7_140_213_001

type Queryable = pg.Pool | pg.PoolClient

async function executeOn (client: Queryable, text: string, values?: unknown[]): Promise<SqlResult> {
  const result = await client.query(text, values as any[] | undefined)
  // A multi-statement text answers an array of results; pg-boss wants the last one's rows.
  const last = Array.isArray(result) ? (result as pg.QueryResult[])[(result as pg.QueryResult[]).length - 1] : result
  return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 }
}

export interface PostgresOptions {
  connectionString: string
  max: number
  onIdleError: (err: Error) => void
}

export async function openPostgres (options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.max, connectionTimeoutMillis: 5000 })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', options.onIdleError)
  const orm = drizzle({ client: pool }) as unknown as Orm
  let closed = false
  // A session advisory lock held on its own connection while `fn` runs (fn may use the pool freely).
  async function exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const client = await pool.connect()
    try {
      await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY])
      try {
        return await fn()
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY])
      }
    } finally {
      client.release()
    }
  }
  return {
    kind: 'postgres',
    url: options.connectionString,
    orm,
    executeSql: async (text, values) => await executeOn(pool, text, values),
    async transaction (fn) {
      const client = await pool.connect()
      let broken: Error | undefined
      try {
        await client.query('BEGIN')
        const result = await fn({
          orm: drizzle({ client }) as unknown as Orm,
          executeSql: async (text, values) => await executeOn(client, text, values)
        })
        await client.query('COMMIT')
        return result
      } catch (err) {
        try { await client.query('ROLLBACK') } catch (rollbackErr) { broken = rollbackErr as Error }
        throw err
      } finally {
        client.release(broken)
      }
    },
    async ping () {
      if (closed) throw new Error('The database pool is closed')
      await pool.query('select 1')
    },
    exclusive,
    listen: async (channel, handlers) => await listenOnPostgres(options.connectionString, channel, handlers),
    async migrate () {
      await exclusive(async () => { await migrate(drizzle({ client: pool }), { migrationsFolder: migrationsFolder() }) })
    },
    async close () {
      if (closed) return
      closed = true
      await pool.end()
    }
  }
}
