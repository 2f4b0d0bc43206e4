// A merchant's connection dropping in the middle of an upload (a closed laptop, a lost network) must
// leave nothing behind: no upload row, no job, no staged bytes, and the shop free to upload again at
// once. The client here writes part of a declared body over a raw socket and then destroys it.
import t from 'tap'
import net from 'node:net'
import { startProofApp } from './app.js'
import { asShop, get, upload, waitForTerminal } from './client.js'
import { GENERIC_HEADER, VALID_SMALL_CSV } from './fixtures.js'
import { waitFor } from '../helpers/http.js'

const proof = await startProofApp({ UPLOAD_RATE_LIMIT_MAX: 10_000 })
t.teardown(proof.close)
const { port } = new URL(proof.url)
const MB = 1024 * 1024
const BOUNDARY = 'disconnect-boundary-1'

async function count (sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await proof.query<{ n: number }>(sql, params)
  return row.n
}

const stagedChunks = async (): Promise<number> => await count('select count(*)::int as n from upload_chunks')

/** Opens a socket and writes the request head and the start of a multipart body declared as `declaredMb` MB. */
async function startUpload (shop: string, declaredMb: number): Promise<net.Socket> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => resolve(s)).once('error', reject)
  })
  socket.on('error', () => {}) // the server may reset the connection once it sees the abort
  socket.write(`POST /api/bundles/quick-install HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Shop-Domain: ${shop}\r\n` +
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declaredMb * MB}\r\n\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n` +
    `${GENERIC_HEADER}\n`)
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
  await waitFor('the staged bytes to be deleted', async () => await stagedChunks() === 0, 30_000)
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
  await new Promise((resolve) => socket.write('', resolve))
  socket.destroy()
  await assertNothingLeft(t, shop)
})
