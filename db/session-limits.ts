// Server-side limits every Postgres session of the app runs with, sent as start-up parameters so a
// pooled connection, the engine thread's connection and anything else opened with them carry them
// from the first query. Without them one stuck lock holder makes every request waiting on it hold a
// pooled connection for ever, and once the pool is taken every shop gets 503.
import type pg from 'pg'

export interface SessionLimits {
  /** Any one statement (Postgres `statement_timeout`). */
  statementTimeoutMs: number
  /** Any one wait for a lock, advisory locks included (`lock_timeout`). */
  lockTimeoutMs: number
  /** A transaction left open with nothing running: the session is ended (`idle_in_transaction_session_timeout`). */
  idleInTransactionTimeoutMs: number
}

/** The node-postgres client options that apply `limits`, with TCP keepalive (a vanished peer is noticed). */
export function pgSessionOptions (limits: SessionLimits): Pick<pg.ClientConfig, 'statement_timeout' | 'lock_timeout' | 'idle_in_transaction_session_timeout' | 'keepAlive' | 'keepAliveInitialDelayMillis'> {
  return {
    statement_timeout: limits.statementTimeoutMs,
    lock_timeout: limits.lockTimeoutMs,
    idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000
  }
}
