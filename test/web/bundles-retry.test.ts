// A completed install whose bundles cannot be loaded at first (the service restarting between the
// status answer and GET /api/bundles) must still show them once the service answers again, without
// a reload. Real server, real Chromium; the first answers are cut by the browser's request routing.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { ensurePageBuilt, repoRoot, startRealServer, type RealServer } from './real-server.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/web')
const missing = fs.existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`
const SHOP = 'web-bundles-retry.myshopify.com'

t.test('the bundles of a completed install load once the service answers again', { skip: skipUnlessCI(t, missing) }, async t => {
  const { chromium } = await import('playwright-core')
  ensurePageBuilt()
  let server: RealServer
  try {
    server = await startRealServer('bundles-retry', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' }, ARTIFACTS)
  } catch (err) {
    t.fail(`the real server did not start: ${(err as Error).message}`)
    return
  }
  t.teardown(async () => { await server.stop() })

  // A completed install, made through the API.
  const lines = ['order_id,product_id,product_title,quantity,price,currency']
  for (let i = 0; i < 200; i++) {
    if (i % 2 === 0) lines.push(`${i},CUP,Espresso Cup,1,12.00,USD`, `${i},BEAN,Espresso Beans,1,18.00,USD`)
    lines.push(`${i},P${i % 20},Product ${i % 20},1,${5 + (i % 20)}.00,USD`)
  }
  const form = new FormData()
  form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'orders.csv')
  const headers = { 'X-Shop-Domain': SHOP }
  const res = await fetch(`${server.url}/api/bundles/quick-install`, { method: 'POST', body: form, headers })
  t.equal(res.status, 200, 'the upload is accepted')
  let status = ''
  for (let i = 0; i < 120 && status !== 'COMPLETED'; i++) {
    await new Promise(resolve => setTimeout(resolve, 500))
    status = ((await (await fetch(`${server.url}/api/bundles/quick-install/status`, { headers })).json()) as { status?: string }).status ?? ''
  }
  t.equal(status, 'COMPLETED', 'the install completed')

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage()
  let cut = 0
  await page.route('**/api/bundles?*', async route => {
    if (cut < 2) {
      cut++
      await route.abort('connectionrefused')
    } else {
      await route.continue()
    }
  })
  await page.goto(`${server.url}/?shop=${SHOP}`)
  await page.locator('#alert', { hasText: 'The bundles could not be loaded' }).waitFor({ state: 'visible', timeout: 15_000 })
  t.match(await page.textContent('#alert'), /keeps trying/, 'the page says it keeps trying (no reload needed)')
  await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 20_000 })
  t.equal(cut, 2, 'the first two loads were cut')
  t.ok((await page.$$('#bundles-body tr')).length > 0, 'the bundles are listed once the service answers')
  t.notOk(await page.isVisible('#alert'), 'the sentence about the failed load is gone')
  await page.close()
})
