// npm run evaluate -- <baskets file> [--min-count N] [--random-splits N] [--bootstrap N]
// Holdout evaluation of the engine's pair ranking: train on the earliest 80% of orders (by order
// date when the file has one, else in file order), test on the latest 20%, and print for the top
// 20 and top 100 pairs the holdout leverage (test orders with both minus those expected if
// independent) and the median holdout lift, for the engine's score, raw count and in-sample
// leverage. Takes any orders file the engine reads (.csv or .csv.gz), a FIMI .dat basket file, or with
// --basket-lines a file of one basket per line with item names separated by commas (no header).
// The same figures averaged over random 80/20 splits follow (default 200; --random-splits 0 skips
// them): one time split is a single noisy draw; engine − in-sample leverage paired per split, with
// its standard error, says whether a difference between the two is real or luck.
// And the test set's own noise (default 200 bootstrap resamples of the test orders; --bootstrap 0
// skips it): the spread of each top-20/top-100 figure, and engine − in-sample leverage paired.
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { evaluateHoldout, ingest, isEngineInputError } from '../engine/index.js'
import type { HoldoutReport, IngestResult } from '../engine/index.js'
import { readBasketFile, readNamedBasketFile } from '../engine/mining/index.js'
import type { Baskets } from '../engine/mining/index.js'
import { openInput, positiveInt, UsageError } from './bundles.js'

const USAGE = 'usage: npm run evaluate -- <orders.csv[.gz] | baskets.dat | baskets.csv --basket-lines> [--min-count N] [--random-splits N] [--bootstrap N]'
const DEFAULT_RANDOM_SPLITS = 200
const DEFAULT_BOOTSTRAP = 200

