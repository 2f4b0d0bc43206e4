// Runs inside the engine thread (a ThreadSource, see run-in-worker.ts): reads the upload's stored bytes
// over a Postgres connection of the thread's own, closed when the engine stops reading (or with the
// thread, if it is terminated).
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import type { Orm } from '../../db/database.js'
import { readStoredUpload, type StoredUploadThreadInput } from './stored-upload.js'

export async function * openThreadSource (input: StoredUploadThreadInput): AsyncGenerator<Uint8Array> {
  const client = new pg.Client({ connectionString: input.connectionString, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    yield * readStoredUpload(drizzle({ client }) as unknown as Orm, input)
  } finally {
    await client.end()
  }
}
