// The keyboard stays where the merchant left it when an action ends without a change of section:
// a button disabled while its action runs drops the focus to the page's body (the next Tab starts
// over from the top), so it must get it back. Real server, real Chromium.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, espressoOrderLines, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'


async function focusedId (page: Page): Promise<string> {
  return await page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { id: string, tagName: string } | null } }).document.activeElement
    return active === null ? 'none' : (active.id !== '' ? active.id : active.tagName)
  })
}

t.test('focus after an upload refused, a failed run retried and a CSV download', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-web-focus-'))
  t.teardown(() => { fs.rmSync(tmp, { recursive: true, force: true }) })
  const badColumns = path.join(tmp, 'colours.csv')
  fs.writeFileSync(badColumns, 'colour,size,stock\nred,M,3\n')
  const noPairs = path.join(tmp, 'single-item-orders.csv')
  fs.writeFileSync(noPairs, 'order_id,product_id,quantity,price\n' + Array.from({ length: 60 }, (_, i) => `${i},P${i % 6},1,9.00`).join('\n') + '\n')
  const orders = path.join(tmp, 'orders.csv')
  const lines = espressoOrderLines()
  fs.writeFileSync(orders, lines.join('\n') + '\n')

  const started = await startPageServer(t, 'keyboard-focus', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started
  const browser = await launchChromium(t)
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true })
  const page = await context.newPage()
  await page.goto(`${server.url}/?shop=web-focus.myshopify.com`)
  await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })

  // Keyboard only: choose the file, then Enter on the upload button.
  await page.setInputFiles('#file', badColumns)
  await page.focus('#upload-button')
  await page.keyboard.press('Enter')
  await page.locator('#upload-message', { hasText: 'The file was not accepted' }).waitFor({ state: 'visible', timeout: 15_000 })
  t.equal(await focusedId(page), 'upload-button', 'a refused upload leaves the keyboard on the upload button, not on the page body')
  await page.keyboard.press('Shift+Tab')
  t.equal(await focusedId(page), 'file', 'Shift+Tab goes back to the file field, as before the upload')

  await page.setInputFiles('#file', noPairs)
  await page.focus('#upload-button')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#failed-section', { state: 'visible', timeout: 60_000 })
  t.equal(await focusedId(page), 'failed-heading', 'the failure takes the keyboard (it was on the hidden processing card)')

  // Try again with a file the service refuses before it runs anything: the keyboard stays on the button.
  await page.setInputFiles('#file', badColumns)
  await page.focus('#retry-button')
  await page.keyboard.press('Enter')
  await page.locator('#upload-message', { hasText: 'The file was not accepted' }).waitFor({ state: 'visible', timeout: 15_000 })
  t.equal(await focusedId(page), 'retry-button', 'a refused retry leaves the keyboard on "Try again"')

  await page.setInputFiles('#file', orders)
  await page.focus('#retry-button')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#results-section', { state: 'visible', timeout: 60_000 })
  await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 15_000 })
  t.equal(await focusedId(page), 'results-heading', 'the bundles take the keyboard')

  await page.focus('#export-button')
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.keyboard.press('Enter')])
  await download.path()
  await page.locator('#status', { hasText: 'The CSV download has started' }).waitFor({ timeout: 15_000 })
  t.equal(await focusedId(page), 'export-button', 'after the download the keyboard is still on the download button')
  await page.close()
})
