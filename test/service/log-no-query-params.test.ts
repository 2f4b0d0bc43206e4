// A failed query's parameter values never reach the log: drizzle writes them into the error's
// message, stack and `params`, and for a chunk insert they are a MiB of the merchant's export
// (customer names, e-mails, addresses) as hex.
import { Writable } from 'node:stream'
import t from 'tap'
import { DrizzleQueryError } from 'drizzle-orm'
import { pino } from 'pino'
import { buildApp, serverOptions } from '../../src/app.js'
import { sessionLimits } from '../../plugins/database.js'
import { logSerializers, PARAMS_HIDDEN } from '../../src/request-log.js'
import { createTestDatabase } from '../helpers/database.js'
import { testConfig } from '../helpers/app.js'
import { upload } from '../helpers/http.js'

const CUSTOMER = 'ava.reed486@example.com'
const AS_HEX = Buffer.from(CUSTOMER).toString('hex')

function capture (): { stream: Writable, text: () => string } {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
  return { stream, text: () => lines.join('') }
}

t.test('the log serializer masks a failed query\'s parameters wherever the error is logged', async (t) => {
  const out = capture()
  const log = pino({ serializers: logSerializers }, out.stream)
  const failed = new DrizzleQueryError('insert into "upload_chunks" values ($1, $2)', ['id-1', `Name,Email\n#1001,${CUSTOMER}`], new Error('lock timeout'))
  log.error({ err: failed }, 'itself')
  log.error({ err: new Error('outer', { cause: failed }) }, 'as a cause')
  log.warn({ err: { message: failed.message } }, 'as a copied message')
  const text = out.text()
  t.notMatch(text, CUSTOMER, 'no parameter value in the log')
  t.match(text, /insert into \\"upload_chunks\\"/, 'the query itself is still there')
  t.match(text, /lock timeout/, 'and the cause')
  t.equal(text.split('\n').filter(l => l.includes(PARAMS_HIDDEN)).length, 3, 'each line says the parameters were masked')
})

t.test('an upload whose chunk cannot be stored logs the failure without the file\'s bytes', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await app.close(); await database.drop() })
  const config = testConfig(database, { LOG_LEVEL: 'error' })
  const out = capture()
  const options = serverOptions(config)
  const app = await buildApp({ config, database: await database.open(sessionLimits(config)), workers: false },
    { logger: { ...(options.logger as object), stream: out.stream } })
  await app.db.executeSql(`CREATE FUNCTION refuse_chunk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'chunk refused'; END $$;
    CREATE TRIGGER refuse_chunk BEFORE INSERT ON upload_chunks FOR EACH ROW EXECUTE FUNCTION refuse_chunk()`)
  const csv = `order_id,product_id,email\n1,A,${CUSTOMER}\n1,B,${CUSTOMER}\n`
  const res = await upload(app, { filename: 'orders.csv', content: csv }, { 'x-shop-domain': 'leak.myshopify.com' })
  t.equal(res.statusCode, 500, 'the failed upload is a 500')
  const text = out.text()
  t.match(text, /request failed/, 'the failure is logged')
  t.match(text, /chunk refused/, 'with what went wrong')
  t.notMatch(text, AS_HEX, 'but not the file\'s bytes (hex)')
  t.notMatch(text, CUSTOMER, 'nor as text')
})
