// /api answers are one shop's data: every one, refusals included, says Cache-Control: no-store, so
// neither a browser nor a shared cache between the merchant and us keeps a copy. The page and /docs
// keep their own caching.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { upload } from '../helpers/http.js'

const ORDERS = 'order_id,product_id,quantity\n1,A,1\n1,B,1\n2,A,1\n2,B,2\n'

t.test('every /api answer says no-store; the page does not', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const h = { 'x-shop-domain': 'cache-check.myshopify.com' }
  const installed = await upload(app, { filename: 'orders.csv', content: ORDERS }, h)
  t.equal(installed.statusCode, 200, installed.body)
  const answers = {
    'upload 200': installed,
    'status 200': await app.inject({ url: '/api/bundles/quick-install/status', headers: h }),
    'job status 200': await app.inject({ url: `/api/bundles/status/${installed.json().job_id as string}`, headers: h }),
    'bundles 404': await app.inject({ url: '/api/bundles', headers: h }),
    'export 404': await app.inject({ url: '/api/bundles/export.csv', headers: h }),
    'bad shop 401': await app.inject({ url: '/api/bundles', headers: { 'x-shop-domain': 'not a shop' } }),
    'second upload 409': await upload(app, { filename: 'orders.csv', content: ORDERS }, h),
    'cron without secret': await app.inject({ method: 'POST', url: '/api/bundles/cron/cleanup-stuck-jobs' })
  }
  for (const [what, res] of Object.entries(answers)) t.equal(res.headers['cache-control'], 'no-store', `${what} (${res.statusCode}): cache-control ${String(res.headers['cache-control'])}`)
  const page = await app.inject({ url: '/' })
  t.not(page.headers['cache-control'], 'no-store', 'the page keeps its own caching rule')
})
