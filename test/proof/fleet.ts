// Shared set-up for the fault tests: a fresh Postgres database, the environment real server
// processes get (short expiry and maintenance intervals, through configuration only), a webhook
// receiver that counts terminal states, and queries that check "exactly once".
import { startServer, type ServerProcess } from './server-process.js'
import { createTempDatabase, type TempDatabase } from './postgres.js'
import { startWebhookReceiver, type WebhookReceiver } from '../ops/receivers.js'

export const WEBHOOK_SECRET = 'fault-webhook-secret-0123456789'

export interface Fleet {
  db: TempDatabase
  receiver: WebhookReceiver
  env: Record<string, string>
  servers: ServerProcess[]
  start: (name: string, extra?: Record<string, string>) => Promise<ServerProcess>
  /** Log lines of every server started so far that match. */
  logs: (test: (l: Record<string, unknown>) => boolean) => Array<Record<string, unknown>>
  close: () => Promise<void>
}

export async function startFleet (baseUrl: string, label: string, env: Record<string, string> = {}): Promise<Fleet> {
  const db = await createTempDatabase(baseUrl, label)
  const receiver = await startWebhookReceiver()
  const servers: ServerProcess[] = []
  const fleetEnv = {
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: '4',
    PROCESSING_TIMEOUT_MINUTES: '2',
    QUEUE_EXPIRY_SECONDS: '25',
    QUEUE_RETRY_DELAY_SECONDS: '1',
    BOSS_MAINTENANCE_INTERVAL_SECONDS: '2',
    BOSS_CRON_INTERVAL_SECONDS: '2',
    SHUTDOWN_TIMEOUT_SECONDS: '4',
    UPLOAD_RATE_LIMIT_MAX: '1000',
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    NOTIFY_RETRY_DELAY_SECONDS: '1',
    ...env
  }
  return {
    db,
    receiver,
    env: fleetEnv,
    servers,
    async start (name, extra = {}) {
      const server = await startServer(name, { ...fleetEnv, ...extra })
      servers.push(server)
      return server
    },
    logs: (test) => servers.flatMap((s) => s.logs.filter(test)),
    async close () {
      for (const s of servers) await s.kill('SIGKILL')
      await receiver.close()
      await db.drop()
    }
  }
}

/** Terminal-state facts about one upload, straight from the database. */
export async function uploadFacts (db: TempDatabase, uploadId: string): Promise<{
  status: string, processedRows: number, bundles: number, distinctRanks: number, jobs: Array<{ state: string, retry_count: number }>, chunks: number
}> {
  const [upload] = await db.query<{ status: string, processed_rows: number }>('select status, processed_rows from csv_uploads where id = $1', [uploadId])
  const [b] = await db.query<{ n: number, ranks: number }>('select count(*)::int as n, count(distinct rank)::int as ranks from bundle_recommendations where upload_id = $1', [uploadId])
  const jobs = await db.query<{ state: string, retry_count: number }>("select state::text as state, retry_count from pgboss.job where name = 'quick-install' and data->>'upload_id' = $1 order by created_on", [uploadId])
  const [c] = await db.query<{ n: number }>('select count(*)::int as n from upload_chunks where upload_id = $1', [uploadId])
  return { status: upload?.status ?? 'missing', processedRows: upload?.processed_rows ?? -1, bundles: b.n, distinctRanks: b.ranks, jobs, chunks: c.n }
}

/** Waits until no notification job is waiting, running or retrying, then returns the deliveries per job id. */
export async function settledDeliveries (fleet: Fleet, timeoutMs = 60_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [{ n }] = await fleet.db.query<{ n: number }>("select count(*)::int as n from pgboss.job where name like 'notify-%' and state < 'completed'")
    if (n === 0) break
    if (Date.now() > deadline) throw new Error(`${n} notification jobs still pending after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const counts = new Map<string, number>()
  for (const r of fleet.receiver.received) {
    if (r.answered !== 204) continue
    const id = String(JSON.parse(r.body).job_id)
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}