async function load (file: string, basketLines: boolean): Promise<IngestResult> {
  const unreadable = (err: NodeJS.ErrnoException): never => {
    throw new UsageError(err.code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${err.message}`)
  }
  if (basketLines) {
    const { baskets, names } = await readNamedBasketFile(file).catch(unreadable)
    return fromBaskets(baskets, names, ',')
  }
  if (file.endsWith('.dat')) {
    const baskets = await readBasketFile(file).catch(unreadable)
    return fromBaskets(baskets, Array.from({ length: baskets.itemCount }, (_, i) => String(i)), ' ')
  }
  const ingested = await ingest(await openInput(file))
  if (ingested.kind !== 'orders') throw new UsageError(`${file} is a product catalog; evaluation needs orders`)
  return ingested
}

/** Baskets read straight from a basket file, shaped as ingest's result (one order per basket). */
function fromBaskets (baskets: Baskets, names: string[], delimiter: string): IngestResult {
  const n = baskets.offsets.length - 1
  const products = names.map(name => ({ key: name, title: name, skus: [], price: null, cost: null, type: null, vendor: null, tags: [] }))
  return {
    kind: 'orders',
    format: 'generic-orders',
    products,
    basketOffsets: baskets.offsets,
    basketItems: baskets.items,
    basketQuantities: new Int32Array(baskets.items.length).fill(1),
    orderTimes: null,
    summary: {
      format: 'generic-orders', kind: 'orders', delimiter, rows_read: n, rows_skipped: {}, lines_dropped: {},
      orders_read: n, orders_used: n, multi_product_orders: 0, products: baskets.itemCount, ms_ingest: 0
    }
  }
}

export function formatReport (file: string, r: HoldoutReport): string {
  const lines = [
    `${file}: train ${r.trainOrders} orders, test ${r.testOrders} (split by ${r.splitBy}); ${r.candidatePairs} pairs bought together in at least ${r.minCount} training orders`,
    '',
    ...table(r.rankings),
    '',
    'holdout leverage: Σ over the pairs of (test orders with both − test orders expected with both if independent), in orders',
    `the engine and in-sample leverage share ${r.sharedWithLeverage.map(x => `${x.shared} of their top-${x.k} pairs`).join(', ')}`,
    `predicted by the training orders (their excess × test/train orders) and delivered: ${promises(r.rankings)}`,
    `ceiling, the best any ranking of these ${r.candidatePairs} candidate pairs could do (the top pairs chosen knowing the test orders): ${ceilingLine(r.ceiling, r.rankings)}`
  ]
  if (r.noise) {
    lines.push('', `test-set noise (${r.noise.resamples} bootstrap resamples of the test orders, same top pairs):`)
    for (const top of r.noise.tops) {
      const sds = Object.entries(top.sd).map(([ranking, sd]) => `${ranking} ±${sd.toFixed(1)}`).join(', ')
      const d = top.engineMinusLeverage
      lines.push(`  top-${top.k}: sd ${sds}; engine − in-sample leverage ${signed(d.mean)} ± ${d.sd.toFixed(1)} (engine better in ${d.better}, worse in ${d.worse})`)
    }
  }
  if (r.random) {
    lines.push('', `averaged over ${r.random.splits} random 80/20 splits (same sizes; "vs leverage" = splits where the top 20 did better/worse than in-sample leverage's):`, '')
    lines.push(...table(r.random.rankings, r.random.rankings.map(x => `${x.top20VsLeverage.better}/${x.top20VsLeverage.worse}`)))
    lines.push('')
    for (const d of r.random.engineMinusLeverage) {
      lines.push(`  top-${d.k}: engine − in-sample leverage ${signed(d.mean)} ± ${d.se.toFixed(1)} (standard error over the splits; engine better in ${d.better}, worse in ${d.worse})`)
    }
    lines.push(`  ceiling averaged over the splits: ${ceilingLine(r.random.ceiling, r.random.rankings)}`)
    for (const d of r.random.leverageShortfall) {
      lines.push(`  top-${d.k}: in-sample leverage delivered − predicted ${signed(d.mean)} on average (sd ${d.sd.toFixed(1)} over the splits)`)
    }
  }
  return lines.join('\n')
}

/** "engine score top-20 611.9 → 570.5, top-100 …; raw count …" for every ranking. */
function promises (rankings: HoldoutReport['rankings']): string {
  return rankings
    .map(r => `${r.ranking} ${r.tops.map(t => `top-${t.k} ${t.predictedLeverage.toFixed(1)} → ${t.holdoutLeverage.toFixed(1)}`).join(', ')}`)
    .join('; ')
}

/** "top-20 622.6 (engine score 92%, in-sample leverage 92%), top-100 …": each ranking's share of the ceiling. */
function ceilingLine (ceiling: HoldoutReport['ceiling'], rankings: HoldoutReport['rankings']): string {
  return ceiling.map((c, j) => {
    // A share of a ceiling at or below zero (a file with no real affinity) means nothing: none is printed.
    const share = (x: number): string => (c.holdoutLeverage > 0 ? `${(100 * x / c.holdoutLeverage).toFixed(1)}%` : '-')
    const shares = rankings.filter(r => r.ranking !== 'raw count').map(r => `${r.ranking} ${share(r.tops[j].holdoutLeverage)}`)
    return `top-${c.k} ${c.holdoutLeverage.toFixed(1)} (${shares.join(', ')})`
  }).join(', ')
}

function signed (x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`
}

function table (rankings: HoldoutReport['rankings'], extra?: string[]): string[] {
  const lift = (x: number | null): string => (x === null ? '-' : x.toFixed(2)).padStart(11)
  return [
    `ranking               top-20 holdout leverage  median lift   top-100 holdout leverage  median lift${extra ? '   vs leverage' : ''}`,
    `--------------------  -----------------------  -----------   ------------------------  -----------${extra ? '   -----------' : ''}`,
    ...rankings.map((ranking, i) => {
      const [t20, t100] = ranking.tops
      return `${ranking.ranking.padEnd(20)}  ${t20.holdoutLeverage.toFixed(1).padStart(23)}  ${lift(t20.medianHoldoutLift)}   ${t100.holdoutLeverage.toFixed(1).padStart(24)}  ${lift(t100.medianHoldoutLift)}${extra ? `   ${extra[i].padStart(11)}` : ''}`
    })
  ]
}

async function main (): Promise<void> {
  try {
    let parsed
    try {
      parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { 'basket-lines': { type: 'boolean' }, 'min-count': { type: 'string' }, 'random-splits': { type: 'string' }, bootstrap: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
    } catch (err) {
      throw new UsageError((err as Error).message)
    }
    if (parsed.values.help) throw new UsageError('')
    if (parsed.positionals.length !== 1) throw new UsageError('give exactly one baskets or orders file')
    const file = parsed.positionals[0]
    const minCount = positiveInt('min-count', parsed.values['min-count'])
    const splitsArg = parsed.values['random-splits']
    if (splitsArg !== undefined && !/^\d+$/.test(splitsArg)) throw new UsageError(`--random-splits must be a whole number, got "${splitsArg}"`)
    const randomSplits = splitsArg === undefined ? DEFAULT_RANDOM_SPLITS : Number(splitsArg)
    const bootstrapArg = parsed.values.bootstrap
    if (bootstrapArg !== undefined && !/^\d+$/.test(bootstrapArg)) throw new UsageError(`--bootstrap must be a whole number, got "${bootstrapArg}"`)
    const bootstrapResamples = bootstrapArg === undefined ? DEFAULT_BOOTSTRAP : Number(bootstrapArg)
    const report = evaluateHoldout(await load(file, parsed.values['basket-lines'] === true), { ...(minCount === undefined ? {} : { minCount }), randomSplits, bootstrapResamples })
    process.stdout.write(formatReport(file, report) + '\n')
  } catch (err) {
    if (err instanceof UsageError) process.stderr.write(`${err.message ? `error: ${err.message}\n` : ''}${USAGE}\n`)
    else if (isEngineInputError(err)) {
      // A basket file without a header reads as unknown columns: say how to read it instead.
      const hint = err.code === 'UNRECOGNISED_FORMAT' ? 'For one basket per line with item names separated by commas (no header), add --basket-lines.\n' : ''
      process.stderr.write(`error (${err.code}): ${err.message}\n${hint}`)
    }
    else throw err
    process.exitCode = 2
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
