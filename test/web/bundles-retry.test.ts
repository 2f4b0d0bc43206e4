// A completed install whose bundles cannot be loaded at first (the service restarting between the
// status answer and GET /api/bundles) must still show them once the service answers again, without
// a reload. Real server, real Chromium; the first answers are cut by the browser's request routing.
import t from 'tap'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, espressoOrderLines, installThroughApi, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const SHOP = 'web-bundles-retry.myshopify.com'

t.test('the bundles of a completed install load once the service answers again', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const started = await startPageServer(t, 'bundles-retry', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started

  // A completed install, made through the API.
  const lines = espressoOrderLines()
  await installThroughApi(t, server.url, SHOP, lines.join('\n') + '\n')

  const browser = await launchChromium(t)
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
