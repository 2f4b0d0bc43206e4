// A merchant's connection dropping in the middle of an upload (a closed laptop, a lost network) must
// leave nothing behind: no upload row, no job, no staged bytes, and the shop free to upload again at
// once. The client here writes part of a declared body over a raw socket and then destroys it.
import t from 'tap'
import net from 'node:net'
import { Writable } from 'node:stream'
import { startProofApp } from './app.js'
import { asShop, get, upload, waitForTerminal } from './client.js'
import { GENERIC_HEADER, VALID_SMALL_CSV } from './fixtures.js'
import { waitFor } from '../helpers/http.js'
import { parsePrometheusText } from '../ops/prom-text.js'

// The app's log lines, to see how it reports the abort: an info line, never an error.
const logs: Array<Record<string, unknown>> = []
const logStream = new Writable({
  write (chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line))
    done()
  }
})
const proof = await startProofApp({ UPLOAD_RATE_LIMIT_MAX: 10_000 }, { logger: { level: 'info', stream: logStream } })
t.teardown(proof.close)
const { port } = new URL(proof.url)
const MB = 1024 * 1024
const BOUNDARY = 'disconnect-boundary-1'

async function count (sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await proof.query<{ n: number }>(sql, params)
  return row.n
}

const seen = new Set<Record<string, unknown>>()
let abortsSoFar = 0
const stagedChunks = async (): Promise<number> => await count('select count(*)::int as n from upload_chunks')

/** Opens a socket and writes the request head (for a body of `declaredMb` MB) and, unless told not to, the body's start. */
async function startUpload (shop: string, declaredMb: number, bodyStart = true): Promise<net.Socket> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => resolve(s)).once('error', reject)
  })
  socket.on('error', () => {}) // the server may reset the connection once it sees the abort
  socket.write(`POST /api/bundles/quick-install HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Shop-Domain: ${shop}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declaredMb * MB}\r\n\r\n`)
  if (bodyStart) {
    socket.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n${GENERIC_HEADER}\n`)
  }
  await new Promise((resolve) => socket.write('', resolve))
  return socket
}

/** Writes `mb` MB of valid order rows, waiting for the socket to drain. */
async function writeRows (socket: net.Socket, mb: number): Promise<void> {
  const row = '1001,A-1,Alpha Mug,1,12.00,2025-03-01T10:00:00Z\n'
  const block = row.repeat(Math.ceil(64 * 1024 / row.length))
  for (let written = 0; written < mb * MB; written += block.length) {
    if (!socket.write(block)) await new Promise((resolve) => socket.once('drain', resolve))
  }
}

async function assertNothingLeft (t: Tap.Test, shop: string): Promise<void> {
  // The event that says the server has finished with the abandoned request.
  const aborted = await waitFor('the server to log the aborted request', async () => logs.find((l) => l.event === 'request_aborted' && !seen.has(l)))
  seen.add(aborted)
  t.equal(aborted.level, 30, 'the abort is logged at info level')
  t.equal(aborted.shop, shop, 'the line names the shop')
  t.same(logs.filter((l) => Number(l.level) >= 50).map((l) => l.msg), [], 'nothing is logged as an error')
  const metrics = parsePrometheusText(String((await get(proof.url, '/metrics')).body))
  t.equal(metrics.value('bundle_api_uploads_total', { outcome: 'aborted' }), abortsSoFar + 1, 'counted as an aborted upload, not an error')
  t.equal(metrics.value('bundle_api_uploads_total', { outcome: 'error' }) ?? 0, 0, 'no upload counted as an error')
  abortsSoFar++
  t.equal(await stagedChunks(), 0, 'no staged upload bytes are left behind')
  t.equal(await count('select count(*)::int as n from csv_uploads where shop_id = $1', [shop]), 0, 'no upload row for the abandoned upload')
  t.equal(await count("select count(*)::int as n from csv_uploads where status = 'processing'"), 0, 'nothing is left PROCESSING')
  t.equal((await get(proof.url, '/healthz')).status, 200, 'the process still answers')
  const next = await upload(proof.url, asShop(shop), VALID_SMALL_CSV)
  t.equal(next.status, 200, `the shop can upload again at once (${JSON.stringify(next.body).slice(0, 200)})`)
  if (next.status === 200) t.equal((await waitForTerminal(proof.url, asShop(shop), next.body.job_id)).status, 'COMPLETED', 'and that upload completes')
}

t.test('the connection drops after 3 MB of a declared 20 MB upload, while the file is being stored', async (t) => {
  const shop = 'disconnect-mid-file.myshopify.com'
  const socket = await startUpload(shop, 20)
  await writeRows(socket, 3)
  // The event that proves the server was storing the file when the client went away.
  await waitFor('the first chunks to be stored', async () => await stagedChunks() > 0, 30_000)
  socket.destroy()
  await assertNothingLeft(t, shop)
})

t.test('the connection drops right after the file part\'s header row', async (t) => {
  const shop = 'disconnect-at-header.myshopify.com'
  const socket = await startUpload(shop, 20)
  socket.destroy()
  await assertNothingLeft(t, shop)
})

// The route checks the shop's state in the database before it reads the body; a client gone by then
// must not leave the request waiting forever for a body (it did on Postgres before the fix).
t.test('the connection drops right after the request headers, before any of the body', async (t) => {
  const shop = 'disconnect-before-body.myshopify.com'
  const socket = await startUpload(shop, 20, false)
  socket.destroy()
  await assertNothingLeft(t, shop)
})
