// Fresh Postgres databases for tests that run real server processes: created from DATABASE_URL,
// dropped (forcefully) at teardown. Tests that need real Postgres skip when DATABASE_URL is unset.
import pg from 'pg'
import { randomBytes } from 'node:crypto'

export function postgresUrl (): string | undefined {
  const url = process.env.DATABASE_URL
  return url !== undefined && url !== '' ? url : undefined
}

export const SKIP_WITHOUT_POSTGRES = 'needs real Postgres: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run the fault tests'

export interface TempDatabase {
  url: string
  name: string
  query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>
  drop: () => Promise<void>
}

export async function createTempDatabase (baseUrl: string, label: string): Promise<TempDatabase> {
  const name = `bundle_api_${label}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try { await admin.query(`CREATE DATABASE ${name}`) } finally { await admin.end() }
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  return {
    url: url.toString(),
    name,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop () {
      await pool.end()
      const c = new pg.Client({ connectionString: baseUrl })
      await c.connect()
      try { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } finally { await c.end() }
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
