// The merchant page in a real browser (Debian's Chromium through playwright-core) against the real
// service, started as a child process on embedded PGlite. Screenshots of each state go to
// test-artifacts/web/ (not committed).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SignJWT } from 'jose'
import { ensurePageBuilt, repoRoot } from './real-server.js'
import { ARTIFACTS, chromiumMissing, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const GEN_SHOP = path.join(repoRoot, '../shared/tools/gen-shop.mjs')
// Big enough that its run is still going when the page reloads (override to tune on a faster machine).
const BIG_ORDERS = Number(process.env.WEB_TEST_BIG_ORDERS ?? 300_000)
const PHONE = { width: 375, height: 812 }
const NARROW_PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }
// No spaces to break at: a SKU-like title that once made a 642 px cell in a 322 px card.
const LONG_TITLE = 'Extraordinarilylongproductnamewithoutanyspacesthatawholesalerexportedfromitslegacysystem'

/** Waits until the element is visible and its text contains `text`. */
async function waitForText (page: Page, selector: string, text: string, timeout = 15_000): Promise<void> {
  await page.locator(selector, { hasText: text }).waitFor({ state: 'visible', timeout })
}

// What the in-page predicates below touch. They are functions, not strings: the service's CSP forbids
// eval, and Playwright evaluates string predicates with it. The test is compiled without the DOM lib.
interface PageGlobals {
  document: { querySelector: (selector: string) => { value?: unknown, max?: unknown } | null }
}
interface LayoutGlobals {
  innerWidth: number
  document: {
    documentElement: { scrollWidth: number }
    querySelectorAll: (selector: string) => ArrayLike<{ scrollWidth: number, clientWidth: number, dataset: { label?: string } }>
  }
}

/** The id of the focused element ("BODY" when focus fell back to the page). */
async function focusedId (page: Page): Promise<string> {
  return await page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { id: string, tagName: string } | null } }).document.activeElement
    return active === null ? 'none' : (active.id !== '' ? active.id : active.tagName)
  })
}

/** What the page does when its tab comes back to the front (headless tabs are always "visible"). */
async function tabShown (page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { document: { dispatchEvent: (e: unknown) => boolean }, Event: new (type: string) => unknown }
    g.document.dispatchEvent(new g.Event('visibilitychange'))
  })
}

/** Sideways overflow of the page, and table cells whose content is wider than the cell. */
async function overflowAt (page: Page): Promise<{ page: number, cells: string[] }> {
  return await page.evaluate(() => {
    const g = globalThis as unknown as LayoutGlobals
    const cells = Array.from(g.document.querySelectorAll('#bundles-body td'))
      .filter(td => td.scrollWidth > td.clientWidth + 1)
      .map(td => `${td.dataset.label ?? '?'}: ${td.scrollWidth} px in ${td.clientWidth} px`)
    return { page: g.document.documentElement.scrollWidth - g.innerWidth, cells }
  })
}

/** Visible text with the no-break spaces the page puts inside a volume tier made plain. */
const plain = (text: string | null): string => (text ?? '').replace(/\u00a0/g, ' ')

const missing = chromiumMissing !== false
  ? chromiumMissing
  : !fs.existsSync(GEN_SHOP)
      ? `${GEN_SHOP} is missing (the shop generator beside the repository)`
      : false

