// Fresh Postgres databases with a query pool for the fault tests, which run real server processes
// against them (test/helpers/database.ts creates and drops them). Tests that need real Postgres skip
// when DATABASE_URL is unset.
import pg from 'pg'
import { createPostgresDatabase } from '../helpers/database.js'

export { postgresUrl } from '../helpers/database.js'

export const SKIP_WITHOUT_POSTGRES = 'needs real Postgres: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run the fault tests'

export interface TempDatabase {
  url: string
  name: string
  query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>
  drop: () => Promise<void>
}

export async function createTempDatabase (baseUrl: string, label: string): Promise<TempDatabase> {
  const db = await createPostgresDatabase(baseUrl, label)
  const pool = new pg.Pool({ connectionString: db.url, max: 2 })
  return {
    url: db.url,
    name: db.name,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop () {
      await pool.end()
      await db.drop()
    }
  }
}

/** The same URL pointed at another host:port (a proxy in front of the real server). */
export function viaPort (url: string, port: number): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  return u.toString()
}
