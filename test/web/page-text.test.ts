// The sentences and table cells the merchant page shows, from the service's answers.
import t from 'tap'
import type { Bundle, RunSummary } from '../../src/engine/types.js'
import type { QuickInstallStatus } from '../../web/src/api-types.js'
import {
  uploadRefusal, summaryRows, formatElapsed, formatTime, cooldownSentence, completedSentence, previousBundlesSentence,
  stoppedChecking, lostContactNote, downloadFailure, SESSION_REFUSED
} from '../../web/src/messages.js'
import { bundleRow, bundleRows, MISSING } from '../../web/src/bundle-rows.js'
import { authModeFrom, normaliseShop } from '../../web/src/auth-mode.js'
import { canRunAgain, stateOf } from '../../web/src/status.js'

/** Table text as a reader sees it: the page joins a volume tier's words with no-break spaces. */
const plain = (text: string): string => text.replace(/\u00a0/g, ' ')

t.test('409 ALREADY_COMPLETED: when, how many bundles, days to wait', async t => {
  const r = uploadRefusal(409, {
    detail: {
      error: 'ALREADY_COMPLETED', job_id: 'j1', completed_at: '2026-11-20T09:05:00.000Z',
      bundles_created: 42, days_since_install: 8, can_retry_in_days: 22,
      message: 'Quick install completed 8 days ago. You can run it again in 22 days.'
    }
  })
  t.equal(r.kind, 'already-completed')
  t.equal(r.text, 'Quick install already finished on 20 Nov 2026, 09:05 UTC and made 42 bundles. You can run it again in 22 days.')
  t.match(uploadRefusal(409, { detail: { error: 'ALREADY_COMPLETED', job_id: 'j', bundles_created: 1, can_retry_in_days: 1 } }).text,
    /made 1 bundle\. You can run it again in 1 day\.$/, 'singulars')
})

t.test('409 ALREADY_PROCESSING gives the job to resume', async t => {
  const r = uploadRefusal(409, { detail: { error: 'ALREADY_PROCESSING', job_id: 'abc', status: 'PROCESSING', started_at: '2026-11-28T17:00:00Z', elapsed_seconds: 12 } })
  t.same(r, { kind: 'already-processing', jobId: 'abc', text: 'A quick install is already running for this shop (started 28 Nov 2026, 17:00 UTC). Showing its progress instead.' })
})

t.test('400 and 413 as sentences', async t => {
  t.equal(uploadRefusal(400, { detail: 'Invalid file: CSV file required' }).text,
    'The file was not accepted: Invalid file: CSV file required.')
  t.equal(uploadRefusal(400, { detail: 'Unrecognised columns. Expected Name and Lineitem name; found a, b.' }).text,
    'The file was not accepted: Unrecognised columns. Expected Name and Lineitem name; found a, b.', 'no doubled full stop')
  t.equal(uploadRefusal(413, { detail: 'File too large: the limit is 512 MB. Compress the export (.csv.gz) or split it.' }).text,
    'File too large: the limit is 512 MB. Compress the export (.csv.gz) or split it.', '413: the service names its limit')
  t.match(uploadRefusal(413, 'Request Entity Too Large').text, /^File too large for this service\. Compress it to \.csv\.gz/, '413 from a proxy, without JSON')
  t.match(uploadRefusal(0, null).text, /did not reach the service/)
  t.equal(uploadRefusal(429, { detail: 'Too many uploads: at most 60 per 60 seconds for a shop. Try again in 1 minute.' }).text,
    'Too many uploads: at most 60 per 60 seconds for a shop. Try again in 1 minute.', '429 says when to try again')
  t.match(uploadRefusal(500, { detail: 'Internal Server Error' }).text, /had a problem/, 'a 5xx message is not echoed')
})

t.test('elapsed time, dates, cooldown', async t => {
  t.equal(formatElapsed(5), '5 s')
  t.equal(formatElapsed(125), '2 min 05 s')
  t.equal(formatElapsed(3725), '1 h 02 min 05 s')
  t.equal(formatTime('not a date'), null)
  t.equal(cooldownSentence(0), 'You can run it again now.')
})

