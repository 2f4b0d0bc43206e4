// GET /metrics behind METRICS_TOKEN. Before, it was open to anyone reaching the service (Cloud Run
// cannot block a path without a load balancer), and each scrape runs a GROUP BY over pgboss.job on the
// shared pool. With METRICS_TOKEN set it needs `Authorization: Bearer <token>`; without one it stays
// open, and an instance in Shopify (production) auth mode says so at start-up.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ConfigError, configFrom } from '../../src/config.js'
import { testConfig } from '../helpers/app.js'
import { createTestDatabase, type TestDatabase } from '../helpers/database.js'
import { sessionLimits } from '../../plugins/database.js'
import { logCapture } from '../helpers/log-events.js'
import type { Config } from '../../src/config.js'

const METRICS_TOKEN = 'metrics-token-0123456789'
const SHOPIFY = { SHOPIFY_API_KEY: 'api-key', SHOPIFY_API_SECRET: 'shopify-secret-0123456789' }

/** The app with these settings on its own database, and the lines it logged (warn and up). */
async function start (t: Tap.Test, overrides: Partial<Config>): Promise<{ app: Awaited<ReturnType<typeof buildApp>>, lines: Array<Record<string, unknown>> }> {
  const stream = logCapture()
  const lines = stream.lines
  const database: TestDatabase = await createTestDatabase()
  const config = testConfig(database, overrides)
  const app = await buildApp({ config, database: await database.open(sessionLimits(config)), workers: false }, { logger: { level: 'warn', stream } })
  t.teardown(async () => { await app.close(); await database.drop() })
  return { app, lines }
}

t.test('METRICS_TOKEN is a secret of at least 16 characters, never echoed', async (t) => {
  t.throws(() => configFrom({ METRICS_TOKEN: 'short' }), ConfigError)
  try { configFrom({ METRICS_TOKEN: 'short' }) } catch (err) {
    t.match((err as Error).message, /METRICS_TOKEN must be at least 16 characters \(got a value not shown\)/)
  }
})

t.test('with METRICS_TOKEN: the right bearer token gets the metrics, anything else 401', async (t) => {
  const { app, lines } = await start(t, { ...SHOPIFY, METRICS_TOKEN })
  const scrape = async (authorization?: string) => await app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } })

  const ok = await scrape(`Bearer ${METRICS_TOKEN}`)
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /bundle_api_uploads_total/)
  for (const [what, header] of [['no header', undefined], ['a wrong token', 'Bearer metrics-token-0123456780'], ['a prefix of it', 'Bearer metrics-token'],
    ['another scheme', `Basic ${METRICS_TOKEN}`], ['the Shopify secret', `Bearer ${SHOPIFY.SHOPIFY_API_SECRET}`]] as const) {
    const res = await scrape(header)
    t.equal(res.statusCode, 401, `${what}: 401`)
    t.same(res.json(), { detail: 'Unauthorized: send Authorization: Bearer <METRICS_TOKEN>' }, `${what}: says what to send`)
    t.notMatch(res.body, /bundle_api_/, `${what}: no metrics`)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="metrics"', `${what}: names the scheme`)
  }
  t.equal(lines.filter(l => l.event === 'metrics_open').length, 0, 'no warning about an open /metrics')
})

t.test('without METRICS_TOKEN: open, with a start-up warning in Shopify mode only', async (t) => {
  const production = await start(t, { ...SHOPIFY })
  t.equal((await production.app.inject({ url: '/metrics' })).statusCode, 200, 'open, as before')
  t.match(production.lines.filter(l => l.event === 'metrics_open'), [{ level: 40, msg: /METRICS_TOKEN is not set: GET \/metrics is open/ }], 'one warning at start-up')

  const development = await start(t, {})
  t.equal((await development.app.inject({ url: '/metrics' })).statusCode, 200)
  t.equal(development.lines.filter(l => l.event === 'metrics_open').length, 0, 'development mode: no warning')
})
