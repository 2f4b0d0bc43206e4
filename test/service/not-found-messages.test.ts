// Every 404 says what was wrong and what to send instead.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'

t.test('404 details say what was not found and what to do', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const h = { 'x-shop-domain': 'nothing-yet.myshopify.com' }
  const job = await app.inject({ url: '/api/bundles/status/00000000-0000-4000-8000-000000000000', headers: h })
  t.equal(job.statusCode, 404)
  t.match(job.json().detail, /^Job not found: this shop has no install with that id\. Use the job_id that POST \/api\/bundles\/quick-install answered/, `unknown job: ${job.body}`)
  const byId = await app.inject({ url: '/api/bundles?job_id=not-a-uuid', headers: h })
  t.same(byId.json(), job.json(), '?job_id= of no install: the same words')
  for (const url of ['/api/bundles', '/api/bundles/export.csv']) {
    const none = await app.inject({ url, headers: h })
    t.equal(none.statusCode, 404)
    t.match(none.json().detail, /^No completed quick install for this shop yet: upload an export with POST \/api\/bundles\/quick-install, then read the bundles once GET \/api\/bundles\/quick-install\/status says COMPLETED\.$/, `${url}: ${none.body}`)
  }
  const route = await app.inject({ method: 'GET', url: '/api/bundle?x=1' })
  t.same(route.json(), { detail: 'Not found: GET /api/bundle is not a route of this service. The routes are listed at /docs.' })
})
