// The merchant page checked with axe-core (injected into the page) in every state the merchant sees,
// at a desktop (1280 px) and a phone (390 px) width, against the real service in real Chromium.
// axe runs its default rules (WCAG 2.x A and AA, and its best practices; not the experimental ones
// nor AAA contrast).
//
// Which violations fail the test: every one, serious and critical, and also moderate and minor. The
// page is small and has none of any impact, and axe's moderate/minor rules that apply to it are the
// landmark and heading rules a screen-reader user moves through this page by (two regions both named
// "Your bundles" was a moderate one): letting them through would let that structure decay unseen. A
// rule found wrong for this page should be turned off by name in AXE_OPTIONS, with the reason, rather
// than let through by its impact.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import t from 'tap'
import type { Browser, Page, Route } from 'playwright-core'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, espressoOrderLines, installThroughApi, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const AXE = createRequire(import.meta.url).resolve('axe-core')
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }]
/** Options for axe.run: violations only, every default rule on. */
const AXE_OPTIONS = { resultTypes: ['violations'] }

// One product per order, one unit each: nothing to bundle, so the run fails.
const NO_PAIRS = 'order_id,product_id,quantity,price\n' + Array.from({ length: 60 }, (_, i) => `${i},P${i % 6},1,9.00`).join('\n') + '\n'
const ORDERS = espressoOrderLines().join('\n') + '\n'

interface Violation { id: string, impact: string | null, help: string, targets: string[] }

/** axe's violations on the page as it is now (axe is injected first; the context bypasses the CSP for it). */
async function axeViolations (page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE })
  return await page.evaluate(async options => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string, impact: string | null, help: string, nodes: Array<{ target: unknown[] }> }> }> } }).axe
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, options)
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.map(String).join(' ')) }))
  }, AXE_OPTIONS)
}

t.test('the merchant page has no axe violation in any state', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  // With a cooldown (completed: no upload form), and without (a failed re-run beside the previous bundles).
  const [cooldown, noCooldown] = await Promise.all([
    startPageServer(t, 'a11y-cooldown', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' }),
    startPageServer(t, 'a11y-no-cooldown', { QUICK_INSTALL_COOLDOWN_DAYS: '0', WORKER_POLL_SECONDS: '0.5' })
  ])
  if (cooldown === null || noCooldown === null) return
  await Promise.all([
    installThroughApi(t, cooldown.url, 'a11y-done.myshopify.com', ORDERS, 'COMPLETED'),
    installThroughApi(t, cooldown.url, 'a11y-failed.myshopify.com', NO_PAIRS, 'FAILED'),
    installThroughApi(t, noCooldown.url, 'a11y-again.myshopify.com', ORDERS, 'COMPLETED')
  ])
  const browser: Browser = await launchChromium(t)
  const context = await browser.newContext({ bypassCSP: true })
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-a11y-files-'))
  t.teardown(() => { fs.rmSync(tmp, { recursive: true, force: true }) })
  const badColumns = path.join(tmp, 'colours.csv')
  fs.writeFileSync(badColumns, 'colour,size,stock\nred,M,3\nblue,L,0\n')
  const orders = path.join(tmp, 'orders.csv')
  fs.writeFileSync(orders, ORDERS)

  const found: string[] = []
  /** Runs axe at both widths; each violation fails, naming the state, the width, the rule and the elements. */
  async function audit (page: Page, state: string): Promise<void> {
    for (const viewport of WIDTHS) {
      await page.setViewportSize(viewport)
      const where = `${state} at ${viewport.width} px`
      const violations = await axeViolations(page)
      for (const v of violations) {
        const line = `${where}: ${v.id} (${v.impact ?? 'no impact'}: ${v.help}) on ${v.targets.join(', ')}`
        found.push(line)
        t.fail(line)
      }
      if (violations.length === 0) t.pass(`${where}: no axe violation`)
    }
  }
  async function open (url: string, visible: string, status?: string): Promise<Page> {
    const page = await context.newPage()
    await page.goto(url)
    await page.waitForSelector(visible, { state: 'visible', timeout: 15_000 })
    if (status !== undefined) await page.locator('#status', { hasText: status }).waitFor({ timeout: 15_000 })
    return page
  }

  await t.test('idle, then the 400 refusal, then uploading', async () => {
    const page = await open(`${cooldown.url}/?shop=a11y-idle.myshopify.com`, '#upload-section', 'Ready')
    await audit(page, 'idle (ready to upload)')

    await page.setInputFiles('#file', badColumns)
    await page.click('#upload-button')
    await page.locator('#upload-message', { hasText: 'The file was not accepted' }).waitFor({ timeout: 15_000 })
    await audit(page, 'the 400 refusal after a bad file')

    // The upload held until the audit is done: the progress bar stays on screen.
    let release: () => void = () => {}
    const held = new Promise<void>(resolve => { release = resolve })
    await page.route('**/api/bundles/quick-install', async (route: Route) => {
      if (route.request().method() !== 'POST') { await route.continue(); return }
      await held
      await route.abort('connectionrefused')
    })
    await page.setInputFiles('#file', orders)
    await page.click('#upload-button')
    await page.waitForSelector('#upload-progress', { state: 'visible', timeout: 5000 })
    await audit(page, 'uploading')
    release()
    await page.close()
  })

  await t.test('processing', async () => {
    const page = await context.newPage()
    const now = new Date().toISOString()
    await page.route('**/api/bundles/quick-install/status', async route => {
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          has_quick_install: true, can_run: false, status: 'PROCESSING', job_id: '00000000-0000-4000-8000-000000000001',
          created_at: now, started_at: now, elapsed_seconds: 5, message: 'Quick install is processing.'
        })
      })
    })
    await page.goto(`${cooldown.url}/?shop=a11y-processing.myshopify.com`)
    await page.waitForSelector('#processing-section', { state: 'visible', timeout: 15_000 })
    await audit(page, 'processing')
    await page.close()
  })

  await t.test('completed within the cooldown (bundles, no upload form)', async t => {
    const page = await open(`${cooldown.url}/?shop=a11y-done.myshopify.com`, '#results-section', 'bundles ready')
    await audit(page, 'completed within the cooldown')
    // axe does not fail an aria-labelledby naming no element: the regions' names are checked here.
    t.equal(await page.getByRole('region', { name: 'Your bundles', exact: true }).count(), 1, 'one region named "Your bundles"')
    t.equal(await page.getByRole('region', { name: 'Bundles, best first', exact: true }).count(), 1, 'the table\'s scroll region is named by its caption')
    await page.close()
  })

  await t.test('completed, another run allowed (bundles and the upload form)', async () => {
    const page = await open(`${noCooldown.url}/?shop=a11y-again.myshopify.com`, '#results-section', 'bundles ready')
    await audit(page, 'completed with the upload form')
    await page.close()
  })

  await t.test('failed, no earlier install', async () => {
    const page = await open(`${cooldown.url}/?shop=a11y-failed.myshopify.com`, '#failed-section', 'Quick install failed')
    await audit(page, 'failed without bundles')
    await page.close()
  })

  await t.test('failed, with the previous install\'s bundles', async t => {
    await installThroughApi(t, noCooldown.url, 'a11y-again.myshopify.com', NO_PAIRS, 'FAILED')
    const page = await open(`${noCooldown.url}/?shop=a11y-again.myshopify.com`, '#failed-section', 'from the previous install')
    await audit(page, 'failed with the previous bundles')
    await page.close()
  })

  t.same(found, [], 'no axe violation in any state')
})
