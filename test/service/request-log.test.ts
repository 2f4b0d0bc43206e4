// What the log says about an error: a failed query's bound parameters (an upload's chunk, that is the
// customer's file) never reach it, while the query and the driver's own error do.
import t from 'tap'
import Fastify from 'fastify'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import { logSerializers } from '../../src/request-log.js'
import { logCapture } from '../helpers/log-events.js'

const PARAMS_HIDDEN = 'params: [not logged]'
const CUSTOMER_ROW = 'order_id,email\n1001,jane.doe@example.com\n'

function capturingApp (): { app: ReturnType<typeof Fastify>, lines: () => Array<Record<string, any>> } {
  const stream = logCapture()
  // As src/server.ts configures the logger.
  const app = Fastify({ logger: { level: 'info', messageKey: 'message', serializers: logSerializers, stream } as never })
  return { app, lines: () => stream.lines as Array<Record<string, any>> }
}

t.test('a failed chunk insert is logged without the chunk (the customer file)', async (t) => {
  const { app, lines } = capturingApp()
  const hex = Buffer.from(CUSTOMER_ROW.repeat(100)).toString('hex')
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6543'), { code: 'ECONNREFUSED' })
  const err = new DrizzleQueryError('insert into "upload_chunks" ("upload_id", "seq", "data") values ($1, $2, decode($3, \'hex\'))', ['0b0e…', 1, hex], cause)
  app.log.error({ err }, 'request failed')
  // The same error flattened to its message, as some warnings log it.
  app.log.warn({ err: { message: err.message } }, 'queue error')
  const [failed, warned] = lines()
  const text = JSON.stringify([failed, warned])
  t.notOk(text.includes(hex.slice(0, 64)), 'no hex of the file in the log')
  t.notOk(text.includes('jane.doe'), 'no customer e-mail in the log')
  t.match(failed.err.message, /Failed query: insert into "upload_chunks"/, 'the query is still named')
  t.ok(failed.err.message.includes(PARAMS_HIDDEN), 'the params are replaced by a marker')
  t.match(failed.err.message, /ECONNREFUSED/, 'the cause is still there')
  t.ok(failed.err.stack.length < 5000, 'the stack is short')
  t.equal(failed.err.params, '[3 not logged]', 'the params property says only how many there were')
  t.ok(warned.err.message.includes(PARAMS_HIDDEN), 'a flattened message is cut too')
  t.ok(JSON.stringify(failed).length < 5000, 'the line is small')
  await app.close()
})

t.test('other errors are serialized as pino does', async (t) => {
  const { app, lines } = capturingApp()
  app.log.error({ err: Object.assign(new Error('boom'), { code: 'E_BOOM' }) }, 'x')
  const [line] = lines()
  t.equal(line.err.message, 'boom')
  t.equal(line.err.code, 'E_BOOM')
  t.equal(line.err.type, 'Error')
  t.match(line.err.stack, /^Error: boom/)
  await app.close()
})
