// An answer sent before the upload's body was read to its end (a 400 on a bad header in the first
// kilobytes, a 413 at the size limit) reaches every kind of client, including one that sends the
// whole body before it reads anything (Python's http.client and requests, many scripts). Before the
// fix the server closed the socket as soon as it had answered: such a client met a reset in the
// middle of its body and got "broken pipe" instead of the answer. The connection also stays usable.
import t from 'tap'
import net from 'node:net'
import { startProofApp } from './app.js'
import { multipart } from './multipart.js'
import { VALID_SMALL_CSV } from './fixtures.js'

const MAX_UPLOAD_MB = 2
const proof = await startProofApp({ MAX_UPLOAD_MB, UPLOAD_RATE_LIMIT_MAX: 10_000 })
t.teardown(proof.close)
const { port } = new URL(proof.url)

interface Reply { status: number, headers: Record<string, string>, body: string }

/** The whole upload request, Content-Length and all, as one buffer (the multipart body from multipart.ts). */
async function uploadRequest (shop: string, file: Buffer | string): Promise<Buffer> {
  const form = multipart([{ name: 'file', filename: 'orders.csv', contentType: 'text/csv', body: file }])
  const chunks: Buffer[] = []
  for await (const chunk of form.stream()) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks)
  const head = `POST /api/bundles/quick-install HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Shop-Domain: ${shop}\r\n` +
    `Content-Type: ${form.contentType}\r\nContent-Length: ${body.length}\r\n\r\n`
  return Buffer.concat([Buffer.from(head), body])
}

/** Reads one HTTP/1.1 answer with a Content-Length body from a socket. */
async function readReply (socket: net.Socket): Promise<Reply> {
  let buffered = Buffer.alloc(0)
  return await new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n')
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      const length = Number(headers['content-length'])
      if (buffered.length < end + 4 + length) return
      socket.off('data', onData).off('error', reject).off('close', onClose)
      socket.pause()
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: buffered.subarray(end + 4, end + 4 + length).toString('utf8') })
    }
    const onClose = (): void => reject(new Error(`the server closed the connection before a whole answer (${buffered.length} bytes read)`))
    socket.on('data', onData).once('error', reject).once('close', onClose)
    socket.resume()
  })
}

/** Writes the whole request without reading (the socket stays paused), then reads the answer. */
async function sendAllThenRead (socket: net.Socket, request: Buffer): Promise<Reply> {
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.write(request, (err) => { socket.off('error', reject); if (err != null) reject(err); else resolve() })
  })
  return await readReply(socket)
}

async function connect (): Promise<net.Socket> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => resolve(socket)).once('error', reject)
    socket.pause()
  })
}

t.test('a client that sends all 10 MB before reading still gets the 400 for a bad header, and can go on', async (t) => {
  const socket = await connect()
  t.teardown(() => { socket.destroy() })
  const answer = await sendAllThenRead(socket, await uploadRequest('early-400.myshopify.com', Buffer.alloc(10 * 1024 * 1024, ',')))
  t.equal(answer.status, 400, 'answers 400')
  t.match(JSON.parse(answer.body).detail, /header row has no column names/, 'with the detail that says what was wrong')
  t.not(answer.headers.connection, 'close', 'the connection is kept')
  const next = await sendAllThenRead(socket, await uploadRequest('early-400.myshopify.com', VALID_SMALL_CSV))
  t.equal(next.status, 200, `the next upload on the same connection is accepted (${next.body})`)
})

t.test(`a client that sends ${MAX_UPLOAD_MB * 5} MB before reading still gets the 413 at the ${MAX_UPLOAD_MB} MB limit, and can go on`, async (t) => {
  const socket = await connect()
  t.teardown(() => { socket.destroy() })
  const rows = Buffer.from('1,A,1\n'.repeat(MAX_UPLOAD_MB * 5 * 1024 * 1024 / 6))
  const answer = await sendAllThenRead(socket, await uploadRequest('early-413.myshopify.com', Buffer.concat([Buffer.from('order_id,product_id,quantity\n'), rows])))
  t.equal(answer.status, 413, 'answers 413')
  t.match(JSON.parse(answer.body).detail, new RegExp(`limit is ${MAX_UPLOAD_MB} MB`), 'with the detail that names the limit')
  const next = await sendAllThenRead(socket, await uploadRequest('early-413.myshopify.com', VALID_SMALL_CSV))
  t.equal(next.status, 200, `the next upload on the same connection is accepted (${next.body})`)
})
