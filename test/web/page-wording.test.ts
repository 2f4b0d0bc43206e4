// What the page says and how it looks in states a reviewer walked through: catalog-only bundles on a
// phone, and what the page says after a refused upload. Real server (30-day cooldown), real Chromium.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Page } from 'playwright-core'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, espressoOrderLines, installThroughApi, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'


// The in-page functions below run in the browser; the test is compiled without the DOM lib.
interface StyleGlobals {
  document: { querySelectorAll: (selector: string) => ArrayLike<Element> }
  getComputedStyle: (el: Element, pseudo?: string) => { fontStyle: string }
}
interface Element { querySelector: (selector: string) => Element | null, textContent: string | null }

t.test('the merchant page\'s wording', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-web-wording-'))
  t.teardown(() => { fs.rmSync(tmp, { recursive: true, force: true }) })
  const started = await startPageServer(t, 'page-wording', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (started === null) return
  const server = started
  const browser = await launchChromium(t)

  async function openFor (shop: string, viewport = { width: 1100, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport })
    await page.goto(`${server.url}/?shop=${shop}`)
    return page
  }

  await t.test('catalog-only bundles say what they are; on a phone the "Type" label stays upright', async t => {
    const shop = 'web-wording-catalog.myshopify.com'
    const catalog = ['product_id,name,price,type',
      'm1,Stoneware Mug,14.00,Mugs', 'm2,Enamel Mug,9.00,Mugs', 'm3,Travel Mug,19.00,Mugs',
      't1,Green Tea,8.00,Tea', 't2,Black Tea,6.00,Tea', 't3,Herbal Tea,7.00,Tea',
      'c1,Wool Scarf,30.00,Scarves', 'c2,Silk Scarf,45.00,Scarves', 'c3,Linen Scarf,25.00,Scarves',
      'b1,Canvas Tote,22.00,Bags', 'b2,Leather Tote,60.00,Bags', 'b3,Mesh Bag,12.00,Bags'].join('\n') + '\n'
    await installThroughApi(t, server.url, shop, catalog, 'COMPLETED')
    const page = await openFor(shop, { width: 390, height: 844 })
    await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 15_000 })
    const cells = await page.$$eval('#bundles-body tr', trs => trs.map(tr => tr.querySelector('td.type')?.textContent ?? ''))
    t.ok(cells.length > 0, `the catalog gives bundles (${cells.length})`)
    t.same(cells.filter(type => /bought together/i.test(type)), [], 'no catalog bundle is said to be bought together')
    t.same(cells.filter(type => !type.endsWith('(from your catalog, not from orders)') && !type.endsWith('(suggested from your catalog, not from orders)')), [],
      'every catalog bundle says where it comes from')
    t.ok(cells.includes('Suggested pairing (from your catalog, not from orders)'), 'a pairing is a suggested pairing')
    const styles = await page.evaluate(() => {
      const g = globalThis as unknown as StyleGlobals
      return Array.from(g.document.querySelectorAll('#bundles-body tr.heuristic td.type'), td => ({
        label: g.getComputedStyle(td, '::before').fontStyle,
        value: g.getComputedStyle(td.querySelector('div') as Element).fontStyle
      }))
    })
    t.ok(styles.length === cells.length, 'every catalog row is marked as heuristic')
    t.ok(styles.every(s => s.label === 'normal'), `the "Type" label is upright (${styles.map(s => s.label).join(', ')})`)
    t.ok(styles.every(s => s.value === 'italic'), 'the value is italic, as heuristic rows are marked')
    await page.close()
  })

  await t.test('a new file chosen after a refused upload: the status line no longer says it was not accepted', async t => {
    const bad = path.join(tmp, 'colours.csv')
    fs.writeFileSync(bad, 'colour,size,stock\nred,M,3\n')
    const good = path.join(tmp, 'orders.csv')
    fs.writeFileSync(good, 'order_id,product_id,quantity,price\n1,A,1,5.00\n1,B,1,6.00\n')
    const page = await openFor('web-wording-refused.myshopify.com')
    await page.locator('#status', { hasText: 'Ready' }).waitFor({ timeout: 15_000 })
    await page.setInputFiles('#file', bad)
    await page.click('#upload-button')
    await page.locator('#upload-message', { hasText: 'The file was not accepted' }).waitFor({ state: 'visible', timeout: 15_000 })
    t.equal(await page.textContent('#status'), 'The upload was not accepted.', 'the refusal is said')
    await page.setInputFiles('#file', good)
    t.equal(await page.textContent('#status'), 'orders.csv chosen: ready to upload.', 'the status line speaks of the new file')
    t.notOk(await page.isVisible('#upload-message'), 'and the refusal beside the button is gone')
    await page.close()
  })

  await t.test('an upload refused with ALREADY_COMPLETED: the alert and the sentence above the bundles do not repeat each other', async t => {
    const shop = 'web-wording-completed.myshopify.com'
    const lines = espressoOrderLines()
    const orders = path.join(tmp, 'orders-completed.csv')
    fs.writeFileSync(orders, lines.join('\n') + '\n')
    const page = await openFor(shop)
    await page.locator('#status', { hasText: 'Ready' }).waitFor({ timeout: 15_000 })
    // Meanwhile, another tab (here: the API) runs an install to the end.
    await installThroughApi(t, server.url, shop, lines.join('\n') + '\n', 'COMPLETED')
    await page.setInputFiles('#file', orders)
    await page.click('#upload-button')
    await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 30_000 })
    const alert = (await page.textContent('#alert')) ?? ''
    const meta = (await page.textContent('#results-meta')) ?? ''
    t.ok(await page.isVisible('#alert'), `the alert says what became of the file: ${alert}`)
    t.match(meta, /^Quick install made \d+ bundles? on .* UTC\. You can run it again in 30 days\./, `the sentence above the bundles: ${meta}`)
    const text = `${alert} ${meta}`
    t.equal(text.split('You can run it again').length - 1, 1, 'when it can run again is said once')
    t.equal(text.match(/ UTC/g)?.length ?? 0, 1, 'when it finished is said once')
    t.equal(text.match(/made \d+ bundles?/g)?.length ?? 0, 1, 'how many bundles it made is said once')
    await page.close()
  })
})
