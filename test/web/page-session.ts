// What every real-browser page test needs: where Chromium is (and the skip reason when it is not),
// the real service started on a database of its own, a headless Chromium closed at teardown, and a
// small shop whose one planted pair (Espresso Cup + Espresso Beans) always becomes a bundle.
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { repoRoot, startRealServer, type RealServer } from './real-server.js'

/** The part of a tap test these helpers use. */
interface Test { fail: (message: string) => unknown, teardown: (fn: () => unknown) => void }

export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = path.join(repoRoot, 'test-artifacts/web')

/** Why the browser tests cannot run here, or false. */
export const chromiumMissing: string | false = fs.existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`

/** The real service for one test file, stopped at teardown; null (with a failed assertion) when it did not start. */
export async function startPageServer (t: Test, name: string, env: Record<string, string>): Promise<RealServer | null> {
  let server: RealServer
  try {
    server = await startRealServer(name, env, ARTIFACTS)
  } catch (err) {
    t.fail(`the real server did not start: ${(err as Error).message}`)
    return null
  }
  t.teardown(async () => { await server.stop() })
  return server
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export async function launchChromium (t: Test): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  t.teardown(async () => { await browser.close() })
  return browser
}

/**
 * Order lines of `orders` orders: every other one buys Espresso Cup with Espresso Beans, and each also
 * buys one of `others` filler products (P0 … P{others-1}).
 */
export function espressoOrderLines (orders = 200, others = 20, fillerTitle = 'Product'): string[] {
  const lines = ['order_id,product_id,product_title,quantity,price,currency']
  for (let i = 0; i < orders; i++) {
    if (i % 2 === 0) lines.push(`${i},CUP,Espresso Cup,1,12.00,USD`, `${i},BEAN,Espresso Beans,1,18.00,USD`)
    lines.push(`${i},P${i % others},${fillerTitle} ${i % others},1,${5 + (i % others)}.00,USD`)
  }
  return lines
}

/**
 * Runs an install of `csv` for `shop` through the API, then polls its status as the page does (every
 * 0.5 s, up to a minute) until it ends `expected`; both steps are assertions.
 */
export async function installThroughApi (
  t: { equal: (found: unknown, wanted: unknown, message: string) => unknown },
  serverUrl: string, shop: string, csv: string, expected = 'COMPLETED'
): Promise<void> {
  const headers = { 'X-Shop-Domain': shop }
  const form = new FormData()
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'orders.csv')
  const res = await fetch(`${serverUrl}/api/bundles/quick-install`, { method: 'POST', body: form, headers })
  t.equal(res.status, 200, 'the upload is accepted')
  let status = ''
  for (let i = 0; i < 120 && status !== expected; i++) {
    await new Promise(resolve => setTimeout(resolve, 500))
    status = ((await (await fetch(`${serverUrl}/api/bundles/quick-install/status`, { headers })).json()) as { status?: string }).status ?? ''
  }
  t.equal(status, expected, `the install ended ${expected}`)
}
