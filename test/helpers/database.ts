// Each test file gets its own database. Embedded (default): one migrated PGlite template per set of
// migrations, built once into os.tmpdir() (guarded by a lock file: tap runs files in parallel) and
// loaded into a fresh data directory per file. With DATABASE_URL set: a fresh Postgres database per
// file, created from that URL and dropped at teardown.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import PgBoss from 'pg-boss'
import { createRequire } from 'node:module'
import type { Database } from '../../db/database.js'
import { openPglite } from '../../db/pglite.js'
import { openPostgres } from '../../db/postgres.js'
import { migrationsFolder } from '../../db/project-root.js'
import type { SessionLimits } from '../../db/session-limits.js'
import { configFrom, type Config } from '../../src/config.js'
import { sessionLimits } from '../../plugins/database.js'

// pg-boss's version is part of the template key (its schema is installed in the template too).
const require = createRequire(import.meta.url)

/** The Postgres server URL the suite runs against, if any (DATABASE_URL). */
export function postgresUrl (): string | undefined {
  const url = process.env.DATABASE_URL
  return url !== undefined && url !== '' ? url : undefined
}

export const onPostgres = (): boolean => postgresUrl() !== undefined

export interface TestDatabase {
  kind: 'pglite' | 'postgres'
  /**
   * Opens (another) handle on this file's database; close the previous one first on PGlite. On
   * Postgres its sessions run with `limits` (default: the configuration's defaults).
   */
  open: (limits?: SessionLimits) => Promise<Database>
  /** What a server child process needs to reach the same database. */
  env: Record<string, string>
  /** Config fields that point the app at this database. */
  config: Partial<Config>
  drop: () => Promise<void>
}

function migrationsHash (): string {
  const hash = crypto.createHash('sha256')
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name)
      if (fs.statSync(file).isDirectory()) walk(file)
      else hash.update(name).update(fs.readFileSync(file))
    }
  }
  walk(migrationsFolder())
  hash.update(JSON.stringify(require('pg-boss/package.json').version))
  return hash.digest('hex').slice(0, 16)
}


async function sleep (ms: number): Promise<void> { await new Promise(resolve => setTimeout(resolve, ms)) }

/** The migrated template (app schema + pg-boss schema), built once per migrations hash. */
async function pgliteTemplate (): Promise<Blob> {
  const file = path.join(os.tmpdir(), `bundle-api-template-${migrationsHash()}.tar`)
  const lock = `${file}.lock`
  for (;;) {
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)])
    let fd: number
    try {
      fd = fs.openSync(lock, 'wx')
    } catch {
      // Someone else builds it; a lock older than 2 minutes is a dead builder's.
      try { if (Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.unlinkSync(lock) } catch {}
      await sleep(200)
      continue
    }
    try {
      const db = await openPglite({})
      await db.migrate()
      const boss = new PgBoss({ db: { executeSql: async (text, values) => await db.executeSql(text, values) }, schema: 'pgboss', supervise: false, schedule: false })
      await boss.start()
      await boss.stop({ graceful: false, close: false })
      const dump = await (db.dumpDataDir as () => Promise<Blob>)()
      await db.close()
      const tmp = `${file}.${process.pid}.tmp`
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
      fs.renameSync(tmp, file)
    } finally {
      fs.closeSync(fd)
      fs.rmSync(lock, { force: true })
    }
  }
}

/** A fresh database on the Postgres server at `baseUrl`; `drop` removes it even while connections remain. */
export async function createPostgresDatabase (baseUrl: string, label: string): Promise<{ name: string, url: string, drop: () => Promise<void> }> {
  const name = `bundle_api_${label}_${crypto.randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  try { await admin.query(`CREATE DATABASE ${name}`) } finally { await admin.end() }
  const url = new URL(baseUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    async drop () {
      const client = new pg.Client({ connectionString: baseUrl })
      await client.connect()
      try { await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } finally { await client.end() }
    }
  }
}

export async function createTestDatabase (): Promise<TestDatabase> {
  const base = postgresUrl()
  if (base !== undefined) {
    const db = await createPostgresDatabase(base, `t_${process.pid}`)
    return {
      kind: 'postgres',
      open: async (limits = sessionLimits(configFrom())) => await openPostgres({ connectionString: db.url, max: 10, onIdleError: () => {}, limits }),
      env: { DATABASE_URL: db.url },
      config: { DATABASE_URL: db.url },
      drop: db.drop
    }
  }
  const template = await pgliteTemplate()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-api-test-'))
  let loaded = false
  return {
    kind: 'pglite',
    async open () {
      const db = await openPglite({ dataDir, ...(loaded ? {} : { loadDataDir: template }) })
      loaded = true
      return db
    },
    env: { DATA_DIR: dataDir },
    config: { DATA_DIR: dataDir },
    async drop () { fs.rmSync(dataDir, { recursive: true, force: true }) }
  }
}

/** Cuts a Postgres test database off and brings it back, from an admin connection on the same server. */
export interface DatabaseOutage {
  /** New connections refused (ALLOW_CONNECTIONS false). */
  refuseConnections: () => Promise<void>
  allowConnections: () => Promise<void>
  /** Terminates the database's backends whose current query matches `queryLike` (default: all). */
  terminateBackends: (queryLike?: string) => Promise<void>
}

export async function databaseOutage (t: { teardown: (fn: () => Promise<void>) => void }, database: TestDatabase): Promise<DatabaseOutage> {
  const name = new URL(database.env.DATABASE_URL as string).pathname.slice(1)
  const admin = new pg.Client({ connectionString: postgresUrl() })
  await admin.connect()
  const allowConnections = async (): Promise<void> => { await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`) }
  t.teardown(async () => {
    await allowConnections().catch(() => {})
    await admin.end()
  })
  return {
    refuseConnections: async () => { await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`) },
    allowConnections,
    async terminateBackends (queryLike = '%') {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND query ILIKE $2', [name, queryLike])
    }
  }
}
