// Waits out a database outage: pings with a doubling delay until the database answers again, or
// until the caller gives up (its signal aborts).
import { setTimeout as sleep } from 'node:timers/promises'
import type { Database } from './database.js'
import { isDatabaseUnavailable } from './unavailable.js'

const WAIT_FIRST_MS = 250
const WAIT_MAX_MS = 5_000

/**
 * True once a ping succeeds (at once when the database is up); false when `signal` aborted first, or
 * when the ping failed for a reason other than the database being unreachable. `onUnavailable` is
 * called once, on the first failed ping.
 */
export async function untilDatabaseAnswers (db: Pick<Database, 'ping'>, signal: AbortSignal, onUnavailable?: (err: unknown) => void): Promise<boolean> {
  let delay = WAIT_FIRST_MS
  for (let first = true; !signal.aborted; first = false) {
    try {
      await db.ping()
      return true
    } catch (err) {
      if (!isDatabaseUnavailable(err)) return false
      if (first) onUnavailable?.(err)
    }
    try {
      await sleep(delay, undefined, { signal })
    } catch {
      return false // aborted
    }
    delay = Math.min(delay * 2, WAIT_MAX_MS)
  }
  return false
}
