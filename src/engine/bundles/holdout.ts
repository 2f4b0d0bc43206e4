// Holdout evaluation of pair rankings (npm run evaluate): train on the earliest 80% of orders,
// test on the latest 20%, and measure what each ranking's top pairs really did in the test orders:
//   holdout leverage = Σ over the top-k pairs of (test orders with both − test orders expected
//                      with both if the two were independent), in orders;
//   median holdout lift = median over the top-k pairs of test count / expected;
//   predicted holdout leverage = Σ over the same pairs of their training excess (count − expected)
//                      scaled to the test size: what the training orders promised for that top-k, so
//                      the shortfall (holdout − predicted) says how much of a top-k's figure the test
//                      orders took back (selection on noise, drift, or the test set's own noise).
// Rankings compared: the engine's score (score.ts), raw co-purchase count, in-sample leverage.
// The ceiling is the best top-k any ranking of the same candidate pairs could reach: the k pairs with
// the largest test excess, chosen knowing the test orders. It says how much room a ranking has left.
// With bootstrapResamples > 0 the test orders are resampled with replacement to say how much of a
// difference is the test set's own noise: the spread of each top-k figure, and the paired difference
// engine − in-sample leverage over the same resamples. With randomSplits > 0 the same comparison is
// repeated over random 80/20 splits, and engine − in-sample leverage is paired per split: its mean
// and standard error say whether a difference between the two is real or one split's luck.
import type { IngestResult } from '../types.js'
import type { Baskets } from '../mining/index.js'
import { mineFrequentItemsets } from '../mining/index.js'
import { scorePairs } from './fbt-candidates.js'
import type { FbtCandidate } from './fbt-candidates.js'
import { defaultMinCount } from './options.js'

export const TRAIN_SHARE = 0.8
export const EVALUATED_TOPS = [20, 100] as const

export interface RankingResult {
  ranking: string
  tops: Array<{ k: number, pairs: number, holdoutLeverage: number, predictedLeverage: number, medianHoldoutLift: number | null }>
}

export interface HoldoutReport {
  trainOrders: number
  testOrders: number
  splitBy: 'order date' | 'file order'
  minCount: number
  candidatePairs: number
  rankings: RankingResult[]
  /** Per top-k: the holdout leverage of the k candidate pairs with the largest test excess (chosen
   * knowing the test orders), the most any ranking of these candidates could score. */
  ceiling: Array<{ k: number, holdoutLeverage: number }>
  /** How many of the engine's top-k pairs are also in-sample leverage's top-k, on the time split. */
  sharedWithLeverage: Array<{ k: number, shared: number }>
  /** With bootstrapResamples > 0: the time split's figures over resampled test orders. */
  noise?: { resamples: number, tops: Array<{ k: number, sd: Record<string, number>, engineMinusLeverage: { mean: number, sd: number, better: number, worse: number } }> }
  /** With randomSplits > 0: the same rankings averaged over random 80/20 splits (a check that a
   * difference on the one time split is not luck). */
  random?: {
    splits: number
    rankings: Array<RankingResult & { top20VsLeverage: { better: number, worse: number } }>
    /** The ceiling, averaged over the splits. */
    ceiling: Array<{ k: number, holdoutLeverage: number }>
    /** engine − in-sample leverage per split, per top-k: mean, its standard error, and the splits each way. */
    engineMinusLeverage: Array<{ k: number, mean: number, se: number, better: number, worse: number }>
    /** In-sample leverage's holdout − predicted leverage per split, per top-k: its mean and spread, the
     * yardstick for the time split's own shortfall. */
    leverageShortfall: Array<{ k: number, mean: number, sd: number }>
  }
}

const RANKINGS: Array<[string, (a: FbtCandidate, b: FbtCandidate) => number]> = [
  ['engine score', (a, b) => b.score - a.score],
  ['raw count', (a, b) => b.count - a.count],
  ['in-sample leverage', (a, b) => (b.count - b.expected) - (a.count - a.expected)]
]
// Every split's rankings, tops and figures come in RANKINGS order.
const ENGINE = 0
const LEVERAGE = 2

