// Requests Node's HTTP parser refuses before routing (headers over its size limit, a malformed request
// line or header) are answered like every other 4xx: `{detail}` saying what was wrong and what to send.
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startTestApp } from '../helpers/app.js'

/** Writes raw bytes to the server and reads the whole answer (the server closes the connection). */
async function rawRequest (port: number, bytes: string): Promise<{ status: number, headers: string, body: string }> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => { answer += d })
    socket.on('error', reject)
    socket.on('close', () => {
      const end = answer.indexOf('\r\n\r\n')
      const head = end === -1 ? answer : answer.slice(0, end)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: end === -1 ? '' : answer.slice(end + 4) })
    })
  })
}

t.test('requests the HTTP parser refuses get {detail} saying what was wrong and what to send', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const huge = await rawRequest(port, `GET /api/bundles/quick-install/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.equal(huge.status, 431, 'headers over Node\'s limit are a 431')
  t.match(huge.headers, /content-type: application\/json/i)
  t.match(JSON.parse(huge.body), { detail: /headers too large.*16 KiB.*Send fewer or shorter headers/i }, `431 body: ${huge.body}`)

  const badHeader = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n')
  t.equal(badHeader.status, 400)
  t.match(JSON.parse(badHeader.body), { detail: /^Bad request: malformed HTTP \(.+\)\. Send a valid HTTP\/1\.1 request/ }, `400 body: ${badHeader.body}`)

  const garbage = await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n')
  t.equal(garbage.status, 400)
  t.same(Object.keys(JSON.parse(garbage.body)), ['detail'], `only {detail}: ${garbage.body}`)
  t.notMatch(garbage.body, /Client Error|statusCode/, 'not Fastify\'s default shape')
})
