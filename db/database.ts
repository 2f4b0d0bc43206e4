// The one database abstraction the app uses, whichever driver is underneath (Postgres through `pg`,
// or embedded PGlite). Repositories take an `Orm` handle; the caller owns the transaction.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { SessionLimits } from './session-limits.js'

export type Orm = PgDatabase<PgQueryResultHKT, Record<string, never>>

export interface SqlResult { rows: any[], rowCount?: number | null }

/** Raw SQL, as pg-boss needs it (its `db.executeSql`). */
export interface SqlExecutor {
  executeSql: (text: string, values?: unknown[]) => Promise<SqlResult>
}

/** A handle bound to one open transaction: drizzle for our queries, executeSql for pg-boss `send(..., { db })`. */
export interface Transaction extends SqlExecutor {
  orm: Orm
  /**
   * Runs `fn` once the transaction has committed, and never if it rolls back or its COMMIT fails (a
   * deferred constraint, a lost connection): for effects outside the database, such as metrics, that
   * must not count what did not happen. In registration order; `fn` must not throw (an error is ignored:
   * the commit stands).
   */
  afterCommit: (fn: () => void) => void
}

/** Collects a transaction's after-commit callbacks; `run` calls them once the COMMIT succeeded. */
export function afterCommitCallbacks (): { register: (fn: () => void) => void, run: () => void } {
  const callbacks: Array<() => void> = []
  return {
    register (fn) { callbacks.push(fn) },
    run () {
      for (const fn of callbacks.splice(0)) {
        try { fn() } catch {}
      }
    }
  }
}

export interface ListenHandlers {
  onNotification: (payload: string) => void
  onLost: (err: Error) => void
  onListening: () => void
}

export interface Database extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite'
  /** Postgres only: the connection string, for a worker thread that opens a connection of its own. */
  readonly url?: string
  /** Postgres only: the limits its sessions run with, which such a connection takes too. */
  readonly limits?: SessionLimits
  /** Queries outside any transaction. */
  readonly orm: Orm
  transaction: <T>(fn: (tx: Transaction) => Promise<T>) => Promise<T>
  /** Throws when the database cannot answer (readiness). */
  ping: () => Promise<void>
  /** Applies db/migrations (safe when several processes start at once). */
  migrate: () => Promise<void>
  /** Runs start-up work (schema installs) one instance at a time across every process on this database. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>
  /**
   * Calls `onNotification` with the payload of every NOTIFY on `channel` (sent by any process on this
   * database, delivered at commit). `onLost` runs when notifications may have been missed (the listening
   * connection broke; it reconnects by itself) and `onListening` each time they flow again, first
   * included. Resolves once listening; the returned function stops it.
   */
  listen: (channel: string, handlers: ListenHandlers) => Promise<() => Promise<void>>
  close: () => Promise<void>
  /** PGlite only: the data directory as a tarball (tests migrate one template and load it per file). */
  dumpDataDir?: () => Promise<Blob>
}