const summary: RunSummary = {
  format: 'shopify-orders', kind: 'orders', delimiter: ',', rows_read: 9000,
  rows_skipped: { 'bad quantity': 2 }, lines_dropped: { refunded: 30, gift_card: 4, shipping_protection: 0 },
  orders_read: 3000, orders_used: 2900, multi_product_orders: 1200, products: 80,
  warnings: ['Column "Name" appears twice; the first is used.'],
  bundles: { FBT: 20, VOLUME: 3 }, ms: { total: 50 }, options: { maxSize: 3, minCount: 3, maxBundles: 100 }
}

t.test('run summary rows', async t => {
  const rows = Object.fromEntries(summaryRows(summary))
  t.equal(rows['Orders read'], '3,000')
  t.equal(rows['Orders used'], '2,900')
  t.equal(rows['Orders with two or more products'], '1,200')
  t.same(rows['Lines left out (34)'], ['30 refunded', '4 gift cards'], 'largest first; zero counts left out')
  t.notOk('Repeated lines merged' in rows, 'no merged-lines row when nothing was merged')
  t.same(rows['Unreadable rows skipped'], ['2: bad quantity'])
  t.equal(rows['Notes on the file'], 'Column "Name" appears twice; the first is used.')
  t.equal(rows.Bundles, '20 bought-together bundles, 3 volume discounts')
})

t.test('run summary: each reason reads in the singular for one line and the plural for more', async t => {
  const rows = Object.fromEntries(summaryRows({ ...summary, lines_dropped: { service_add_on: 12, gift_card: 1, tip: 1, free_item: 2 } }))
  t.same(rows['Lines left out (16)'], ['12 service add-ons (protection plans, carbon offsets, donations, gift wrap)', '2 free items', '1 gift card', '1 tip'],
    'the service add-ons are named, and one gift card is not "1 gift cards"')
  t.same(Object.fromEntries(summaryRows({ ...summary, lines_dropped: { service_add_on: 1 } }))['Lines left out (1)'],
    ['1 service add-on (protection plan, carbon offset, donation or gift wrap)'])
})

t.test('run summary: repeated lines are merged, not left out', async t => {
  // ingest/orders.ts adds a repeated line's quantity to the order's first line for that product.
  const rows = Object.fromEntries(summaryRows({ ...summary, lines_dropped: { refunded: 30, duplicate_line: 51, tip: 4 } }))
  t.same(rows['Lines left out (34)'], ['30 refunded', '4 tips'],
    'the count and the list hold only lines really left out (the old page said "Lines left out (85)", merged repeats included)')
  t.equal(rows['Repeated lines merged'], '51 lines for a product already in its order: counted once, quantities added')
  t.same(Object.fromEntries(summaryRows({ ...summary, lines_dropped: { duplicate_line: 3 } }))['Lines left out'], 'none',
    'only merged repeats: nothing was left out')
})

t.test('run summary: one line reads in the singular', async t => {
  // A catalog run printed "1 tips", "1 free items", "1 gift cards" (seen in the browser on gen-shop's products export).
  const rows = Object.fromEntries(summaryRows({
    ...summary,
    lines_dropped: { image_row: 300, inactive_product: 1, gift_card: 1, tip: 1, free_item: 1, shipping_protection: 1 }
  }))
  t.same(rows['Lines left out (305)'], ['300 image-only rows', '1 draft or archived product', '1 gift card', '1 tip', '1 free item', '1 shipping protection'])
  t.same(Object.fromEntries(summaryRows({ ...summary, lines_dropped: { image_row: 1, tip: 2 } }))['Lines left out (3)'], ['2 tips', '1 image-only row'])
})

const fbt: Bundle = {
  type: 'FBT', rank: 2, source: 'orders', score: 3.2, reason: 'Bought together in 57 orders',
  items: [{ key: 'a', title: 'Mug', skus: [], price: 12, quantity: 1 }, { key: 'b', title: 'Coffee', skus: [], price: 18, quantity: 1 }],
  stats: { count: 57, support: 0.02, confidence: [0.4, 0.3], lift: 3.456, leverage: 0.01 },
  pricing: { currency: 'EUR', list_price: 30, discount_percent: 10, bundle_price: 27, explanation: '' }
}
const catalog: Bundle = {
  ...fbt, rank: 1, source: 'catalog', stats: null, reason: 'Same type',
  pricing: { currency: null, list_price: null, discount_percent: 5, bundle_price: null, explanation: '' }
}
const volume: Bundle = {
  type: 'VOLUME', rank: 3, source: 'orders', score: 1, reason: 'Often bought in twos',
  items: [{ key: 's', title: 'Socks', skus: [], price: 10, quantity: 2 }],
  stats: { count: 40, support: 0.01, confidence: [0.2], lift: null, leverage: null },
  pricing: {
    currency: 'USD', list_price: 20, discount_percent: 5, bundle_price: 19, explanation: '',
    tiers: [{ quantity: 2, discount_percent: 5, unit_price: 9.5, total_price: 19 }, { quantity: 3, discount_percent: 10, unit_price: 9, total_price: 27 }]
  }
}

