// The committed OpenAPI document is what the routes say; /docs serves Swagger UI.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'drizzle-orm'
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

/** The headers of the API's contract: an answer carrying one must find it documented (x-ratelimit-* by prefix). */
const API_HEADERS = ['cache-control', 'retry-after', 'content-disposition', 'www-authenticate']
const isApiHeader = (name: string): boolean => API_HEADERS.includes(name) || name.startsWith('x-ratelimit-')

t.test('every API header a real answer carries is documented for its route and status, with its value', async (t) => {
  const doc = JSON.parse(renderOpenApi(app))
  const live = await startTestApp(t, { MAX_UPLOAD_MB: 0.01, UPLOAD_RATE_LIMIT_MAX: 5, CRON_SECRET: 'contract-cron-secret-0123', METRICS_TOKEN: 'contract-metrics-token-0123' }, { workers: false })
  const h = { 'x-shop-domain': 'headers.myshopify.com' }
  const bad = { 'x-shop-domain': 'not a shop' }
  const completed = crypto.randomUUID()
  await live.app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, updated_at, completed_at)
    values (${completed}, 'served.myshopify.com', 'quick_install_x.csv', 'completed', '{}'::jsonb, now(), now(), now())`)
  const served = { 'x-shop-domain': 'served.myshopify.com' }
  const get = async (url: string, headers: Record<string, string> = h): Promise<LightMyRequestResponse> => await live.app.inject({ url, headers })

  // [route as documented, method, answer]
  const answers: Array<[string, string, LightMyRequestResponse]> = [
    ['/healthz', 'get', await get('/healthz')],
    ['/readyz', 'get', await get('/readyz')],
    ['/metrics', 'get', await get('/metrics')],
    ['/metrics', 'get', await get('/metrics', { authorization: 'Bearer contract-metrics-token-0123' })],
    ['/api/bundles/quick-install', 'post', await upload(live.app, { filename: 'a.csv', content: TINY_CATALOG }, bad)],
    ['/api/bundles/quick-install', 'post', await live.app.inject({ method: 'POST', url: '/api/bundles/quick-install', headers: { ...h, 'content-type': 'application/json' }, payload: '{}' })],
    ['/api/bundles/quick-install', 'post', await upload(live.app, [], h)],
    ['/api/bundles/quick-install', 'post', await upload(live.app, { filename: 'big.csv', content: 'product_id,name\n' + '1,A\n'.repeat(5000) }, h)],
    ['/api/bundles/quick-install', 'post', await upload(live.app, { filename: 'a.csv', content: TINY_CATALOG }, h)],
    ['/api/bundles/quick-install', 'post', await upload(live.app, { filename: 'a.csv', content: TINY_CATALOG }, h)],
    ['/api/bundles/quick-install', 'post', await upload(live.app, { filename: 'a.csv', content: TINY_CATALOG }, h)],
    ['/api/bundles/quick-install/status', 'get', await get('/api/bundles/quick-install/status')],
    ['/api/bundles/quick-install/status', 'get', await get('/api/bundles/quick-install/status', bad)],
    ['/api/bundles/status/{job_id}', 'get', await get(`/api/bundles/status/${completed}`, served)],
    ['/api/bundles/status/{job_id}', 'get', await get(`/api/bundles/status/${completed}`)],
    ['/api/bundles/status/{job_id}', 'get', await get(`/api/bundles/status/${completed}`, bad)],
    ['/api/bundles', 'get', await get('/api/bundles', served)],
    ['/api/bundles', 'get', await get('/api/bundles?page=0', served)],
    ['/api/bundles', 'get', await get('/api/bundles')],
    ['/api/bundles', 'get', await get('/api/bundles', bad)],
    ['/api/bundles/export.csv', 'get', await get('/api/bundles/export.csv', served)],
    ['/api/bundles/export.csv', 'get', await get('/api/bundles/export.csv?job_id=a&job_id=b', served)],
    ['/api/bundles/export.csv', 'get', await get('/api/bundles/export.csv')],
    ['/api/bundles/export.csv', 'get', await get('/api/bundles/export.csv', bad)],
    ['/api/bundles/cron/cleanup-stuck-jobs', 'post', await live.app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs', headers: { authorization: 'Bearer contract-cron-secret-0123' } })],
    ['/api/bundles/cron/cleanup-stuck-jobs', 'post', await live.app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs' })]
  ]
  const reached = new Set(answers.map(([route, method, res]) => `${method.toUpperCase()} ${route} ${res.statusCode}`))
  t.same([...reached].filter(k => / (200|400|401|404|409|413|429)$/.test(k) === false), [], 'every answer is a status driven on purpose (no 5xx)')
  t.ok(reached.has('POST /api/bundles/quick-install 429') && reached.has('POST /api/bundles/quick-install 409') && reached.has('GET /api/bundles/export.csv 200') && reached.has('GET /metrics 401'),
    `the answers that carry the rarer headers were reached: ${[...reached].join(', ')}`)

  let checked = 0
  for (const [route, method, res] of answers) {
    const where = `${method.toUpperCase()} ${route} ${res.statusCode}`
    const documented = doc.paths[route]?.[method]?.responses?.[String(res.statusCode)]
    if (documented === undefined) { t.fail(`${where}: the status is not documented`); continue }
    const headers = new Map(Object.entries(documented.headers ?? {}).map(([name, spec]) => [name.toLowerCase(), spec as { schema: { type?: string, enum?: unknown[] } }]))
    for (const [name, value] of Object.entries(res.headers)) {
      if (!isApiHeader(name)) continue
      checked++
      const spec = headers.get(name)
      if (spec === undefined) { t.fail(`${where} sends ${name}: ${String(value)}, which the document does not list for it`); continue }
      if (spec.schema.enum !== undefined) t.ok(spec.schema.enum.includes(String(value)), `${where}: ${name} "${String(value)}" is one of the documented ${JSON.stringify(spec.schema.enum)}`)
      if (spec.schema.type === 'integer') t.match(String(value), /^\d+$/, `${where}: ${name} is the documented integer`)
    }
  }
  t.ok(checked > answers.length, `checked ${checked} API headers`)
  // The reverse for the two a client relies on: sent wherever documented, on the answers above.
  for (const [route, method, res] of answers) {
    if (route.startsWith('/api/')) t.equal(res.headers['cache-control'], 'no-store', `${method.toUpperCase()} ${route} ${res.statusCode} carries Cache-Control: no-store`)
  }
})

interface Shape { title?: string, required?: string[], properties: Record<string, { type?: string, enum?: unknown[], nullable?: boolean }> }
/** Whether a flat JSON object fits one published object schema: required present, nothing undeclared, types and enums kept. */
function fits (shape: Shape, body: Record<string, unknown>): boolean {
  const typeOf = (v: unknown): string => v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v
  return (shape.required ?? []).every(k => k in body) && Object.entries(body).every(([k, v]) => {
    const p = shape.properties[k]
    if (p === undefined) return false
    if (v === null) return p.nullable === true
    if (p.enum !== undefined && !p.enum.includes(v)) return false
    return p.type === undefined || p.type === typeOf(v) || (p.type === 'number' && typeof v === 'number')
  })
}

t.test('the quick-install status: its five shapes are published as a oneOf, and each real answer is exactly one of them, byte for byte as before', async (t) => {
  const shapes: Shape[] = JSON.parse(renderOpenApi(app)).paths['/api/bundles/quick-install/status'].get.responses['200'].content['application/json'].schema.oneOf ?? []
  t.same(shapes.map(s => s.title), ['NeverRun', 'Processing', 'CompletedWithinCooldown', 'CompletedAfterCooldown', 'Failed'], 'the document publishes the five shapes as a oneOf')

  // One shop per shape, each read once right after its row is written (no status cache in the way).
  const insert = async (shop: string, status: string, fields: { createdAt: Date, updatedAt?: Date, completedAt?: Date, rows?: number, error?: string }): Promise<string> => {
    const id = crypto.randomUUID()
    await app.db.orm.execute(sql`insert into csv_uploads (id, shop_id, filename, status, processing_params, processed_rows, error_message, created_at, updated_at, completed_at)
      values (${id}, ${`${shop}.myshopify.com`}, 'quick_install_x.csv', ${status}, '{}'::jsonb, ${fields.rows ?? 0}, ${fields.error ?? null}, ${fields.createdAt}, ${fields.updatedAt ?? fields.createdAt}, ${fields.completedAt ?? null})`)
    return id
  }
  const read = async (shop: string): Promise<string> => {
    const res = await app.inject({ url: '/api/bundles/quick-install/status', headers: { 'x-shop-domain': `${shop}.myshopify.com` } })
    t.equal(res.statusCode, 200, `${shop}: ${res.body}`)
    return res.body
  }
  const ago = (days: number, seconds = 0): Date => new Date(Date.now() - days * 86_400_000 - seconds * 1000 - 60_000)

  const started = ago(0, 5)
  const processing = await insert('shape-processing', 'processing', { createdAt: started })
  const recent = ago(10)
  const withinCooldown = await insert('shape-cooldown', 'completed', { createdAt: recent, completedAt: recent, rows: 7 })
  const old = ago(31)
  const afterCooldown = await insert('shape-after', 'completed', { createdAt: old, completedAt: old, rows: 3 })
  const failedCreated = ago(2)
  const failedAt = ago(1)
  const failed = await insert('shape-failed', 'failed', { createdAt: failedCreated, updatedAt: failedAt, error: 'No order had two or more products' })

  const processingBody = await read('shape-processing')
  const elapsed = JSON.parse(processingBody).elapsed_seconds
  t.ok(Number.isInteger(elapsed) && elapsed >= 65, `elapsed_seconds counts from created_at: ${String(elapsed)}`)
  // The exact bytes the all-optional schema wrote: the same properties, in the same order.
  const answers: Record<string, [string, string]> = {
    NeverRun: [await read('shape-never'), '{"has_quick_install":false,"can_run":true,"message":"Quick install has not been run for this shop"}'],
    Processing: [processingBody, `{"has_quick_install":true,"can_run":false,"message":"Quick install is processing. Bundles are being generated...","job_id":"${processing}","status":"PROCESSING","created_at":"${started.toISOString()}","started_at":"${started.toISOString()}","elapsed_seconds":${String(elapsed)}}`],
    CompletedWithinCooldown: [await read('shape-cooldown'), `{"has_quick_install":true,"can_run":false,"message":"Quick install completed - Can retry in 20 days","job_id":"${withinCooldown}","status":"COMPLETED","created_at":"${recent.toISOString()}","completed_at":"${recent.toISOString()}","bundles_created":7,"days_since_install":10,"can_retry_in_days":20}`],
    CompletedAfterCooldown: [await read('shape-after'), `{"has_quick_install":true,"can_run":true,"message":"Quick install completed - You can run it again","job_id":"${afterCooldown}","status":"COMPLETED","created_at":"${old.toISOString()}","completed_at":"${old.toISOString()}","bundles_created":3,"days_since_install":31,"can_retry_in_days":0}`],
    Failed: [await read('shape-failed'), `{"has_quick_install":true,"can_run":true,"message":"Quick install failed. You can try again.","job_id":"${failed}","status":"FAILED","created_at":"${failedCreated.toISOString()}","error_message":"No order had two or more products","failed_at":"${failedAt.toISOString()}","last_completed_job_id":null}`]
  }
  for (const [title, [body, expected]] of Object.entries(answers)) {
    t.equal(body, expected, `${title}: the exact bytes`)
    const matching = shapes.filter(s => fits(s, JSON.parse(body))).map(s => s.title)
    t.same(matching, [title], `${title}: fits exactly one published shape, its own (fits: ${matching.join(', ') || 'none'})`)
  }
})
