// Many uploads over one keep-alive connection: what the service watches per upload (to answer and clean
// up at shutdown) is let go when each request ends, so nothing piles up on the long-lived socket.
import t from 'tap'
import http from 'node:http'
import type { Socket } from 'node:net'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, multipartBody, multipartHeaders } from '../helpers/http.js'

const { app } = await startTestApp(t, { UPLOAD_RATE_LIMIT_MAX: 1000 }, { workers: false })
// The server's side of each connection: that is where the service adds its listeners.
const serverSockets = new Set<Socket>()
app.server.on('connection', (socket: Socket) => serverSockets.add(socket))
const address = await app.listen({ port: 0, host: '127.0.0.1' })
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
t.teardown(() => agent.destroy())

async function post (shop: string): Promise<number> {
  const body = multipartBody([{ filename: 'a.csv', content: TINY_CATALOG }])
  return await new Promise((resolve, reject) => {
    const req = http.request(`${address}/api/bundles/quick-install`, {
      method: 'POST', agent, headers: { ...multipartHeaders, 'content-length': body.length, 'x-shop-domain': `${shop}.myshopify.com` }
    }, res => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('20 uploads on one connection leave no listeners behind on its socket', async t => {
  const warnings: string[] = []
  const onWarning = (w: Error): void => { warnings.push(`${w.name}: ${w.message}`) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  let baseline = -1
  for (let i = 0; i < 20; i++) {
    // Every other one is refused before its body is read (409: that shop is already processing).
    const status = await post(i % 2 === 0 ? `keep-alive-${i}` : `keep-alive-${i - 1}`)
    t.equal(status, i % 2 === 0 ? 200 : 409, `upload ${i + 1}`)
    if (i === 1) baseline = [...serverSockets][0].listenerCount('close')
  }
  t.equal(serverSockets.size, 1, 'all on one keep-alive connection')
  const [socket] = [...serverSockets]
  t.equal(socket.listenerCount('close'), baseline, `'close' listeners on the server's socket after 20 uploads: ${socket.listenerCount('close')}, after 2: ${baseline}`)
  t.same(warnings.filter(w => w.includes('MaxListeners')), [], 'no MaxListenersExceededWarning')
})