export function evaluateHoldout (ingested: IngestResult, options: { minCount?: number, randomSplits?: number, bootstrapResamples?: number } = {}): HoldoutReport {
  const n = ingested.basketOffsets.length - 1
  const cut = Math.floor(n * TRAIN_SHARE)
  const minCount = options.minCount ?? defaultMinCount(cut)
  const order = chronological(ingested)
  const timeSplit = evaluateSplit(ingested, order.subarray(0, cut), order.subarray(cut), minCount)
  const report: HoldoutReport = {
    trainOrders: cut,
    testOrders: n - cut,
    splitBy: ingested.orderTimes && ingested.orderTimes.some(t => !Number.isNaN(t)) ? 'order date' : 'file order',
    minCount,
    candidatePairs: timeSplit.candidates,
    rankings: timeSplit.rankings,
    ceiling: EVALUATED_TOPS.map((k, j) => ({ k, holdoutLeverage: timeSplit.ceiling[j] })),
    sharedWithLeverage: EVALUATED_TOPS.map(k => ({ k, shared: sharedPairs(timeSplit.tops, k) }))
  }
  if ((options.bootstrapResamples ?? 0) > 0) report.noise = bootstrapNoise(ingested, order.subarray(cut), timeSplit.tops, options.bootstrapResamples as number)
  const splits = options.randomSplits ?? 0
  if (splits > 0) {
    const sums = RANKINGS.map(([ranking]) => ({ ranking, tops: EVALUATED_TOPS.map(k => ({ k, pairs: 0, holdoutLeverage: 0, predictedLeverage: 0, medianHoldoutLift: 0 as number | null })) }))
    // Per ranking, per top: that ranking's holdout leverage minus in-sample leverage's, one per split.
    const vsLeverage = RANKINGS.map(() => EVALUATED_TOPS.map(() => [] as number[]))
    // Per top: in-sample leverage's holdout minus predicted leverage, one per split.
    const shortfalls = EVALUATED_TOPS.map(() => [] as number[])
    const ceilings = EVALUATED_TOPS.map(() => 0)
    for (let s = 1; s <= splits; s++) {
      const shuffled = shuffle(n, s)
      const { rankings, ceiling } = evaluateSplit(ingested, shuffled.subarray(0, cut), shuffled.subarray(cut), minCount)
      ceiling.forEach((c, j) => { ceilings[j] += c / splits })
      rankings.forEach((r, i) => {
        r.tops.forEach((top, j) => {
          const sum = sums[i].tops[j]
          sum.pairs += top.pairs / splits
          sum.holdoutLeverage += top.holdoutLeverage / splits
          sum.predictedLeverage += top.predictedLeverage / splits
          sum.medianHoldoutLift = (sum.medianHoldoutLift ?? 0) + (top.medianHoldoutLift ?? 0) / splits
          vsLeverage[i][j].push(top.holdoutLeverage - rankings[LEVERAGE].tops[j].holdoutLeverage)
          if (i === LEVERAGE) shortfalls[j].push(top.holdoutLeverage - top.predictedLeverage)
        })
      })
    }
    report.random = {
      splits,
      rankings: sums.map((sum, i) => ({ ...sum, top20VsLeverage: verdicts(vsLeverage[i][0]) })),
      ceiling: EVALUATED_TOPS.map((k, j) => ({ k, holdoutLeverage: ceilings[j] })),
      engineMinusLeverage: EVALUATED_TOPS.map((k, j) => {
        const differences = vsLeverage[ENGINE][j]
        const { mean, sd } = spread(differences)
        return { k, mean, se: sd / Math.sqrt(splits), ...verdicts(differences) }
      }),
      leverageShortfall: EVALUATED_TOPS.map((k, j) => ({ k, ...spread(shortfalls[j]) }))
    }
  }
  return report
}

/** Each ranking's top pairs (the longest top evaluated), best first. */
type RankedTops = Array<{ ranking: string, pairs: Array<[number, number]> }>

function sharedPairs (tops: RankedTops, k: number): number {
  const top = (i: number): string[] => tops[i].pairs.slice(0, k).map(p => p.join(','))
  const leverage = new Set(top(LEVERAGE))
  return top(ENGINE).filter(p => leverage.has(p)).length
}

