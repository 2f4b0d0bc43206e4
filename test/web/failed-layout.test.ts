// A failed run shown with the bundles of the previous install: the failure card says "choose another
// below", so the file field must come right below it, not after the (up to 200) bundles. Real server
// (no cooldown, so a second install may follow a completed one), real Chromium.
import t from 'tap'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, installThroughApi, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const SHOP = 'web-failed-layout.myshopify.com'

t.test('after a failure, the file field comes before the previous bundles', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const started = await startPageServer(t, 'failed-layout', { QUICK_INSTALL_COOLDOWN_DAYS: '0', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started
  // Many bundles: 40 products, each bought with its partner in every other order.
  const lines = ['order_id,product_id,product_title,quantity,price,currency']
  for (let i = 0; i < 1200; i++) {
    const p = i % 40
    lines.push(`${i},P${p},Product ${p},1,${10 + p}.00,USD`)
    if (i % 2 === 0) lines.push(`${i},Q${p},Partner ${p},1,${5 + p}.00,USD`)
  }
  await installThroughApi(t, server.url, SHOP, lines.join('\n') + '\n', 'COMPLETED')
  const completed = await (await fetch(`${server.url}/api/bundles/quick-install/status`, { headers: { 'X-Shop-Domain': SHOP } })).json() as { job_id: string }
  // One product per order, one unit each: nothing to bundle, so this run fails.
  await installThroughApi(t, server.url, SHOP, 'order_id,product_id,quantity,price\n' + Array.from({ length: 60 }, (_, i) => `${i},P${i % 6},1,9.00`).join('\n') + '\n', 'FAILED')

  const browser = await launchChromium(t)
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const page = await browser.newPage({ viewport })
    const bundleReads: string[] = []
    page.on('request', req => { const url = new URL(req.url()); if (url.pathname === '/api/bundles') bundleReads.push(url.search) })
    await page.goto(`${server.url}/?shop=${SHOP}`)
    await page.waitForSelector('#failed-section', { state: 'visible', timeout: 15_000 })
    await page.locator('#status', { hasText: 'from the previous install' }).waitFor({ timeout: 15_000 })
    const rows = (await page.$$('#bundles-body tr')).length
    t.ok(rows >= 20, `the previous install's bundles are listed (${rows})`)
    // The install the status names (last_completed_job_id), not whatever is latest when the page asks.
    t.ok(bundleReads.length > 0 && bundleReads.every(q => new URLSearchParams(q).get('job_id') === completed.job_id),
      `the page asks for the install the status names (job_id=${completed.job_id}): ${bundleReads.join(', ')}`)
    const top = async (selector: string): Promise<number> => (await page.locator(selector).boundingBox())?.y ?? Number.NaN
    const [failed, upload, results] = [await top('#failed-section'), await top('#upload-section'), await top('#results-section')]
    t.ok(failed < upload && upload < results,
      `${viewport.width} px: the failure, then the file field it points to ("below"), then the bundles (tops ${failed}, ${upload}, ${results})`)
    await page.close()
  }
})
