// Embedded Postgres (PGlite) behind the Database interface. One connection behind one lock: a query
// issued while a transaction is open waits for it, so every query inside a transaction uses its handle.
import { PGlite, type Transaction as PGliteTransaction } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { lockDataDir, type DataDirLock } from './data-dir-lock.js'
import { afterCommitCallbacks, type Database, type Orm, type SqlResult } from './database.js'
import { migrationsFolder } from './project-root.js'

type Client = PGlite | PGliteTransaction

/** pg-boss's adapter: `query` when there are parameters, `exec` for its parameterless multi-statement blocks. */
async function executeOn (client: Client, text: string, values?: unknown[]): Promise<SqlResult> {
  if (values !== undefined && values.length > 0) {
    const result = await client.query(text, values as any[])
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
  }
  const results = await client.exec(text)
  const last = results[results.length - 1]
  return { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 }
}

const ormOver = (client: Client): Orm => drizzle({ client: client as PGlite }) as unknown as Orm

export interface PgliteOptions {
  /** A folder on disk (locked against a second process), or undefined for an in-memory database. */
  dataDir?: string
  /** Start from a dumped data directory (tests load one migrated template instead of migrating again). */
  loadDataDir?: Blob
}

export async function openPglite (options: PgliteOptions): Promise<Database> {
  const lock: DataDirLock | undefined = options.dataDir === undefined ? undefined : lockDataDir(options.dataDir)
  let client: PGlite
  try {
    client = await PGlite.create({
      ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
      ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir })
    })
  } catch (err) {
    lock?.release()
    throw err
  }
  const orm = ormOver(client)
  let closed = false
  return {
    kind: 'pglite',
    orm,
    executeSql: async (text, values) => await executeOn(client, text, values),
    async transaction (fn) {
      const committed = afterCommitCallbacks()
      // PGlite commits when the callback resolves, and rejects here if the COMMIT fails.
      const result = await client.transaction(async (tx) => await fn({
        orm: ormOver(tx),
        executeSql: async (text, values) => await executeOn(tx, text, values),
        afterCommit: committed.register
      }))
      committed.run()
      return result
    },
    async ping () {
      if (closed || client.closed) throw new Error('The embedded database is closed')
      await client.query('select 1')
    },
    async migrate () {
      await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder() })
    },
    // In-process: a notification reaches the listener before the query that sent it resolves (at
    // commit, for a transaction), and there is no connection to lose.
    async listen (channel, handlers) {
      const unlisten = await client.listen(channel, handlers.onNotification)
      handlers.onListening()
      return async () => { if (!client.closed) await unlisten() }
    },
    // One process per data directory: nothing to serialise against.
    exclusive: async (fn) => await fn(),
    dumpDataDir: async () => await client.dumpDataDir('none'),
    async close () {
      if (closed) return
      closed = true
      try { await client.close() } finally { lock?.release() }
    }
  }
}
