// Tells "the database cannot serve this right now" (answer 503, retry later) from every other error:
// unreachable, or busy (a lock wait or a statement that ran into the session limits).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN'])
// Postgres: admin/crash shutdown, cannot connect now, too many connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
// Postgres: lock_not_available (lock_timeout), query_canceled (statement_timeout, or a cancel by an operator).
const BUSY_SQLSTATES = new Set(['55P03', '57014'])
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Cannot use a pool after calling end/i,
  /Client has encountered a connection error/i, /database is closed/i, /not currently accepting connections/i, /PGlite is closed/i, /connection.*closed/i]

/** A wait for a lock or a statement ended by the session limits (db/session-limits.ts): retry later. */
export function isDatabaseBusy (err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && BUSY_SQLSTATES.has(code)) return true
  }
  return false
}

/** Unreachable or busy: either way the request can be sent again in a moment (isDatabaseBusy tells which). */
export function isDatabaseUnavailable (err: unknown): boolean {
  if (isDatabaseBusy(err)) return true
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08/.test(code))) return true
    const message = (e as { message?: unknown }).message
    if (typeof message === 'string' && MESSAGES.some(re => re.test(message))) return true
    const errors = (e as { errors?: unknown }).errors // AggregateError from net connect
    if (Array.isArray(errors) && errors.some(inner => isDatabaseUnavailable(inner))) return true
  }
  return false
}