t.test('merchant page in a real browser', { skip: skipUnlessCI(t, missing) }, async t => {
  ensurePageBuilt()
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-web-files-'))
  t.teardown(() => { fs.rmSync(tmp, { recursive: true, force: true }) })

  const files = {
    orders: path.join(tmp, 'orders-3000.csv'),
    big: path.join(tmp, `orders-${BIG_ORDERS}.csv.gz`),
    badColumns: path.join(tmp, 'colours.csv'),
    notCsv: path.join(tmp, 'notes.txt'),
    noPairs: path.join(tmp, 'single-item-orders.csv'),
    small: path.join(tmp, 'small-orders.csv')
  }
  const gen = (orders: number, seed: number, out: string): void => {
    execFileSync(process.execPath, [GEN_SHOP, '--orders', String(orders), '--seed', String(seed), '--format', 'shopify-orders', '--out', out])
  }
  gen(3000, 3, files.orders)
  gen(BIG_ORDERS, 5, files.big)
  fs.writeFileSync(files.badColumns, 'colour,size,stock\nred,M,3\nblue,L,0\n')
  fs.writeFileSync(files.notCsv, 'just some notes\n')
  // Real orders, but each buys one unit of one product: nothing to bundle, so the run must fail.
  fs.writeFileSync(files.noPairs, 'order_id,product_id,product_title,quantity,price\n' +
    Array.from({ length: 400 }, (_, i) => `${1000 + i},P${i % 40},Product ${i % 40},1,${10 + (i % 40)}.00`).join('\n') + '\n')
  // Under 1 MB (the Shopify-mode server's limit): a pair whose title has no spaces, and socks bought
  // two or three at a time, so the run makes a bought-together bundle and a volume discount.
  const small = ['order_id,product_id,product_title,quantity,price,currency']
  for (let i = 0; i < 300; i++) {
    if (i % 2 === 0) small.push(`${i},LONG,${LONG_TITLE},1,24.00,USD`, `${i},MUG,Stoneware Mug,1,12.00,USD`)
    if (i % 3 === 0) small.push(`${i},SOCK,Crew Socks,${2 + (i % 2)},9.99,USD`)
    small.push(`${i},P${i % 25},Product ${i % 25},1,${5 + (i % 25)}.00,USD`)
  }
  fs.writeFileSync(files.small, small.join('\n') + '\n')

  const started = await startPageServer(t, 'development', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started
  t.comment(`the service runs on ${server.database}`)

  const browser: Browser = await launchChromium(t)
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true })

  // Every request any page makes must stay on the service (no CDN, nothing external).
  const foreign: string[] = []
  const pageErrors: string[] = []
  const services = [server.url] // the Shopify-mode server adds itself
  context.on('request', req => {
    const u = req.url()
    if (!services.some(s => u.startsWith(`${s}/`)) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u)
  })
  context.on('page', p => {
    p.on('pageerror', e => { pageErrors.push(e.message) })
    // Whatever CSP the service sends, the page must not trip it.
    p.on('console', m => { if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text()) })
  })

  const shot = async (page: Page, name: string, fullPage = true): Promise<void> => {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage })
  }
  /** The top of the page (where a state shows) at desktop and phone widths, then back to the page's size. */
  const shotsAt = async (page: Page, name: string): Promise<void> => {
    const size = page.viewportSize()
    await page.evaluate(() => { (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0) })
    for (const viewport of [DESKTOP, NARROW_PHONE]) {
      await page.setViewportSize(viewport)
      await shot(page, `${name}-${viewport.width}`, false)
    }
    if (size !== null) await page.setViewportSize(size)
  }
  const statusText = async (page: Page): Promise<string> => (await page.textContent('#status')) ?? ''
  const alertText = async (page: Page): Promise<string> => (await page.textContent('#alert')) ?? ''
  const uploadMessage = async (page: Page): Promise<string> => (await page.textContent('#upload-message')) ?? ''
  async function upload (page: Page, file: string, button = '#upload-button'): Promise<void> {
    await page.setInputFiles('#file', file)
    await page.click(button)
  }
  async function openFor (shop: string): Promise<Page> {
    const page = await context.newPage()
    await page.goto(`${server.url}/?shop=${shop}`)
    await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })
    return page
  }

  await t.test('upload a Shopify export: progress, PROCESSING, then COMPLETED with the bundles', async t => {
    const page = await context.newPage()
    await page.goto(server.url)
    await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })
    t.match(await statusText(page), /Ready/, 'a shop that never ran gets the upload form')
    t.ok(await page.isVisible('#shop-form'), 'development mode shows the shop field')

    await page.fill('#shop', 'web-happy.myshopify.com')
    await page.click('#shop-form button[type=submit]')
    await waitForText(page, '#status', 'Ready')

    // Slow the upload down so the progress bar can be seen moving.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 })
    await upload(page, files.orders)
    await page.waitForSelector('#upload-progress', { state: 'visible', timeout: 5000 })
    await page.waitForFunction(() => {
      const bar = (globalThis as unknown as PageGlobals).document.querySelector('#progress-bar')
      return bar !== null && Number(bar.value) > 0 && Number(bar.value) < Number(bar.max)
    }, undefined, { timeout: 10_000 })
    t.match(await page.textContent('#progress-text'), /^[\d.]+ (KB|MB) of 2\.0 MB sent \(\d+%\)$/, 'bytes sent out of the file size')
    await shot(page, '01-uploading')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })

    await page.waitForSelector('#processing-section', { state: 'visible', timeout: 30_000 })
    const jobId = (await page.textContent('#proc-job')) ?? ''
    t.match(jobId, /^[0-9a-f-]{36}$/, 'the job id from the upload is shown')
    t.match(await page.textContent('#proc-state'), 'Processing')
    t.equal(await focusedId(page), 'processing-heading', 'the keyboard follows the upload to the processing card (it was on the hidden upload button)')
    await shot(page, '02-processing')

    await page.waitForSelector('#results-section', { state: 'visible', timeout: 60_000 })
    await waitForText(page, '#status', 'bundles ready')
    t.notOk(await page.isVisible('#processing-section'), 'polling ended: no processing panel')
    t.equal(await focusedId(page), 'results-heading', 'the keyboard moves to the bundles when the processing card it was on goes away')
    const rows = await page.$$eval('#bundles-body tr', trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent ?? '')))
    t.ok(rows.length > 0, `the bundle table has rows (${rows.length})`)
    const ranks = rows.map(r => Number(r[0]))
    t.same(ranks, [...ranks].sort((a, b) => a - b), 'rows sorted by rank')
    const ordersBundles = rows.filter(r => !r[2].includes('not from orders'))
    t.ok(ordersBundles.length > 0, 'an orders file gives measured bundles')
    for (const r of ordersBundles) t.match(r[3], /^\d[\d,]*$/, `rank ${r[0]}: orders together is a count`)
    for (const r of rows.filter(r => r[2].includes('not from orders'))) {
      t.equal(r[3], '—', `rank ${r[0]} (heuristic): no made-up count`)
      t.equal(r[4], '—', `rank ${r[0]} (heuristic): no made-up lift`)
    }
    for (const r of rows.filter(r => r[2].startsWith('Volume'))) {
      t.match(plain(r[6]), /^\d+ for [^,]+(, \d+ for [^,]+)*was .+ each$/, `rank ${r[0]} (volume): each price says how many units it buys`)
    }
    const summary = (await page.textContent('#summary')) ?? ''
    t.match(summary, /Orders read3,000/, 'the summary reports the orders read')
    t.match(summary, /Orders used[\d,]+/)
    t.match(summary, /Lines left out/)
    t.match(await page.textContent('#results-meta'), /made \d+ bundles?.*You can run it again in 30 days\./)
    t.notOk(await page.isVisible('#upload-section'),
      'within the cooldown no upload is offered (the service would answer 409); the sentence above says when')
    await page.locator('#results-section').scrollIntoViewIfNeeded()
    await shot(page, '03-completed', false)
    await page.locator('#summary').screenshot({ path: path.join(ARTIFACTS, '03b-run-summary.png') })
    await shotsAt(page, '05-cooldown')

    t.same(await page.$eval('#export-button', el => [el.tagName, el.getAttribute('href')]), ['BUTTON', null],
      'the export is a button: no link to open in a new tab or save, which would go without the session')
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click('#export-button')])
    const csv = fs.readFileSync(await download.path(), 'utf8')
    const firstTitle = rows[0][1].split(' + ')[0].split(', buy ')[0]
    t.ok(csv.split('\n').filter(l => l.trim() !== '').length > 1, 'export.csv has a header and rows')
    t.ok(csv.includes(firstTitle), `export.csv names the top bundle's product (${firstTitle})`)

    await page.setViewportSize(PHONE)
    await page.locator('#results-section').scrollIntoViewIfNeeded()
    await shot(page, '04-completed-phone', false)
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }, innerWidth: number }
      return g.document.documentElement.scrollWidth - g.innerWidth
    })
    t.ok(overflow <= 0, `no sideways scrolling at 375 px (overflow ${overflow}px)`)
    await page.setViewportSize({ width: 1100, height: 900 })
    await page.close()
  })

  await t.test('a file the service cannot read gets the 400 sentence', async t => {
    const page = await openFor('web-bad.myshopify.com')
    await page.focus('#upload-button')
    await page.keyboard.press('Enter')
    await waitForText(page, '#upload-message', 'Choose your order export first')
    t.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id),
      'file', 'with no file chosen, the keyboard lands on the file field')
    await upload(page, files.badColumns)
    await page.waitForSelector('#upload-message', { state: 'visible', timeout: 15_000 })
    const text = await uploadMessage(page)
    t.match(text, /^The file was not accepted: /)
    t.match(text, /colour/, 'the sentence names the columns found')
    t.ok(await page.isVisible('#upload-section'), 'the form stays, ready for another file')
    await shot(page, '06-bad-file')

    await upload(page, files.notCsv)
    await waitForText(page, '#upload-message', 'CSV file required')
    t.pass('a non-CSV file: "Invalid file: CSV file required"')

    // The page was opened with ?shop=web-bad…, and ?shop= wins on a reload: it must follow the choice.
    await page.fill('#shop', 'web-bad-two')
    await page.press('#shop', 'Enter')
    await waitForText(page, '#status', 'Ready')
    t.equal(new URL(page.url()).searchParams.get('shop'), 'web-bad-two.myshopify.com', 'the address names the shop chosen')
    await page.reload()
    await waitForText(page, '#status', 'Ready')
    t.equal(await page.inputValue('#shop'), 'web-bad-two.myshopify.com', 'a reload keeps the shop chosen, not the one the page was opened with')
    await page.close()
  })

  await t.test('a run that finds nothing ends FAILED with its reason; retry works at once', async t => {
    const page = await openFor('web-fail.myshopify.com')
    const bundleReads: string[] = []
    const consoleErrors: string[] = []
    page.on('request', req => { if (new URL(req.url()).pathname.startsWith('/api/bundles') && !/quick-install/.test(req.url())) bundleReads.push(req.url()) })
    page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()) })
    await upload(page, files.noPairs)
    await page.waitForSelector('#failed-section', { state: 'visible', timeout: 60_000 })
    const reason = (await page.textContent('#failed-message')) ?? ''
    t.ok(reason.length > 10, `the error message is shown: ${reason}`)
    t.notMatch(reason, /at .*\.(ts|js):\d+/, 'no stack trace')
    t.ok(await page.isEnabled('#retry-button'), 'retry offered')
    t.equal(await focusedId(page), 'failed-heading', 'the keyboard moves to the failure when the processing card it was on goes away')
    t.notOk(await page.isVisible('#results-section'), 'no earlier install: no bundles beside the failure')
    await shot(page, '07-failed')

    // Two more tabs on the failure, left behind while the first one retries.
    const [stale, staleToClick] = [await openFor('web-fail.myshopify.com'), await openFor('web-fail.myshopify.com')]
    await Promise.all([stale, staleToClick].map(async p => { await p.waitForSelector('#failed-section', { state: 'visible', timeout: 15_000 }) }))
    // Checked only now, two page loads after the failure showed: a request it made would have been seen.
    t.same(bundleReads, [], 'the status said no install ever completed (last_completed_job_id null): no request for bundles that cannot exist')
    t.same(consoleErrors, [], 'no error in the browser console')

    // Retry with a file that works: allowed at once after a failure.
    await page.setInputFiles('#file', files.orders)
    await page.click('#retry-button')
    await page.waitForSelector('#processing-section', { state: 'visible', timeout: 30_000 })
    await page.waitForSelector('#results-section', { state: 'visible', timeout: 60_000 })
    // The section shows first; the rows follow once /api/bundles answers.
    await waitForText(page, '#status', 'bundles ready')
    t.notOk(await page.isVisible('#failed-section'), 'the failure is replaced by the bundles')
    t.ok((await page.$$('#bundles-body tr')).length > 0, 'the retry\'s bundles are listed')
    await shot(page, '08-retry-completed', false)

    await t.test('a tab still showing the failure, when it comes back to the front, shows the bundles', async t => {
      await tabShown(stale)
      await stale.waitForSelector('#results-section', { state: 'visible', timeout: 15_000 })
      await waitForText(stale, '#status', 'bundles ready')
      t.notOk(await stale.isVisible('#failed-section'), 'the failure another tab retried is gone')
      t.ok((await stale.$$('#bundles-body tr')).length > 0, 'the bundles are listed')
    })

    await t.test('a tab still showing the failure, on Try again, gets the 409 sentence and the bundles', async t => {
      await staleToClick.setInputFiles('#file', files.orders)
      await staleToClick.click('#retry-button')
      await waitForText(staleToClick, '#status', 'bundles ready')
      t.equal(await alertText(staleToClick), 'Your file was not used: quick install had already finished for this shop. Its bundles are below.')
      t.match(await staleToClick.textContent('#results-meta'),
        /^Quick install made \d+ bundles? on \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\. You can run it again in 30 days\./,
        'when, what and when again: said once, above the bundles')
      t.notOk(await staleToClick.isVisible('#failed-section'), 'no "failed" card beside the sentence that it finished')
      t.ok((await staleToClick.$$('#bundles-body tr')).length > 0, 'the bundles the sentence speaks of are listed')
      t.notOk(await staleToClick.isVisible('#upload-section'), 'within the cooldown no upload is offered')
      t.ok(await staleToClick.isVisible('#alert'), 'the sentence stays, at the top (the upload form went)')
      t.equal(await focusedId(staleToClick), 'results-heading', 'the keyboard follows the click to the bundles')
      await shot(staleToClick, '08b-already-completed', false)
    })
    await Promise.all([stale.close(), staleToClick.close()])
    await page.close()
  })

  await t.test('a service out of reach at load, then during processing, then refusing the session', async t => {
    const page = await context.newPage()
    const status = '**/api/bundles/quick-install/status'
    const processing = {
      has_quick_install: true, can_run: false, status: 'PROCESSING', job_id: '00000000-0000-4000-8000-000000000001',
      created_at: new Date().toISOString(), started_at: new Date().toISOString(), elapsed_seconds: 5, message: 'Quick install is processing.'
    }
    // The status answers, in turn: no answer, PROCESSING, no answer, 401 (the session ended).
    const answers: Array<'down' | object> = ['down', processing, 'down']
    await page.route(status, async route => {
      const next = answers.shift()
      if (next === 'down') await route.abort('connectionrefused')
      else if (next !== undefined) await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(next) })
      else await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ detail: 'Session token expired' }) })
    })
    await page.goto(`${server.url}/?shop=web-flaky.myshopify.com`)
    await waitForText(page, '#alert', 'The service did not answer. This page keeps trying')
    t.ok(await page.isVisible('#upload-section'), 'the merchant may upload meanwhile')

    await page.waitForSelector('#processing-section', { state: 'visible', timeout: 15_000 })
    t.pass('the first status is read again by itself once the service answers (no reload needed)')
    t.notOk(await page.isVisible('#alert'), 'the "did not answer" alert goes once it answered')

    await waitForText(page, '#status', 'Lost contact with the service; trying again in 4 s.')
    t.equal(await page.textContent('#proc-note'), 'Lost contact with the service; trying again in 4 s.',
      'the note says it, and so does the status line, a live region a screen reader reads')

    await waitForText(page, '#proc-note', 'Stopped checking')
    t.match(await page.textContent('#proc-state'), /checking stopped/, 'after the 401 the card no longer says "Processing"')
    t.notMatch(await page.textContent('#proc-note'), /every 2 seconds/, 'nor "Checking every 2 seconds"')
    t.match(await page.textContent('#proc-elapsed'), / when checking stopped$/, 'the elapsed time says it stopped')
    t.equal(await statusText(page), 'Stopped checking the quick install.')
    t.match(await alertText(page), /did not accept your session/, 'the alert says why')
    await shotsAt(page, '09-stopped-checking')

    await page.unroute(status)
    await tabShown(page)
    await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })
    t.notOk(await page.isVisible('#processing-section'), 'coming back to the tab reads the status again and shows what it is now')
    await page.close()
  })

  await t.test('reload and a second tab resume a running install; tabs keep their own shop', async t => {
    const page = await context.newPage()
    await page.goto(server.url)
    await page.waitForSelector('#shop-form', { state: 'visible', timeout: 15_000 })
    await page.fill('#shop', 'web-big.myshopify.com')
    await page.click('#shop-form button[type=submit]')
    await waitForText(page, '#status', 'Ready')
    // A tab opened before the upload still offers one; using it must lead to the running install.
    const stale = await openFor('web-big.myshopify.com')
    await upload(page, files.big)
    await page.waitForSelector('#processing-section', { state: 'visible', timeout: 60_000 })
    const jobId = (await page.textContent('#proc-job')) ?? ''

    // The checks that need the install still running go at once, so they fit well inside its run.
    const second = await context.newPage()
    const statusCalls: number[] = []
    page.on('request', req => { if (req.url().endsWith('/api/bundles/quick-install/status')) statusCalls.push(Date.now()) })
    const [fromStale, afterReload, fromSecond] = await Promise.all([
      (async () => {
        await upload(stale, files.noPairs)
        await stale.waitForSelector('#processing-section', { state: 'visible', timeout: 15_000 })
        return { job: await stale.textContent('#proc-job'), alert: await alertText(stale) }
      })(),
      (async () => {
        await page.reload()
        await page.waitForSelector('#processing-section', { state: 'visible', timeout: 15_000 })
        return { job: await page.textContent('#proc-job'), shop: await page.inputValue('#shop'), uploadShown: await page.isVisible('#upload-section') }
      })(),
      (async () => {
        await second.goto(server.url)
        await second.waitForSelector('#processing-section', { state: 'visible', timeout: 15_000 })
        return { job: await second.textContent('#proc-job') }
      })()
    ])
    const checkedAt = Date.now()

    t.match(fromStale.alert, /^A quick install is already running for this shop \(started .* UTC\)\. Showing its progress instead\.$/,
      'a stale tab\'s upload: 409 ALREADY_PROCESSING as a sentence')
    t.equal(fromStale.job, jobId, 'the stale tab now follows the running job')
    t.equal(afterReload.shop, 'web-big.myshopify.com', 'the tab kept its shop across the reload')
    t.equal(afterReload.job, jobId, 'the same job is shown after the reload')
    t.notOk(afterReload.uploadShown, 'no new upload offered while it runs')
    t.equal(fromSecond.job, jobId, 'a second tab shows the running install')
    await page.waitForRequest(r => r.url().endsWith('/api/bundles/quick-install/status'), { timeout: 6000 })
    t.ok(statusCalls.length >= 2, `polling resumed after the reload (${statusCalls.length} status calls)`)
    await Promise.all([shot(stale, '10a-already-processing', false), shot(page, '10b-resumed-after-reload')])
    await stale.close()

    await second.fill('#shop', 'web-other.myshopify.com')
    await second.click('#shop-form button[type=submit]')
    await second.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })
    t.match(await statusText(second), /Ready/, 'the second tab now works for another shop')
    t.equal(await page.inputValue('#shop'), 'web-big.myshopify.com', 'the first tab still follows its own shop')
    await page.reload()
    await page.waitForFunction(() => {
      const value = (globalThis as unknown as PageGlobals).document.querySelector('#shop')?.value
      return typeof value === 'string' && value !== ''
    }, undefined, { timeout: 15_000 })
    t.equal(await page.inputValue('#shop'), 'web-big.myshopify.com', 'reloading the first tab keeps its shop, not the other tab\'s')
    await second.close()

    await page.waitForSelector('#results-section', { state: 'visible', timeout: 240_000 })
    // How much room the resume checks had: when the service finished the job, after they were done.
    const job = await (await fetch(`${server.url}/api/bundles/status/${jobId}`, { headers: { 'X-Shop-Domain': 'web-big.myshopify.com' } })).json() as { processed_at: string | null }
    if (job.processed_at !== null) {
      t.comment(`the big install finished ${((Date.parse(job.processed_at) - checkedAt) / 1000).toFixed(1)} s after the resume checks`)
    }
    t.match(await page.textContent('#summary'), new RegExp(`Orders read${BIG_ORDERS.toLocaleString('en-US')}`))
    await shot(page, '10c-big-completed', false)
    await page.close()
  })

  await t.test('with a Shopify secret: the page sends the ?token= session token, and says when there is none', async t => {
    const apiKey = 'web-test-api-key'
    const secret = 'web-test-api-secret-0123456789'
    // A 1 MB upload limit here, so the 2 MB export shows the 413 sentence; no cooldown, so a second
    // install can run (and fail) while the first one's bundles are still the shop's.
    const started = await startPageServer(t, 'shopify',
      { SHOPIFY_API_KEY: apiKey, SHOPIFY_API_SECRET: secret, MAX_UPLOAD_MB: '1', QUICK_INSTALL_COOLDOWN_DAYS: '0' })
    if (started === null) return
    const shopify = started
    services.push(shopify.url)
    const shop = 'web-token.myshopify.com'
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({ dest: `https://${shop}`, sid: 'session-1' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(`https://${shop}/admin`).setAudience(apiKey).setSubject('42')
      .setIssuedAt(now).setNotBefore(now - 5).setExpirationTime(now + 600).setJti('web-test-1')
      .sign(new TextEncoder().encode(secret))

    const page = await context.newPage()
    const authHeaders: string[] = []
    page.on('request', req => {
      if (req.url().includes('/api/')) authHeaders.push(`${req.headers().authorization ?? ''}|${req.headers()['x-shop-domain'] ?? ''}`)
    })
    await page.goto(`${shopify.url}/?token=${token}`)
    await page.waitForSelector('#upload-section', { state: 'visible', timeout: 15_000 })
    t.match(await statusText(page), /Ready/, 'the status call was accepted')
    t.notOk(await page.isVisible('#shop-form'), 'no shop field when the shop comes from the session')
    await upload(page, files.orders)
    await waitForText(page, '#upload-message', 'File too large')
    t.equal(await uploadMessage(page), 'File too large: the limit is 1 MB. Compress the export (.csv.gz) or split it.', 'the 413 sentence')
    await shot(page, '11-too-large', false)

    await upload(page, files.small)
    await waitForText(page, '#status', 'bundles ready', 60_000)
    t.equal(await page.textContent('#upload-button'), 'Run quick install again', 'no cooldown configured: another run is offered')
    const cells = await page.$$eval('#bundles-body tr', trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent ?? '')))
    const volume = cells.find(r => r[2].startsWith('Volume'))
    t.equal(plain(volume?.[6] ?? null), '2 for $19.38, 3 for $28.17, 5 for $44.95was $9.99 each',
      'a volume price says how many units each total buys')

    const exportCalls: string[] = []
    page.on('request', req => { if (req.url().includes('/export.csv')) exportCalls.push(req.headers().authorization ?? '') })
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click('#export-button')])
    const csv = fs.readFileSync(await download.path(), 'utf8')
    t.ok(csv.includes('Crew Socks'), 'the CSV downloads in Shopify mode')
    t.same(exportCalls, [`Bearer ${token}`], 'through fetch with the session token (a link opened in a new tab would get 401)')

    await page.setViewportSize(NARROW_PHONE)
    const narrow = await overflowAt(page)
    t.ok(narrow.page <= 0, `no sideways scrolling at 390 px with a title without spaces (overflow ${narrow.page} px)`)
    t.same(narrow.cells, [], 'every cell\'s content fits its cell at 390 px')
    await page.locator('#bundles-body tr', { hasText: LONG_TITLE.slice(0, 20) }).screenshot({ path: path.join(ARTIFACTS, '13-long-title-390.png') })
    await page.setViewportSize({ width: 1100, height: 900 })
    await shotsAt(page, '13-completed-can-run')

    await upload(page, files.noPairs)
    await page.waitForSelector('#failed-section', { state: 'visible', timeout: 60_000 })
    await waitForText(page, '#results-heading', 'previous install')
    t.match(await page.textContent('#results-meta'), /^The failed run did not replace them: these are still your shop's bundles, from the quick install completed on /,
      'a failed re-run shows the bundles GET /api/bundles still serves, labelled as the previous install\'s')
    t.ok((await page.$$('#bundles-body tr')).length > 0, 'the previous install\'s bundles are listed under the failure')
    t.match(await statusText(page), /Quick install failed\..*from the previous install/)
    await shotsAt(page, '14-failed-with-previous')
    t.ok(authHeaders.length >= 2 && authHeaders.every(h => h === `Bearer ${token}|`), 'every API call, the upload too, carries the bearer token and no shop header')

    await t.test('App Bridge gives no session token: the upload and the download say so', async t => {
      const embedded = await context.newPage()
      // App Bridge's shopify.idToken(), working at first, then failing as when the admin session ends.
      // A string: tsx would wrap a function's inner functions in a helper the page does not have.
      await embedded.addInitScript(`window.failToken = false
        window.shopify = { idToken: async () => { if (window.failToken) throw new Error('App Bridge: no session'); return ${JSON.stringify(token)} } }`)
      await embedded.goto(shopify.url)
      await embedded.waitForSelector('#failed-section', { state: 'visible', timeout: 15_000 })
      await waitForText(embedded, '#results-heading', 'previous install')
      await embedded.evaluate(() => { (globalThis as unknown as { failToken: boolean }).failToken = true })

      await upload(embedded, files.small)
      await waitForText(embedded, '#upload-message', 'Shopify did not give this page a session')
      t.equal(await statusText(embedded), 'The upload did not start.', 'the status line no longer says "Uploading…"')
      t.ok(await embedded.isEnabled('#upload-button'), 'the upload can be tried again')
      t.notOk(await embedded.isVisible('#upload-progress'), 'no progress bar left behind')

      await embedded.click('#export-button')
      await waitForText(embedded, '#alert', 'Shopify did not give this page a session')
      t.ok(await embedded.isEnabled('#export-button'), 'the download can be tried again')
      await embedded.close()
    })

    await page.goto(shopify.url)
    await page.waitForSelector('#alert', { state: 'visible', timeout: 15_000 })
    t.match(await alertText(page), /needs a Shopify session/, 'without a token the page says what is missing')
    t.notOk(await page.isVisible('#upload-section'), 'and offers no upload that would be refused')
    await shot(page, '15-no-session')
    await page.close()
  })

  t.same(foreign, [], 'the page fetched nothing outside the service')
  t.same(pageErrors, [], 'no script errors or CSP violations in the page')
})
