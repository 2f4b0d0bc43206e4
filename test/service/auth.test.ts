// Shopify session tokens (HS256, aud = API key, iss/dest on the same *.myshopify.com host) and the cron
// secret. Every bad token is a 401; a good one names the shop, and shops never see each other's jobs.
import t from 'tap'
import { SignJWT, UnsecuredJWT } from 'jose'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, rawGet, upload, waitForJob } from '../helpers/http.js'

const API_KEY = 'test-api-key'
const API_SECRET = 'test-api-secret-0123456789abcdef'
const CRON_SECRET = 'cron-secret-0123456789abcdef'
const { app } = await startTestApp(t, { SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET, CRON_SECRET })

interface Claims { iss?: string, dest?: string, aud?: string, exp?: number, nbf?: number }
const now = (): number => Math.floor(Date.now() / 1000)

async function token (shop: string, claims: Claims = {}, secret = API_SECRET): Promise<string> {
  const payload = { iss: `https://${shop}/admin`, dest: `https://${shop}`, sub: '42', jti: crypto.randomUUID(), sid: 'session', ...claims }
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience(claims.aud ?? API_KEY)
    .setIssuedAt(now() - 5)
    .setNotBefore(claims.nbf ?? now() - 5)
    .setExpirationTime(claims.exp ?? now() + 60)
    .sign(new TextEncoder().encode(secret))
}
const bearer = (value: string): Record<string, string> => ({ authorization: `Bearer ${value}` })
const statusWith = async (headers: Record<string, string>) => await app.inject({ url: '/api/bundles/quick-install/status', headers })

t.test('a valid session token authenticates its dest shop', async (t) => {
  const res = await statusWith(bearer(await token('demo.myshopify.com')))
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { has_quick_install: false })
  const ready = await app.inject({ url: '/readyz' })
  t.match(ready.json(), { status: 'ready', auth_mode: 'shopify' })
})

t.test('every bad token answers 401', async (t) => {
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['not a Bearer header', async () => ({ authorization: 'Basic abc' })],
    ['garbage token', async () => bearer('not.a.jwt')],
    ['bad signature (another secret)', async () => bearer(await token('demo.myshopify.com', {}, 'some-other-secret-0123456789'))],
    ['expired', async () => bearer(await token('demo.myshopify.com', { exp: now() - 120, nbf: now() - 300 }))],
    ['not yet valid (nbf in the future)', async () => bearer(await token('demo.myshopify.com', { nbf: now() + 120, exp: now() + 300 }))],
    ['wrong audience', async () => bearer(await token('demo.myshopify.com', { aud: 'another-app' }))],
    ['alg none', async () => bearer(new UnsecuredJWT({ iss: 'https://demo.myshopify.com/admin', dest: 'https://demo.myshopify.com', aud: API_KEY, exp: now() + 60 }).encode())],
    ['non-myshopify host', async () => bearer(await token('evil.example.com'))],
    ['iss and dest on different shops', async () => bearer(await token('demo.myshopify.com', { iss: 'https://other.myshopify.com/admin' }))],
    ['X-Shop-Domain is ignored when tokens are required', async () => ({ 'x-shop-domain': 'demo.myshopify.com' })]
  ]
  for (const [name, headers] of cases) {
    const res = await statusWith(await headers())
    t.equal(res.statusCode, 401, `${name}: ${res.body}`)
    t.match(res.json(), { detail: /^Unauthorized: / }, `${name}: says why`)
  }
  const uploadRes = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, bearer(await token('demo.myshopify.com', { exp: now() - 120, nbf: now() - 300 })))
  t.equal(uploadRes.statusCode, 401, 'uploads need a token too')
})

t.test('no spelling of an /api path gets past the token check', async (t) => {
  // The router decodes percent-escapes and takes absolute-form targets: the check must follow the route.
  for (const url of ['/%61pi/bundles/quick-install/status', '/ap%69/bundles/quick-install/status', '/api/bundles/quick-install/%73tatus', '/%61pi/bundles']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 401, `${url} without a token: ${res.body}`)
  }
  const sneaky = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, {}, '/%61pi/bundles/quick-install')
  t.equal(sneaky.statusCode, 401, `an upload to /%61pi/… without a token: ${sneaky.body}`)
  const longId = await app.inject({ url: `/api/bundles/status/${'a'.repeat(150)}` })
  t.equal(longId.statusCode, 401, `an over-long job id without a token is refused like any /api request: ${longId.body}`)
  const unowned = await app.db.executeSql("select count(*)::int as n from csv_uploads where shop_id = ''")
  t.equal(unowned.rows[0].n, 0, 'no upload stored for an empty shop')

  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = new URL(address)
  const absolute = await rawGet(Number(port), `http://127.0.0.1:${port}/api/bundles/quick-install/status`)
  t.equal(absolute.status, 401, `an absolute-form request target without a token: ${absolute.body}`)
})

t.test('a shop form field cannot choose the shop; other shops\' jobs are not found', async (t) => {
  const mine = bearer(await token('mine.myshopify.com'))
  const res = await upload(app, { filename: 'a.csv', content: TINY_CATALOG }, mine)
  t.equal(res.statusCode, 200, res.body)
  const jobId = res.json().job_id
  await waitForJob(app, jobId, mine)
  const row = (await app.db.executeSql('select shop_id from csv_uploads where id = $1', [jobId])).rows[0]
  t.equal(row.shop_id, 'mine.myshopify.com')
  const theirs = bearer(await token('theirs.myshopify.com'))
  t.equal((await app.inject({ url: `/api/bundles/status/${jobId}`, headers: theirs })).statusCode, 404)
  t.equal((await app.inject({ url: `/api/bundles?job_id=${jobId}`, headers: theirs })).statusCode, 404)
  t.equal((await app.inject({ url: '/api/bundles', headers: theirs })).statusCode, 404, 'no completed install of their own')
  t.equal((await app.inject({ url: '/api/bundles', headers: mine })).statusCode, 200)
})

t.test('the cron route takes the cron secret, not a session token', async (t) => {
  const url = '/api/bundles/cron/cleanup-stuck-jobs'
  t.equal((await app.inject({ method: 'POST', url })).statusCode, 401, 'no secret')
  t.equal((await app.inject({ method: 'POST', url, headers: bearer('wrong') })).statusCode, 401, 'wrong secret')
  t.equal((await app.inject({ method: 'POST', url, headers: bearer(CRON_SECRET + 'x') })).statusCode, 401, 'longer secret')
  t.equal((await app.inject({ method: 'POST', url, headers: bearer(await token('demo.myshopify.com')) })).statusCode, 401, 'a session token is not the cron secret')
  const ok = await app.inject({ method: 'POST', url, headers: bearer(CRON_SECRET) })
  t.equal(ok.statusCode, 200, ok.body)
  t.same(ok.json(), { cleaned: 0, message: 'Marked 0 stuck jobs as FAILED' })
  // The upload route's words for a body it cannot read belong to the upload route only.
  const big = await app.inject({ method: 'POST', url, headers: { ...bearer(CRON_SECRET), 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'x'.repeat(2 * 1024 * 1024) }) })
  t.equal(big.statusCode, 413, 'a body over the 1 MiB body limit')
  t.notMatch(big.json().detail, /File too large|MB/, `not the upload's file limit: ${big.body}`)
  const form = await app.inject({ method: 'POST', url, headers: { ...bearer(CRON_SECRET), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' })
  t.equal(form.statusCode, 200, `the sweep takes no input: a body of any media type is ignored: ${form.body}`)
  t.notMatch(form.json().detail, /CSV file required/, `not the upload's words: ${form.body}`)
})