t.test('bundle rows: measured bundles show their statistics', async t => {
  const r = bundleRow(fbt)
  t.equal(r.products, 'Mug + Coffee')
  t.equal(r.type, 'Bought together')
  t.equal(r.together, '57')
  t.equal(r.lift, '3.46')
  t.equal(r.discount, '10%')
  t.equal(r.price, '€27.00')
  t.equal(r.listPrice, '€30.00')
})

t.test('bundle rows: catalog heuristics never show a made-up statistic', async t => {
  const r = bundleRow(catalog)
  t.ok(r.heuristic)
  t.equal(r.type, 'Suggested pairing (from your catalog, not from orders)', 'a catalog pairing was never bought together: it says what it is')
  t.equal(bundleRow({ ...volume, source: 'catalog', stats: null }).type, 'Volume discount (suggested from your catalog, not from orders)')
  t.equal(r.together, MISSING)
  t.equal(r.lift, MISSING)
  t.equal(r.price, MISSING, 'no price when the file gave none')
  t.equal(r.listPrice, null)
})

t.test('bundle rows: large figures are grouped like the rest of the page, with or without a currency', async t => {
  const big: Bundle = {
    ...fbt,
    stats: { count: 12345, support: 0.02, confidence: [0.4, 0.3], lift: 1234.567, leverage: 0.01 },
    pricing: { currency: null, list_price: 12345.5, discount_percent: 5, bundle_price: 11728.19, explanation: '' }
  }
  const r = bundleRow(big)
  t.equal(r.together, '12,345')
  t.equal(r.lift, '1,234.57')
  t.equal(r.price, '11,728.19', 'a file naming no currency: grouped, two decimals')
  t.equal(r.listPrice, '12,345.50')
  t.equal(bundleRow({ ...big, pricing: { ...big.pricing, currency: 'USD' } }).price, '$11,728.19')
})

t.test('bundle rows: volume tiers, lift not applicable', async t => {
  const r = bundleRow(volume)
  t.equal(r.products, 'Socks, buy 2 or 3')
  t.equal(r.type, 'Volume discount')
  t.equal(r.together, '40')
  t.equal(r.lift, MISSING)
  t.equal(r.discount, '5% / 10%')
  t.same(bundleRows([volume, fbt, catalog]).map(x => x.rank), ['1', '2', '3'], 'sorted by rank')
})

t.test('bundle rows: a volume price says how many units it buys', async t => {
  const r = bundleRow(volume)
  t.equal(plain(r.price), '2 for $19.00, 3 for $27.00', 'each tier\'s total with its quantity, not a bare "$19.00" that reads as one unit\'s price')
  t.notMatch(r.price.split(', ')[0], / /, 'a tier never wraps inside itself')
  t.equal(r.listPrice, null, 'no struck-through "was" that would compare a total with a total of unstated size')
  t.equal(r.unitPrice, '$10.00', 'the full unit price, the yardstick for the tiers')
  const firstTierThree: Bundle = {
    ...volume,
    items: [{ ...volume.items[0], quantity: 3 }],
    pricing: { ...volume.pricing, list_price: 30, bundle_price: 27, tiers: [{ quantity: 3, discount_percent: 10, unit_price: 9, total_price: 27 }] }
  }
  t.equal(plain(bundleRow(firstTierThree).price), '3 for $27.00', 'a shop whose first tier is 3 units')
  const noTiers: Bundle = { ...volume, pricing: { ...volume.pricing, tiers: undefined } }
  t.equal(plain(bundleRow(noTiers).price), '2 for $19.00', 'a run stored without tiers: the one offer, with its quantity')
  const unpriced: Bundle = {
    ...volume,
    items: [{ ...volume.items[0], price: null }],
    pricing: { ...volume.pricing, list_price: null, bundle_price: null, tiers: [{ quantity: 2, discount_percent: 5, unit_price: null, total_price: null }] }
  }
  t.equal(bundleRow(unpriced).price, MISSING, 'no price in the file: no made-up price')
  t.equal(bundleRow(unpriced).unitPrice, null)
  t.equal(bundleRow(fbt).unitPrice, null, 'bought-together bundles keep their "was" price')
})

