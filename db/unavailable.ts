// Tells "the database cannot be reached right now" (answer 503, retry later) from every other error.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN'])
// Postgres: admin/crash shutdown, cannot connect now, too many connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
const MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Cannot use a pool after calling end/i,
  /Client has encountered a connection error/i, /database is closed/i, /not currently accepting connections/i, /PGlite is closed/i, /connection.*closed/i]

export function isDatabaseUnavailable (err: unknown): boolean {
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