/** Differences (a ranking minus in-sample leverage) counted as better or worse; ties are neither. */
function verdicts (differences: number[]): { better: number, worse: number } {
  return { better: differences.filter(d => d > 1e-9).length, worse: differences.filter(d => d < -1e-9).length }
}

function evaluateSplit (ingested: IngestResult, trainIdx: Int32Array, testIdx: Int32Array, minCount: number): { candidates: number, rankings: RankingResult[], tops: RankedTops, ceiling: number[] } {
  const mined = mineFrequentItemsets(subset(ingested, trainIdx), { minCount, maxSize: 2 })
  const candidates = scorePairs(mined)
  const test = subset(ingested, testIdx)
  const testCounts = candidateTestCounts(candidates, test)
  const tops: RankedTops = []
  return {
    candidates: candidates.length,
    tops,
    ceiling: ceiling(candidates, testCounts),
    rankings: RANKINGS.map(([ranking, compare]) => {
      const ranked = [...candidates].sort((a, b) => compare(a, b) || a.items[0] - b.items[0] || a.items[1] - b.items[1])
      tops.push({ ranking, pairs: ranked.slice(0, Math.max(...EVALUATED_TOPS)).map(c => [c.items[0], c.items[1]]) })
      return {
        ranking,
        tops: EVALUATED_TOPS.map(k => {
          const top = ranked.slice(0, k)
          let leverage = 0
          let promised = 0
          const lifts: number[] = []
          for (const c of top) {
            promised += c.count - c.expected
            const together = testCounts.together(c.items)
            const expected = testCounts.itemCounts[c.items[0]] * testCounts.itemCounts[c.items[1]] / testCounts.orders
            leverage += together - expected
            if (expected > 0) lifts.push(together / expected)
          }
          return { k, pairs: top.length, holdoutLeverage: leverage, predictedLeverage: promised * testIdx.length / trainIdx.length, medianHoldoutLift: median(lifts) }
        })
      }
    })
  }
}

/** Per top-k: the sum of the k largest test excesses among the candidate pairs. */
function ceiling (candidates: FbtCandidate[], testCounts: TestCounts): number[] {
  const excess = candidates
    .map(c => testCounts.together(c.items) - testCounts.itemCounts[c.items[0]] * testCounts.itemCounts[c.items[1]] / testCounts.orders)
    .sort((a, b) => b - a)
  return EVALUATED_TOPS.map(k => excess.slice(0, k).reduce((sum, x) => sum + x, 0))
}

/**
 * The time split's top-k holdout leverage over `resamples` bootstrap resamples of the test orders (the
 * same top pairs; only the test orders vary): each ranking's spread, and engine − in-sample leverage
 * paired per resample.
 */
function bootstrapNoise (ingested: IngestResult, testIdx: Int32Array, tops: RankedTops, resamples: number): NonNullable<HoldoutReport['noise']> {
  const n = testIdx.length
  // For every item and pair that any ranking's top holds: the test orders (positions 0..n-1) holding it.
  const holders = new Map<string, number[]>()
  for (const { pairs } of tops) for (const [a, b] of pairs) for (const key of [`${a}`, `${b}`, `${a},${b}`]) holders.set(key, [])
  const hold = (key: string, k: number): void => { holders.get(key)?.push(k) }
  for (let k = 0; k < n; k++) {
    const i = testIdx[k]
    const items = Array.from(new Set(ingested.basketItems.subarray(ingested.basketOffsets[i], ingested.basketOffsets[i + 1]))).sort((x, y) => x - y)
    for (let p = 0; p < items.length; p++) {
      hold(`${items[p]}`, k)
      for (let q = p + 1; q < items.length; q++) hold(`${items[p]},${items[q]}`, k)
    }
  }
  const rnd = mulberry32(1)
  const weights = new Float64Array(n)
  const sum = (key: string): number => { let s = 0; for (const k of holders.get(key) ?? []) s += weights[k]; return s }
  const figures = EVALUATED_TOPS.map(() => tops.map(() => [] as number[]))
  for (let r = 0; r < resamples; r++) {
    weights.fill(0)
    for (let d = 0; d < n; d++) weights[Math.floor(rnd() * n)]++
    tops.forEach(({ pairs }, t) => {
      EVALUATED_TOPS.forEach((k, j) => {
        let leverage = 0
        for (const [a, b] of pairs.slice(0, k)) leverage += sum(`${a},${b}`) - sum(`${a}`) * sum(`${b}`) / n
        figures[j][t].push(leverage)
      })
    })
  }
  return {
    resamples,
    tops: EVALUATED_TOPS.map((k, j) => {
      const diffs = figures[j][ENGINE].map((x, r) => x - figures[j][LEVERAGE][r])
      return {
        k,
        sd: Object.fromEntries(tops.map(({ ranking }, t) => [ranking, spread(figures[j][t]).sd])),
        engineMinusLeverage: { ...spread(diffs), ...verdicts(diffs) }
      }
    })
  }
}

