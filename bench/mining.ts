// Mining benchmark: the engine's miner against the npm package node-fpgrowth on retail.dat
// (88,162 baskets) at minimum support 45 baskets, in the same process, from the same in-memory
// baskets, with the itemset counts checked identical before any ratio is printed.
//   npx tsx bench/mining.ts
import { fileURLToPath } from 'node:url'
import { FPGrowth } from 'node-fpgrowth'
import { mineFrequentItemsets, readBasketFile } from '../src/engine/mining/index.js'
import type { Baskets, FrequentItemsets } from '../src/engine/mining/index.js'

export const RETAIL_PATH = fileURLToPath(new URL('../../shared/data/baskets/retail.dat', import.meta.url))
const MIN_COUNT = 45

export interface MiningBench {
  baskets: number
  minCount: number
  /** Median of 3 engine runs counting sizes 2..3, and the same with sizes 2..4. */
  engineMs: number
  engineMaxSize4Ms: number
  fpgrowthMs: number
  /** fpgrowthMs / engineMs (node-fpgrowth cannot stop at size 3; it mines every size). */
  ratio: number
  /** Frequent itemsets per size (2, 3, 4), identical for both. */
  counts: number[]
}

export async function benchMining (path = RETAIL_PATH): Promise<MiningBench> {
  const baskets = await readBasketFile(path)
  const n = baskets.offsets.length - 1
  const engineMs = median(3, () => mineFrequentItemsets(baskets, { minCount: MIN_COUNT, maxSize: 3 }))
  const engineMaxSize4Ms = median(3, () => mineFrequentItemsets(baskets, { minCount: MIN_COUNT, maxSize: 4 }))
  const mined = mineFrequentItemsets(baskets, { minCount: MIN_COUNT, maxSize: 4 })

  const transactions = toArrays(baskets)
  // node-fpgrowth takes a share and rounds the count up: (45 - 0.5) / n gives exactly 45.
  const fpgrowth = new FPGrowth<number>((MIN_COUNT - 0.5) / n)
  const t0 = performance.now()
  const reference = await fpgrowth.exec(transactions)
  const fpgrowthMs = performance.now() - t0

  const mismatch = compare(mined, reference)
  if (mismatch) throw new Error(`engine and node-fpgrowth disagree: ${mismatch}`)
  return {
    baskets: n,
    minCount: MIN_COUNT,
    engineMs,
    engineMaxSize4Ms,
    fpgrowthMs,
    ratio: fpgrowthMs / engineMs,
    counts: mined.bySize.map(t => t.length)
  }
}

function median (runs: number, fn: () => unknown): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)[runs >> 1]
}

function toArrays (b: Baskets): number[][] {
  const out: number[][] = []
  for (let i = 0; i + 1 < b.offsets.length; i++) out.push(Array.from(b.items.subarray(b.offsets[i], b.offsets[i + 1])))
  return out
}

/** Null when both found the same sets of sizes 2..4 with the same counts, else what differs. */
function compare (mined: FrequentItemsets, reference: Array<{ items: number[], support: number }>): string | null {
  const ours = new Map<string, number>()
  for (const table of mined.bySize) for (let i = 0; i < table.length; i++) ours.set(table.setAt(i).join(' '), table.counts[i])
  let theirs = 0
  for (const set of reference) {
    if (set.items.length < 2 || set.items.length > 4) continue
    theirs++
    const key = [...set.items].sort((a, b) => a - b).join(' ')
    if (ours.get(key) !== set.support) return `{${key}}: engine ${ours.get(key) ?? 'missing'}, node-fpgrowth ${set.support}`
  }
  return theirs === ours.size ? null : `engine found ${ours.size} sets of size 2..4, node-fpgrowth ${theirs}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchMining()
  console.log(`retail.dat: ${r.baskets} baskets, min support ${r.minCount}; frequent sets of size 2/3/4: ${r.counts.join(' / ')} (identical in both)`)
  console.log(`engine (sizes 2-3): ${r.engineMs.toFixed(0)} ms; engine (sizes 2-4): ${r.engineMaxSize4Ms.toFixed(0)} ms`)
  console.log(`node-fpgrowth (all sizes): ${r.fpgrowthMs.toFixed(0)} ms`)
  console.log(`ratio: engine is ${r.ratio.toFixed(1)}x faster`)
}
