// SIGTERM while requests are still open: an upload held mid-body and a request head never finished
// (HTTP/1), an upload stream held mid-body and a download its client does not read (HTTP/2, whose flow
// control keeps the download in flight). Once SHUTDOWN_TIMEOUT_SECONDS are up the upload is
// answered 503 "send it again" with its staged bytes deleted, the other connections are cut, and the
// process still stops pg-boss, closes the database and exits 0 before its hard-exit timer. Times come
// from the server's own log lines.
import t from 'tap'
import http2 from 'node:http2'
import net from 'node:net'
import pg from 'pg'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { BOUNDARY, multipartHeaders, waitFor } from '../helpers/http.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'

const TIMEOUT_SECONDS = 2
/** src/server.ts's hard exit comes 1.5 s after the timeout. */
const HARD_EXIT_MS = TIMEOUT_SECONDS * 1000 + 1500
const MB = 1024 * 1024
const HEADER = 'order_id,product_id,product_name,quantity,price,created_at\n'
const PART_HEAD = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n${HEADER}`
const ROWS = '1001,A-1,Alpha Mug,1,12.00,2025-03-01T10:00:00Z\n'.repeat(Math.ceil(3 * MB / 47))
const INTERRUPTED = { detail: 'Upload interrupted: the service is restarting, so nothing was kept. Please send the file again.' }
/** The body as JSON, or as the text it is (no answer at all is ''), so a wrong answer is shown, not thrown. */
const jsonOf = (text: string): unknown => { try { return JSON.parse(text) } catch { return text } }

async function startServer (t: Tap.Test, env: Record<string, string> = {}): Promise<{ server: ServerProcess, database: TestDatabase }> {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  await (await database.open()).close() // PGlite: materialise the data directory before the child opens it
  const server = await spawnServer({ ...database.env, SHUTDOWN_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), ...env })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  return { server, database }
}

/** Rows the interrupted upload could have left, read once the server has exited (PGlite allows one process). */
async function leftBehind (database: TestDatabase): Promise<{ chunks: number, uploads: number }> {
  const db = await database.open()
  try {
    const { rows: [chunks] } = await db.executeSql('select count(*)::int as n from upload_chunks')
    const { rows: [uploads] } = await db.executeSql('select count(*)::int as n from csv_uploads')
    return { chunks: chunks.n, uploads: uploads.n }
  } finally {
    await db.close()
  }
}

/** On Postgres, waits until the held upload has stored a chunk, so its deletion is what the test sees. */
async function chunkStored (database: TestDatabase): Promise<void> {
  if (database.kind !== 'postgres') return
  const client = new pg.Client({ connectionString: database.env.DATABASE_URL })
  await client.connect()
  try {
    await waitFor('a chunk of the held upload to be stored', async () => (await client.query('select count(*)::int as n from upload_chunks')).rows[0].n > 0)
  } finally {
    await client.end()
  }
}

/** The shutdown's log lines, checked for order, timing and level. */
async function assertCleanShutdown (t: Tap.Test, server: ServerProcess, connectionsCut: number): Promise<void> {
  t.equal(await server.exited, 0, 'the process exits 0')
  const line = async (what: string, test: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
    await server.waitForLog(test, 1000).catch(() => { throw new Error(`no "${what}" log line:\n${server.output().slice(-4000)}`) })
  const start = await line('shutting down', (l) => l.message === 'shutting down')
  const cut = await line('shutdown_cut', (l) => l.event === 'shutdown_cut')
  const clean = await line('shut down cleanly', (l) => l.message === 'shut down cleanly')
  t.match(cut, { severity: 'WARNING', interrupted_uploads: 1, connections_cut: connectionsCut }, 'the upload was interrupted and the open connections cut')
  const cutAfter = Number(cut.time) - Number(start.time)
  const cleanAfter = Number(clean.time) - Number(start.time)
  t.ok(cutAfter >= TIMEOUT_SECONDS * 1000, `the open requests had the whole ${TIMEOUT_SECONDS} s first (cut after ${cutAfter} ms)`)
  t.ok(cleanAfter < HARD_EXIT_MS, `"shut down cleanly" ${cleanAfter} ms after the signal, before the hard exit at ${HARD_EXIT_MS} ms`)
  t.match(server.logs.find((l) => l.event === 'upload_interrupted'), { severity: 'WARNING' }, 'the interrupted upload is a warning')
  t.same(server.logs.filter((l) => l.severity === 'ERROR' || l.severity === 'CRITICAL').map((l) => l.message), [], 'nothing logged as an error (no "shutdown took too long")')
}

t.test('HTTP/1: an upload held mid-body is answered 503 and leaves nothing; a half-sent request is cut; exit 0', async (t) => {
  const { server, database } = await startServer(t)
  const connect = async (): Promise<net.Socket> => await new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket)).once('error', reject)
  })
  // A 20 MB upload of which 3 MB arrive, then nothing more (a slow client at the moment of SIGTERM).
  const upload = await connect()
  upload.on('error', () => {})
  let answer = ''
  upload.on('data', (data: Buffer) => { answer += data.toString('utf8') })
  const uploadClosed = new Promise((resolve) => upload.once('close', resolve))
  upload.write(`POST /api/bundles/quick-install HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${multipartHeaders['content-type']}\r\nContent-Length: ${20 * MB}\r\n\r\n${PART_HEAD}${ROWS}`)
  // A request whose head never ends.
  const halfSent = await connect()
  halfSent.on('error', () => {})
  const halfSentClosed = new Promise((resolve) => halfSent.once('close', resolve))
  halfSent.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')

  await server.waitForLog((l) => l.event === 'upload_received', 20_000)
  await chunkStored(database)
  server.child.kill('SIGTERM')

  await uploadClosed
  t.match(answer, /^HTTP\/1\.1 503 /, 'the upload is answered 503')
  t.same(jsonOf(answer.slice(answer.indexOf('\r\n\r\n') + 4)), INTERRUPTED, 'telling the client to send it again')
  await halfSentClosed
  t.pass('the half-sent request\'s connection is closed')
  await assertCleanShutdown(t, server, 2)
  t.same(await leftBehind(database), { chunks: 0, uploads: 0 }, 'no staged chunk and no upload row are left')
})

t.test('HTTP/2: an upload stream held mid-body is answered 503 and leaves nothing; a download not read is cut; exit 0', async (t) => {
  const { server, database } = await startServer(t, { HTTP2: 'true' })
  const client = http2.connect(server.url)
  client.on('error', () => {})
  t.teardown(() => client.destroy())
  const req = client.request({ ':method': 'POST', ':path': '/api/bundles/quick-install', ...multipartHeaders, 'content-length': String(20 * MB) })
  req.on('error', () => {})
  let status = 0
  let body = ''
  req.on('response', (headers) => { status = Number(headers[':status']) })
  req.setEncoding('utf8')
  req.on('data', (chunk: string) => { body += chunk })
  const answered = new Promise((resolve) => { req.once('end', resolve); req.once('close', resolve) })
  const sessionClosed = new Promise((resolve) => client.once('close', resolve))
  req.write(PART_HEAD + ROWS)
  // A large file the client does not read: past the stream's flow-control window the answer waits.
  const download = client.request({ ':path': '/docs/static/swagger-ui-bundle.js' })
  download.on('error', () => {})
  let downloadEnded = false
  download.once('end', () => { downloadEnded = true })
  const downloadClosed = new Promise((resolve) => download.once('close', resolve))
  const downloadStatus = await new Promise((resolve) => download.once('response', (headers) => resolve(headers[':status'])))
  t.equal(downloadStatus, 200, 'the download has started')

  await server.waitForLog((l) => l.event === 'upload_received', 20_000)
  await chunkStored(database)
  server.child.kill('SIGTERM')

  await downloadClosed
  t.notOk(downloadEnded, 'the download still in flight is cut, not finished')
  await answered
  t.equal(status, 503, 'the upload stream is answered 503')
  t.same(jsonOf(body), INTERRUPTED, 'telling the client to send it again')
  await sessionClosed
  t.pass('the session is closed')
  await assertCleanShutdown(t, server, 1)
  t.same(await leftBehind(database), { chunks: 0, uploads: 0 }, 'no staged chunk and no upload row are left')
})
