// Development mode: the shop cannot be chosen again while an upload is being sent. Choosing it (even
// the same shop) started a new view that dropped the upload's answer, so the page said "Ready" while
// the install the upload started was running. Real server, real Chromium, a throttled upload.
import t from 'tap'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'


t.test('the shop stays put while an upload is being sent', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const started = await startPageServer(t, 'shop-during-upload', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started
  const browser = await launchChromium(t)
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  await page.goto(`${server.url}/?shop=web-shop-upload.myshopify.com`)
  await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })

  // About 600 KB at 128 KB/s: several seconds of upload to act in.
  const lines = ['order_id,product_id,product_title,quantity,price,currency']
  for (let i = 0; i < 12_000; i++) {
    lines.push(`${i},P${i % 30},Product number ${i % 30},1,${5 + (i % 30)}.00,USD`)
    if (i % 2 === 0) lines.push(`${i},CUP,Espresso Cup,1,12.00,USD`, `${i},BEAN,Espresso Beans,1,18.00,USD`)
  }
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 128 * 1024 })
  await page.setInputFiles('#file', { name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') })
  await page.click('#upload-button')
  await page.waitForSelector('#upload-progress', { state: 'visible', timeout: 5000 })
  t.ok(await page.isDisabled('#shop-form button[type=submit]'), '"Use this shop" is disabled while the file is being sent')
  await page.focus('#shop')
  await page.keyboard.press('Enter') // implicit submission of the shop form
  await page.waitForTimeout(500)
  t.ok(await page.isVisible('#upload-progress'), 'Enter in the shop field does not start over: the upload is still shown')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  await page.waitForSelector('#processing-section, #results-section', { state: 'visible', timeout: 60_000 })
  await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 30_000 })
  t.pass('the page follows the upload it sent to its bundles')
  t.ok(await page.isEnabled('#shop-form button[type=submit]'), '"Use this shop" is enabled again')
  await page.close()
})