function spread (xs: number[]): { mean: number, sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return { mean, sd: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1)) }
}

function mulberry32 (seed: number): () => number {
  let a = (seed * 2654435761) >>> 0
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A seeded shuffle of 0..n-1 (mulberry32), so random splits are reproducible. */
function shuffle (n: number, seed: number): Int32Array {
  const rnd = mulberry32(seed)
  const idx = new Int32Array(n)
  for (let i = 0; i < n; i++) idx[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    const x = idx[i]; idx[i] = idx[j]; idx[j] = x
  }
  // Each side keeps its orders in file order (only membership is random).
  idx.subarray(0, Math.floor(n * TRAIN_SHARE)).sort()
  idx.subarray(Math.floor(n * TRAIN_SHARE)).sort()
  return idx
}

/** Basket indexes by order time (file order for ties and orders without a date). */
function chronological (ingested: IngestResult): Int32Array {
  const n = ingested.basketOffsets.length - 1
  const idx = new Int32Array(n)
  for (let i = 0; i < n; i++) idx[i] = i
  const times = ingested.orderTimes
  if (!times || !times.some(t => !Number.isNaN(t))) return idx
  const key = (i: number): number => Number.isNaN(times[i]) ? Infinity : times[i]
  return Int32Array.from([...idx].sort((a, b) => key(a) - key(b) || a - b))
}

function subset (ingested: IngestResult, baskets: Int32Array): Baskets {
  const offsets = new Int32Array(baskets.length + 1)
  let total = 0
  for (let k = 0; k < baskets.length; k++) {
    total += ingested.basketOffsets[baskets[k] + 1] - ingested.basketOffsets[baskets[k]]
    offsets[k + 1] = total
  }
  const items = new Int32Array(total)
  for (let k = 0; k < baskets.length; k++) {
    items.set(ingested.basketItems.subarray(ingested.basketOffsets[baskets[k]], ingested.basketOffsets[baskets[k] + 1]), offsets[k])
  }
  return { offsets, items, itemCount: ingested.products.length }
}

interface TestCounts { orders: number, itemCounts: Int32Array, together: (pair: readonly number[]) => number }

/**
 * Item counts, and the test orders holding each candidate pair, counted in one pass over the test
 * orders (only candidate pairs are kept): every ranking's top pairs and the ceiling read them.
 */
function candidateTestCounts (candidates: FbtCandidate[], test: Baskets): TestCounts {
  const m = test.itemCount
  const orders = test.offsets.length - 1
  const itemCounts = new Int32Array(m)
  for (const x of test.items) itemCounts[x]++
  // Keyed smaller item first, as a basket here is walked (the miner gives pairs that way too; the key
  // does not rely on it).
  const key = ([a, b]: readonly number[]): number => Math.min(a, b) * m + Math.max(a, b)
  const counts = new Map<number, number>()
  for (const c of candidates) counts.set(key(c.items), 0)
  for (let i = 0; i < orders; i++) {
    const items = Array.from(new Set(test.items.subarray(test.offsets[i], test.offsets[i + 1]))).sort((x, y) => x - y)
    for (let p = 0; p < items.length; p++) {
      for (let q = p + 1; q < items.length; q++) {
        const pair = items[p] * m + items[q]
        const seen = counts.get(pair)
        if (seen !== undefined) counts.set(pair, seen + 1)
      }
    }
  }
  return { orders, itemCounts, together: pair => counts.get(key(pair)) ?? 0 }
}

function median (xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
