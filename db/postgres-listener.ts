// LISTEN for Postgres, on a connection of its own (a pooled one would be handed to queries, and a
// LISTEN lives as long as its session). A notification sent while that connection is down is lost
// for good, so a break is reported (onLost) before reconnecting with backoff, and onListening says
// when notifications flow again: whoever caches on the strength of them must distrust the cache between.
import pg from 'pg'
import type { ListenHandlers } from './database.js'

/** How the LISTEN connection names itself in pg_stat_activity (the pool is `bundle-api`, the engine thread `bundle-api engine`). */
export const LISTENER_APPLICATION_NAME = 'bundle-api listener'

export const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 10_000

export async function listenOnPostgres (connectionString: string, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  let stopped = false
  let current: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  let delay = RETRY_FIRST_MS

  function lost (client: pg.Client, err: Error): void {
    if (current !== client) return // this client's break was already handled
    current = undefined
    client.end().catch(() => {}) // ends a half-open socket too; "already ended" is fine
    if (stopped) return
    handlers.onLost(err)
    retry = setTimeout(() => {
      retry = undefined
      if (stopped) return
      connect().catch(() => {}) // a failed attempt has reported itself through lost()
    }, delay)
    retry.unref()
    delay = Math.min(delay * 2, RETRY_MAX_MS)
  }

  async function connect (): Promise<void> {
    // keepAlive: a peer that vanished without closing the socket is noticed in seconds, not hours.
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000, keepAlive: true, keepAliveInitialDelayMillis: 5000, fallback_application_name: LISTENER_APPLICATION_NAME })
    current = client
    client.on('notification', (message) => {
      if (message.channel === channel) handlers.onNotification(message.payload ?? '')
    })
    client.on('error', (err) => { lost(client, err) })
    client.on('end', () => { lost(client, new Error('the LISTEN connection to Postgres ended')) })
    try {
      await client.connect()
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`)
    } catch (err) {
      lost(client, err as Error)
      throw err
    }
    if (current !== client) return // broke between LISTEN and here: lost() has reported it
    delay = RETRY_FIRST_MS
    handlers.onListening()
  }

  try {
    await connect()
  } catch (err) {
    // Never listened: the caller gets the error, and nothing keeps retrying behind its back.
    stopped = true
    if (retry !== undefined) clearTimeout(retry)
    throw err
  }
  return async () => {
    stopped = true
    if (retry !== undefined) clearTimeout(retry)
    const client = current
    current = undefined
    await client?.end().catch(() => {})
  }
}
