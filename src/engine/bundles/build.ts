// From an IngestResult to the ranked, priced bundle list: mine → rank → price, timed per stage.
// Orders and catalog-derived bundles share one ordering by score; ranks are 1-based.
import { EngineInputError } from '../errors.js'
import type { Bundle, EngineOptions, IngestResult } from '../types.js'
import { mineFrequentItemsets } from '../mining/index.js'
import { scoreLargerSets, scorePairs } from './fbt-candidates.js'
import { scoreVolume } from './volume-candidates.js'
import { fbtBundle, volumeBundle } from './order-bundles.js'
import { count } from './describe.js'
import { catalogBundles } from './catalog-offers.js'
import { resolveOptions } from './options.js'
import type { ResolvedOptions } from './options.js'

export interface BuiltBundles {
  bundles: Bundle[]
  options: ResolvedOptions
  ms: { mine: number, rank: number, price: number }
}

type Unranked = Omit<Bundle, 'rank'>

export function buildBundleList (ingested: IngestResult, engineOptions: EngineOptions = {}): BuiltBundles {
  const orders = ingested.basketOffsets.length - 1
  const options = resolveOptions(engineOptions, orders)
  const currency = currencyOf(ingested)
  if (ingested.kind === 'catalog') {
    const t0 = performance.now()
    const bundles = finish(catalogBundles(ingested.products, currency, options.maxBundles), options.maxBundles)
    if (bundles.length === 0) {
      throw new EngineInputError('NO_BUNDLES', `The catalog has no active products to build offers from.${skippedNote(ingested)}`,
        { products: ingested.products.length, ...skippedDetails(ingested) })
    }
    return { bundles, options, ms: { mine: 0, rank: 0, price: performance.now() - t0 } }
  }

  const t0 = performance.now()
  const mined = mineFrequentItemsets(
    { offsets: ingested.basketOffsets, items: ingested.basketItems, itemCount: ingested.products.length },
    { minCount: options.minCount, maxSize: options.maxSize })
  const t1 = performance.now()
  const pairs = scorePairs(mined).filter(c => c.score > 0)
  const larger = scoreLargerSets(mined)
  const volume = scoreVolume(ingested.basketItems, ingested.basketQuantities, ingested.products.length, options.minCount)
  const t2 = performance.now()
  // Only the best maxBundles candidates get described and priced; a VOLUME candidate whose cost
  // leaves no room for a discount yields nothing, so candidates are taken until the list is full.
  const queue: Array<{ score: number, make: () => Unranked | null }> = [
    ...[...pairs, ...larger].map(c => ({ score: c.score, make: () => fbtBundle(c, ingested, mined, currency) })),
    ...volume.map(c => ({ score: c.score, make: () => volumeBundle(c, ingested, orders, currency) }))
  ].sort((a, b) => b.score - a.score)
  const unranked: Unranked[] = []
  for (const candidate of queue) {
    if (unranked.length >= options.maxBundles) break
    const bundle = candidate.make()
    if (bundle) unranked.push(bundle)
  }
  const bundles = finish(unranked, options.maxBundles)
  const t3 = performance.now()
  if (bundles.length === 0) throw noBundles(ingested, options, mined.bySize[0].length)
  return { bundles, options, ms: { mine: t1 - t0, rank: t2 - t1, price: t3 - t2 } }
}

function finish (unranked: Unranked[], maxBundles: number): Bundle[] {
  return unranked
    .sort((a, b) => b.score - a.score || (b.stats?.count ?? 0) - (a.stats?.count ?? 0) || a.type.localeCompare(b.type) ||
      a.items.map(i => i.key).join('\u0000').localeCompare(b.items.map(i => i.key).join('\u0000')))
    .slice(0, maxBundles)
    .map((b, i) => ({ ...b, rank: i + 1 }))
}

function noBundles (ingested: IngestResult, options: ResolvedOptions, frequentPairs: number): EngineInputError {
  const orders = ingested.basketOffsets.length - 1
  let multiProduct = 0
  for (let b = 0; b < orders; b++) if (ingested.basketOffsets[b + 1] - ingested.basketOffsets[b] >= 2) multiProduct++
  let multiUnit = 0
  for (const q of ingested.basketQuantities) if (q >= 2) multiUnit++
  const details = { orders_used: orders, multi_product_orders: multiProduct, multi_unit_lines: multiUnit, min_count: options.minCount, frequent_pairs: frequentPairs, ...skippedDetails(ingested) }
  const skipped = skippedNote(ingested)
  if (orders === 0) return new EngineInputError('NO_BUNDLES', `No order was a real sale with merchandise in it, so there is nothing to learn bundles from.${skipped}`, details)
  const together = multiProduct === 0
    ? 'No order had two or more products'
    : frequentPairs === 0
      ? `No two products were bought together in at least ${count(options.minCount)} orders (${count(multiProduct)} of ${count(orders)} orders had two or more products)`
      : `No pair bought together in at least ${options.minCount} orders did so clearly more often than chance`
  const several = multiUnit === 0
    ? 'no product was bought several at a time'
    : `no product was bought several at a time in at least ${options.minCount} orders and clearly more often than the shop's other products or in most of its orders`
  return new EngineInputError('NO_BUNDLES', `${together}, and ${several}.${skipped}`, details)
}

/** Rows ingest skipped as unreadable, by reason; empty when none were (or the result carries no summary). */
function rowsSkipped (ingested: IngestResult): Array<[string, number]> {
  return Object.entries(ingested.summary?.rows_skipped ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
}

function skippedDetails (ingested: IngestResult): { rows_read?: number, rows_skipped?: Record<string, number> } {
  return rowsSkipped(ingested).length === 0 ? {} : { rows_read: ingested.summary.rows_read, rows_skipped: ingested.summary.rows_skipped }
}

/**
 * Unreadable rows are often why nothing was found (a price column holding text, say): the merchant
 * must learn the file was the problem, with how many rows and the main reasons.
 */
function skippedNote (ingested: IngestResult): string {
  const skipped = rowsSkipped(ingested)
  if (skipped.length === 0) return ''
  const total = skipped.reduce((sum, [, n]) => sum + n, 0)
  const shown = skipped.slice(0, 3).map(([reason, n]) => `${reason.replaceAll('_', ' ')}: ${n}`)
  if (skipped.length > 3) shown.push(`${skipped.length - 3} other reason(s)`)
  return ` Also, ${count(total)} of ${count(ingested.summary.rows_read)} data rows were skipped as unreadable (${shown.join(', ')}), ` +
    'which may be why: check that those columns hold what their names say.'
}

/** The shop's currency as ingest found it (optional: results built elsewhere may not carry one). */
function currencyOf (ingested: IngestResult): string | null {
  const value = ingested.currency
  return typeof value === 'string' && value !== '' ? value : null
}
