// A request that can only be refused is refused before its body is read: a caller without
// credentials cannot hold a connection open by sending a body slowly (nothing times out a slow body,
// on purpose, for merchants' uploads), and is answered at once.
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { startTestApp } from '../helpers/app.js'

/** Sends headers announcing a large body and only its first bytes; resolves with the first answer line, or null if none came within `ms`. */
async function answerToUnfinishedBody (port: number, method: string, path: string, ms: number): Promise<string | null> {
  return await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"`)
    })
    let answer = ''
    const done = (value: string | null): void => { clearTimeout(timer); socket.destroy(); resolve(value) }
    const timer = setTimeout(() => done(null), ms)
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => { answer += d; if (answer.includes('\r\n\r\n')) done(answer) })
    socket.on('error', () => done(answer === '' ? null : answer))
  })
}

t.test('the cron route refuses a caller without the secret before reading its body', async (t) => {
  const { app } = await startTestApp(t, { CRON_SECRET: 'a-long-enough-cron-secret' }, { workers: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const answer = await answerToUnfinishedBody(port, 'POST', '/api/bundles/cron/cleanup-stuck-jobs', 3000)
  t.match(answer, /^HTTP\/1\.1 401 /, `answered 401 while the body is still unfinished (got: ${JSON.stringify(answer?.split('\r\n')[0] ?? null)})`)
  const ok = await app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs', headers: { authorization: 'Bearer a-long-enough-cron-secret' } })
  t.same([ok.statusCode, ok.json().message], [200, 'Marked 0 stuck jobs as FAILED'], 'the right secret still runs the sweep')
  const wrong = await app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs', headers: { authorization: 'Bearer wrong' }, payload: { any: 'body' } })
  t.same([wrong.statusCode, wrong.json()], [401, { detail: 'Unauthorized: send Authorization: Bearer <CRON_SECRET>' }], 'a wrong secret is still a 401 in {detail}')
})

t.test('an unknown route is answered 404 before its body is read, with the security headers', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const [method, path] of [['POST', '/nope'], ['PUT', '/api/bundles/quick-install'], ['DELETE', '/healthz']]) {
    const answer = await answerToUnfinishedBody(port, method, path, 3000)
    t.match(answer, /^HTTP\/1\.1 404 /, `${method} ${path}: answered 404 while the body is unfinished (got: ${JSON.stringify(answer?.split('\r\n')[0] ?? null)})`)
    t.match(answer, /content-security-policy: default-src 'self'/i, `${method} ${path}: with the security headers`)
  }
  const plain = await app.inject({ method: 'POST', url: '/nope?x=1', payload: { a: 1 } })
  t.same([plain.statusCode, plain.json()], [404, { detail: 'Not found: POST /nope is not a route of this service. The routes are listed at /docs.' }], 'the same {detail} as before')
  const get = await app.inject({ method: 'GET', url: '/nope' })
  t.same([get.statusCode, get.json()], [404, { detail: 'Not found: GET /nope is not a route of this service. The routes are listed at /docs.' }])
})
