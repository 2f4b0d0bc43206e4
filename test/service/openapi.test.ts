// The committed OpenAPI document is what the routes say; /docs serves Swagger UI.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { startTestApp } from '../helpers/app.js'
import { TINY_CATALOG, upload } from '../helpers/http.js'
import { renderOpenApi } from '../../plugins/docs.js'
import { projectRoot } from '../../db/project-root.js'

const { app } = await startTestApp(t, {}, { workers: false })

t.test('openapi/openapi.json is up to date (run `npm run openapi` after changing a route)', async (t) => {
  const committed = fs.readFileSync(path.join(projectRoot(), 'openapi', 'openapi.json'), 'utf8')
  const generated = renderOpenApi(app)
  if (committed !== generated) {
    const a = JSON.parse(committed).paths
    const b = JSON.parse(generated).paths
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(p => JSON.stringify(a[p]) !== JSON.stringify(b[p]))
    t.fail(`openapi/openapi.json is stale; paths that differ: ${changed.join(', ') || '(document-level fields)'}. Run \`npm run openapi\`.`)
  } else {
    t.pass('committed document matches the routes')
  }
  const doc = JSON.parse(generated)
  for (const route of ['/api/bundles/quick-install', '/api/bundles/quick-install/status', '/api/bundles/status/{job_id}', '/api/bundles', '/api/bundles/export.csv', '/api/bundles/cron/cleanup-stuck-jobs', '/healthz', '/readyz']) {
    t.ok(doc.paths[route], `documents ${route}`)
  }
  t.ok(doc.paths['/api/bundles/quick-install'].post.responses['409'], 'documents the 409 shapes')
})

t.test('GET /metrics, a route with a documented schema, is in the document', async (t) => {
  const doc = JSON.parse(renderOpenApi(app))
  const metrics = doc.paths['/metrics']?.get
  t.ok(metrics, 'documents /metrics (declared by a plugin registered before the routes)')
  t.same(Object.keys(metrics?.responses?.['200']?.content ?? {}), ['text/plain'], 'its 200 is Prometheus text, not JSON')
  t.same(Object.keys(metrics?.responses?.['401']?.content ?? {}), ['application/json'], 'its 401 is {detail}')
  t.same(metrics?.security, [{ metricsToken: [] }, {}], 'METRICS_TOKEN when configured, not a Shopify session token')
  const res = await app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.equal(String(res.headers['content-type']).split(';')[0], 'text/plain', 'answered as the document says')
})

t.test('the document lists every status the upload route sends', async (t) => {
  const responses = JSON.parse(renderOpenApi(app)).paths['/api/bundles/quick-install'].post.responses
  // What the route can answer, and why (src/routes/quick-install.ts, plugins/security.ts, src/errors.ts).
  // 499 (the client closed the connection mid-upload) has nobody to read it, and a 500 is the generic
  // failure every route may give: neither is part of the contract.
  const sends: Record<string, string> = {
    200: 'started',
    400: 'a bad file or multipart body',
    401: 'no valid session token',
    409: 'already processing, or completed within the cooldown',
    413: 'over MAX_UPLOAD_MB or MAX_INFLATED_MB',
    429: 'over the upload rate limit',
    503: 'database or queue down, a hole in the stored file, or a shutdown while it arrived'
  }
  for (const [code, why] of Object.entries(sends)) t.ok(responses[code], `documents ${code} (${why})`)
  t.same(Object.keys(responses).sort(), Object.keys(sends).sort(), 'and nothing the route never sends')
  t.match(responses['429'], { content: { 'application/json': { schema: { properties: { detail: { type: 'string' } } } } }, headers: { 'Retry-After': { schema: { type: 'integer' } } } },
    '429 is {detail} with Retry-After')

  // The statuses a live app answers with are among them (401 needs a Shopify secret, 503 an outage: not driven here).
  const limited = await startTestApp(t, { MAX_UPLOAD_MB: 0.01, UPLOAD_RATE_LIMIT_MAX: 4 }, { workers: false })
  const h = { 'x-shop-domain': 'documented.myshopify.com' }
  const seen = [
    (await upload(limited.app, [], h)).statusCode,
    (await upload(limited.app, { filename: 'big.csv', content: 'product_id,name\n' + '1,A\n'.repeat(5000) }, h)).statusCode,
    (await upload(limited.app, { filename: 'a.csv', content: TINY_CATALOG }, h)).statusCode,
    (await upload(limited.app, { filename: 'a.csv', content: TINY_CATALOG }, h)).statusCode,
    (await upload(limited.app, { filename: 'a.csv', content: TINY_CATALOG }, h)).statusCode
  ]
  t.same(seen, [400, 413, 200, 409, 429], 'no file, too large, started, processing, rate-limited')
  for (const code of seen) t.ok(responses[String(code)], `the ${code} the app sent is documented`)
})

t.test('/docs serves Swagger UI', async (t) => {
  const res = await app.inject({ url: '/docs/' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /swagger/i)
  t.equal((await app.inject({ url: '/healthz' })).json().status, 'ok')
})

/** The media types the document lists for one route's status (what a generated client decodes it as). */
function documentedTypes (doc: any, route: string, method: string, status: number): string[] {
  return Object.keys(doc.paths[route]?.[method]?.responses?.[String(status)]?.content ?? {})
}

t.test('the CSV export documents its refusals as the JSON {detail} they are, and its 400', async (t) => {
  const doc = JSON.parse(renderOpenApi(app))
  const h = { 'x-shop-domain': 'export-refusals.myshopify.com' }
  const answers = {
    'no install yet': await app.inject({ url: '/api/bundles/export.csv', headers: h }),
    'job_id given twice': await app.inject({ url: '/api/bundles/export.csv?job_id=a&job_id=b', headers: h })
  }
  t.same(Object.values(answers).map(r => r.statusCode), [404, 400])
  for (const [why, res] of Object.entries(answers)) {
    const type = String(res.headers['content-type']).split(';')[0]
    t.equal(type, 'application/json', `${why}: answered as JSON`)
    t.match(res.json(), { detail: String }, `${why}: {detail}`)
    t.same(documentedTypes(doc, '/api/bundles/export.csv', 'get', res.statusCode), ['application/json'], `${why}: the document says ${res.statusCode} is application/json`)
  }
  t.same(documentedTypes(doc, '/api/bundles/export.csv', 'get', 200), ['text/csv'], 'the 200 stays text/csv')
})
