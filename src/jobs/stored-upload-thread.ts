// Runs inside the engine thread (a ThreadSource, see run-in-worker.ts): reads the upload's stored bytes
// over a Postgres connection of the thread's own, closed when the engine stops reading (or with the
// thread, if it is terminated).
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import type { Orm } from '../../db/database.js'
import { pgSessionOptions } from '../../db/session-limits.js'
import { readStoredUpload, type StoredUploadThreadInput } from './stored-upload.js'

export async function * openThreadSource (input: StoredUploadThreadInput): AsyncGenerator<Uint8Array> {
  // The app's session limits: a read stuck on a lock or a dead server ends instead of hanging the job.
  const limits = input.limits === undefined ? {} : pgSessionOptions(input.limits)
  const client = new pg.Client({ connectionString: input.connectionString, connectionTimeoutMillis: 5000, fallback_application_name: 'bundle-api engine', ...limits })
  // A connection that breaks (a terminated backend, a failover) emits 'error', which with no listener
  // would kill the thread outside the engine's error handling. The read in flight, or the next one,
  // rejects with it instead, and the engine fails the attempt (pg-boss retries it).
  client.on('error', () => {})
  await client.connect()
  try {
    yield * readStoredUpload(drizzle({ client }) as unknown as Orm, input)
  } finally {
    await client.end().catch(() => {})
  }
}
