// Turns mined itemsets into scored FBT candidates: every frequent pair, and the triples (quads)
// that add something over their sub-sets.
//
// A larger set is kept only when its count beats what its best split predicts: for every way
// to split it into a frequent subset S and the remaining item x, the count expected if x were
// independent of S is count(S) · n_x / N; the set's score is the excess over the LARGEST such
// expectation (so over its strongest sub-bundle), with the same lower bound as pairs. A triple
// built from a strong pair plus a best-seller that tags along by chance scores ≤ 0 and is dropped;
// a group bought as a unit (count(abc) ≈ count(ab)) scores high.
import type { FrequentItemsets, ItemsetTable } from '../mining/index.js'
import { excessLowerBound } from './score.js'

export interface FbtCandidate {
  /** Item ids (indexes into IngestResult.products), ascending. */
  items: number[]
  count: number
  /** Orders expected to hold the set if it were no better than its best split (pairs: independence). */
  expected: number
  score: number
}

/** Every frequent pair with its score, best first (pairs with a non-positive score included, last). */
export function scorePairs (mined: FrequentItemsets): FbtCandidate[] {
  const n = mined.basketCount
  const pairs = mined.bySize[0]
  const out: FbtCandidate[] = []
  for (let i = 0; i < pairs.length; i++) {
    const a = pairs.itemAt(i, 0)
    const b = pairs.itemAt(i, 1)
    const na = mined.itemCounts[a]
    const nb = mined.itemCounts[b]
    const count = pairs.counts[i]
    const expected = na * nb / n
    out.push({ items: [a, b], count, expected, score: excessLowerBound(count, na, nb, n) })
  }
  return out.sort(byScore)
}

/** Sets of size 3..maxSize whose score over their best split is positive, best first. */
export function scoreLargerSets (mined: FrequentItemsets): FbtCandidate[] {
  const n = mined.basketCount
  const countOf = new Map<string, number>()
  for (const table of mined.bySize) {
    for (let i = 0; i < table.length; i++) countOf.set(keyOf(table, i), table.counts[i])
  }
  const out: FbtCandidate[] = []
  for (const table of mined.bySize.slice(1)) {
    for (let i = 0; i < table.length; i++) {
      const set = table.setAt(i)
      const count = table.counts[i]
      let expected = 0
      let parts = [0, 0]
      for (let drop = 0; drop < set.length; drop++) {
        const rest = set.filter((_, k) => k !== drop)
        const restCount = countOf.get(rest.join(',')) ?? 0
        const nx = mined.itemCounts[set[drop]]
        const e = restCount * nx / n
        if (e > expected) { expected = e; parts = [restCount, nx] }
      }
      const score = excessLowerBound(count, parts[0], parts[1], n)
      if (score > 0) out.push({ items: set, count, expected, score })
    }
  }
  return out.sort(byScore)
}

function keyOf (table: ItemsetTable, i: number): string {
  return table.setAt(i).join(',')
}

export function byScore (x: FbtCandidate, y: FbtCandidate): number {
  return y.score - x.score || y.count - x.count || compareItems(x.items, y.items)
}

function compareItems (a: number[], b: number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k]
  return a.length - b.length
}
