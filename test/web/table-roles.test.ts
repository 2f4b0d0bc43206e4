// The bundles table stays a table for screen readers in both layouts. The phone layout changes the
// display of the table's elements (rows as cards), and WebKit/Safari then drops the table, row and cell
// semantics it infers from the tags; the explicit ARIA roles keep them. Chromium keeps them either way,
// so this checks that the roles are in the DOM and that Chromium's accessibility tree (CDP) shows the
// table, its rows, column headers and cells for the bundles shown, at 1280 and 390 px.
import t from 'tap'
import type { Page } from 'playwright-core'
import { ensurePageBuilt } from './real-server.js'
import { chromiumMissing, espressoOrderLines, installThroughApi, launchChromium, startPageServer } from './page-session.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const SHOP = 'web-table-roles.myshopify.com'
const COLUMNS = 7
const CAPTION = 'Bundles, best first'

interface PageGlobals { document: { querySelectorAll: (s: string) => ArrayLike<{ tagName: string, getAttribute: (a: string) => string | null }> } }

/** Each table element of the bundles table, with the role it carries in the DOM ("" when none). */
async function domRoles (page: Page): Promise<Record<string, string[]>> {
  return await page.evaluate(() => {
    const els = (globalThis as unknown as PageGlobals).document.querySelectorAll('#bundles-table, #bundles-table thead, #bundles-table tbody, #bundles-table tr, #bundles-table th, #bundles-table td')
    const byTag: Record<string, string[]> = {}
    for (const el of Array.from(els)) (byTag[el.tagName.toLowerCase()] ??= []).push(el.getAttribute('role') ?? '')
    return byTag
  })
}

interface AXNode { nodeId: string, ignored: boolean, role?: { value?: unknown }, name?: { value?: unknown }, childIds?: string[] }

/** Chromium's accessibility tree under the table named by the caption: how many of each role (ignored nodes left out). */
async function axTableRoles (page: Page): Promise<{ tables: number, counts: Record<string, number> }> {
  const cdp = await page.context().newCDPSession(page)
  const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: AXNode[] }
  await cdp.detach()
  const byId = new Map(nodes.map(n => [n.nodeId, n]))
  const tables = nodes.filter(n => !n.ignored && n.role?.value === 'table' && n.name?.value === CAPTION)
  const counts: Record<string, number> = {}
  const walk = (node: AXNode): void => {
    for (const id of node.childIds ?? []) {
      const child = byId.get(id)
      if (child === undefined) continue
      if (!child.ignored) counts[String(child.role?.value)] = (counts[String(child.role?.value)] ?? 0) + 1
      walk(child)
    }
  }
  if (tables[0] !== undefined) walk(tables[0])
  return { tables: tables.length, counts }
}

t.test('the bundles table keeps its table semantics at 1280 and 390 px', { skip: skipUnlessCI(t, chromiumMissing) }, async t => {
  ensurePageBuilt()
  const server = await startPageServer(t, 'table-roles', { QUICK_INSTALL_COOLDOWN_DAYS: '30', WORKER_POLL_SECONDS: '0.5' })
  if (server === null) return
  await installThroughApi(t, server.url, SHOP, espressoOrderLines().join('\n') + '\n', 'COMPLETED')
  // The page asks for at most 200 (rank order); the same read gives how many rows it shows.
  const listed = await (await fetch(`${server.url}/api/bundles?page_size=200&sort=rank`, { headers: { 'X-Shop-Domain': SHOP } })).json() as { bundles: unknown[] }
  const shown = listed.bundles.length
  t.ok(shown > 0, `the install made bundles to show (${shown})`)

  const browser = await launchChromium(t)
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const at = `${viewport.width} px`
    const page = await browser.newPage({ viewport })
    await page.goto(`${server.url}/?shop=${SHOP}`)
    await page.waitForSelector('#results-section', { state: 'visible', timeout: 15_000 })
    await page.locator('#status', { hasText: 'bundles ready' }).waitFor({ timeout: 15_000 })
    const display = await page.$eval('#bundles-table', el => (globalThis as unknown as { getComputedStyle: (e: unknown) => { display: string } }).getComputedStyle(el).display)
    t.equal(display, viewport.width < 640 ? 'block' : 'table', `${at}: the table is laid out as ${viewport.width < 640 ? 'cards (display: block)' : 'a table'}, the layout under test`)

    const roles = await domRoles(page)
    t.same(roles.table, ['table'], `${at}: the table carries role="table" (WebKit drops the implicit one once its display changes)`)
    t.same(roles.thead, ['rowgroup'], `${at}: the header row group carries role="rowgroup"`)
    t.same(roles.tbody, ['rowgroup'], `${at}: the bundles' row group carries role="rowgroup"`)
    t.same(roles.tr, Array(shown + 1).fill('row'), `${at}: the header row and each of the ${shown} bundle rows carry role="row"`)
    t.same(roles.th, Array(COLUMNS).fill('columnheader'), `${at}: each of the ${COLUMNS} column headers carries role="columnheader"`)
    t.same(roles.td, Array(shown * COLUMNS).fill('cell'), `${at}: each of the ${shown * COLUMNS} cells carries role="cell"`)

    const ax = await axTableRoles(page)
    const found = JSON.stringify({ rowgroup: ax.counts.rowgroup, row: ax.counts.row, columnheader: ax.counts.columnheader, cell: ax.counts.cell })
    t.equal(ax.tables, 1, `${at}: the accessibility tree has one table named "${CAPTION}"`)
    t.equal(ax.counts.rowgroup, 2, `${at}: the accessibility tree's table has its two row groups (found ${found})`)
    t.equal(ax.counts.row, shown + 1, `${at}: the accessibility tree's table has the header row and one row per bundle (found ${found})`)
    t.equal(ax.counts.columnheader, COLUMNS, `${at}: the accessibility tree's table has ${COLUMNS} column headers (found ${found})`)
    t.equal(ax.counts.cell, shown * COLUMNS, `${at}: the accessibility tree's table has ${COLUMNS} cells per bundle (found ${found})`)
    await page.close()
  }
})
