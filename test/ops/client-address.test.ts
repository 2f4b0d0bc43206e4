// Which client address the service records (request.ip: the request log's remoteAddress, the upload
// rate limit's fallback key). Behind Cloud Run the socket's peer is Google's front end, which appends
// the address it saw to X-Forwarded-For; anything to the left of that was written by the client and
// must not be believed, and neither must the header of a client that reaches the service directly.
// The app's own server options decide this (TRUSTED_PROXIES).
import t from 'tap'
import Fastify from 'fastify'
import { serverOptions } from '../../src/app.js'
import { configFrom } from '../../src/config.js'
import { logCapture } from '../helpers/log-events.js'

const FRONT_END = '169.254.1.1' // link-local, as Cloud Run's front end reaches a container
const OUTSIDER = '198.51.100.20'
const CLIENT = '203.0.113.7'
const FORGED = '6.6.6.6'

async function seenAddress (trusted: string | undefined, forwardedFor: string | undefined, peer = FRONT_END): Promise<{ ip: string, logged: unknown }> {
  const stream = logCapture()
  const lines = stream.lines
  const config = configFrom(trusted === undefined ? {} : { TRUSTED_PROXIES: trusted })
  const app = Fastify({ ...serverOptions(config), logger: { level: 'info', stream } })
  app.get('/whoami', async (request) => ({ ip: request.ip }))
  try {
    const res = await app.inject({
      method: 'GET',
      url: '/whoami',
      remoteAddress: peer,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
    })
    const incoming = lines.find((l) => l.msg === 'incoming request') as { req?: { remoteAddress?: unknown } } | undefined
    return { ip: (res.json() as { ip: string }).ip, logged: incoming?.req?.remoteAddress }
  } finally {
    await app.close()
  }
}

t.test('by default (Cloud Run) the address the front end appended, never one the client wrote', async (t) => {
  t.same(await seenAddress(undefined, CLIENT), { ip: CLIENT, logged: CLIENT }, 'the front end\'s entry')
  t.same(await seenAddress(undefined, `${FORGED}, ${CLIENT}`), { ip: CLIENT, logged: CLIENT }, 'a forged entry before it is ignored')
  t.same(await seenAddress(undefined, `${FORGED}, 10.0.0.9, ${CLIENT}`), { ip: CLIENT, logged: CLIENT }, 'however many the client wrote')
  t.same(await seenAddress(undefined, undefined), { ip: FRONT_END, logged: FRONT_END }, 'no header: the socket\'s peer')
  t.same(await seenAddress(undefined, FORGED, OUTSIDER), { ip: OUTSIDER, logged: OUTSIDER }, 'a client reaching the service directly cannot name itself')
  t.same(await seenAddress(undefined, `${FORGED}, ${CLIENT}`, `::ffff:${FRONT_END}`), { ip: CLIENT, logged: CLIENT }, 'the front end seen on a dual-stack socket (HOST=::)')
  t.same(await seenAddress(undefined, FORGED, '127.0.0.1'), { ip: FORGED, logged: FORGED }, 'a caller on a listed address (a local curl) is believed, as the README says')
})

t.test('TRUSTED_PROXIES with a load balancer\'s range skips its entry too', async (t) => {
  t.same(await seenAddress('linklocal, 35.191.0.0/16', `${FORGED}, ${CLIENT}, 35.191.0.1`), { ip: CLIENT, logged: CLIENT })
  t.same(await seenAddress(undefined, `${FORGED}, ${CLIENT}, 35.191.0.1`), { ip: '35.191.0.1', logged: '35.191.0.1' }, 'not listed: the balancer is the client')
})

t.test('TRUSTED_PROXIES=none believes no header: the socket\'s peer', async (t) => {
  t.same(await seenAddress('none', `${FORGED}, ${CLIENT}`), { ip: FRONT_END, logged: FRONT_END })
})
