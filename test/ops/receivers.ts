// Local stand-ins for the outside world notifications go to: an HTTP receiver that records what it
// got (and can be told to fail first), and a real SMTP server (smtp-server) that keeps each message.
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** How long `waitFor` waits before failing with what arrived (pg-boss retries deliveries after a delay). */
const WAIT_MS = 60_000

/** Resolves with `items` once `n` are there; rejects naming `what` and the count at the deadline. */
function arrivals<T> (what: string, items: T[], waiters: Array<{ n: number, resolve: (r: T[]) => void }>, n: number): Promise<T[]> {
  if (items.length >= n) return Promise.resolve(items.slice())
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: ${n} expected, ${items.length} arrived within ${WAIT_MS / 1000} s`)), WAIT_MS)
    waiters.push({ n, resolve: (r) => { clearTimeout(timer); resolve(r) } })
  })
}

export interface ReceivedRequest { headers: Record<string, string | string[] | undefined>, body: string, answered: number }

export interface WebhookReceiver {
  url: string
  received: ReceivedRequest[]
  /** Resolves when `n` requests have arrived; rejects, saying how many did, after a minute. */
  waitFor: (n: number) => Promise<ReceivedRequest[]>
  close: () => Promise<void>
}

/** Answers the first `failFirst` requests with 500, the rest with 204. */
export async function startWebhookReceiver (failFirst = 0): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = []
  const waiters: Array<{ n: number, resolve: (r: ReceivedRequest[]) => void }> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const answered = received.length < failFirst ? 500 : 204
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered })
      res.statusCode = answered
      res.end()
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve(received.slice())
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/bundles`,
    received,
    waitFor: async (n) => await arrivals('webhook requests', received, waiters, n),
    async close () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

export interface ReceivedMail { from: string, to: string[], raw: string }

export interface SmtpSink {
  port: number
  messages: ReceivedMail[]
  waitFor: (n: number) => Promise<ReceivedMail[]>
  close: () => Promise<void>
}

/** A real SMTP server on loopback; with `failFirst`, the first messages are refused with a 451. */
export async function startSmtpSink (opts: { user?: string, pass?: string, failFirst?: number } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const waiters: Array<{ n: number, resolve: (m: ReceivedMail[]) => void }> = []
  let refused = 0
  const server = new SMTPServer({
    authOptional: opts.user === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth (auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username })
      else cb(new Error('bad credentials'))
    },
    onData (stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (refused < (opts.failFirst ?? 0)) {
          refused++
          const err = Object.assign(new Error('try again later'), { responseCode: 451 })
          cb(err)
          return
        }
        messages.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8')
        })
        cb()
        for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve(messages.slice())
      })
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server.server, 'listening')
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    messages,
    waitFor: async (n) => await arrivals('e-mails', messages, waiters, n),
    close: async () => await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** The decoded text body of a single-part message (nodemailer uses quoted-printable for long lines). */
export function mailText (raw: string): string {
  const split = raw.indexOf('\r\n\r\n')
  const headers = raw.slice(0, split)
  const body = raw.slice(split + 4)
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(headers)) return body
  return Buffer.from(
    body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1'
  ).toString('utf8')
}