const completedIn = (days: number, extra: Partial<QuickInstallStatus> = {}): QuickInstallStatus => ({
  has_quick_install: true, status: 'COMPLETED', job_id: 'j', completed_at: '2026-11-20T09:05:00.000Z',
  bundles_created: 61, days_since_install: 30 - days, can_retry_in_days: days, can_run: days === 0, ...extra
})

t.test('status: states, and whether an upload would be accepted', async t => {
  t.equal(stateOf({ has_quick_install: false, can_run: true }), 'NONE')
  t.equal(stateOf(completedIn(3)), 'COMPLETED')
  t.equal(canRunAgain(completedIn(3)), false, 'within the cooldown: no upload to offer')
  t.equal(canRunAgain(completedIn(0)), true, 'cooldown over')
  t.equal(canRunAgain({ has_quick_install: true, status: 'COMPLETED', can_retry_in_days: 4 }), false, 'an older service without can_run: judged by the days left')
  t.equal(canRunAgain({ has_quick_install: true, status: 'FAILED', can_run: true }), true)
})

t.test('completed: what it made, when, and when it can run again', async t => {
  t.equal(completedSentence(completedIn(22)), 'Quick install made 61 bundles on 20 Nov 2026, 09:05 UTC. You can run it again in 22 days.')
  t.equal(completedSentence(completedIn(0)), 'Quick install made 61 bundles on 20 Nov 2026, 09:05 UTC. You can run it again now.')
  t.equal(completedSentence(completedIn(0, { can_run: false, can_retry_in_days: undefined, bundles_created: undefined, completed_at: undefined })),
    'Quick install finished. It cannot be run again yet.', 'can_run false with no days: still says why there is no upload')
  t.equal(previousBundlesSentence('2026-11-20T09:05:00.000Z'),
    'The failed run did not replace them: these are still your shop\'s bundles, from the quick install completed on 20 Nov 2026, 09:05 UTC.')
  t.match(previousBundlesSentence(null), /from the quick install that last completed\.$/)
})

t.test('polling trouble: lost contact, and stopped for good', async t => {
  t.equal(lostContactNote(4000, 'network'), 'Lost contact with the service; trying again in 4 s.')
  t.equal(lostContactNote(30_000, 'session'), 'Shopify did not give this page a session; trying again in 30 s.')
  const expired = stoppedChecking(401)
  t.match(expired.state, /checking stopped/, 'the card no longer says "Processing"')
  t.match(expired.note, /^Stopped checking: /, 'the card no longer says "Checking every 2 seconds"')
  t.notMatch(expired.note, /every 2 seconds/)
  t.equal(expired.status, 'Stopped checking the quick install.')
  t.equal(expired.alert, SESSION_REFUSED, '401: the session ended')
  t.equal(stoppedChecking(404).alert, 'Could not read the quick install status (HTTP 404). Reload the page to try again.')
})

t.test('CSV download failures as sentences', async t => {
  t.equal(downloadFailure(401), SESSION_REFUSED)
  t.match(downloadFailure(404), /no longer available/)
  t.match(downloadFailure(null), /did not reach the service/)
  t.match(downloadFailure(503), /HTTP 503/)
})

t.test('auth mode and shop names', async t => {
  t.equal(authModeFrom({ auth_mode: 'development' }, false, false), 'development')
  t.equal(authModeFrom({ auth: 'shopify' }, false, false), 'shopify')
  t.equal(authModeFrom(null, true, false), 'shopify', 'App Bridge present')
  t.equal(authModeFrom(null, false, false), 'development')
  t.equal(normaliseShop(' Demo.myshopify.com/admin '), 'demo.myshopify.com')
  t.equal(normaliseShop('demo'), 'demo.myshopify.com')
  t.equal(normaliseShop('https://evil.example.com'), null)
})
