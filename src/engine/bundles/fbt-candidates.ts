// Turns mined itemsets into scored FBT candidates: every frequent pair, and the triples (quads)
// that add something over their sub-sets.
//
// A larger set is kept only when its count beats what its best split predicts: for every way to
// split it in two frequent parts S and T (a pair and the third item; for a quad also a triple and
// the fourth item, or two pairs), the count expected if the parts were bought independently is
// count(S) · count(T) / N; the set's score is the excess over the LARGEST such expectation (so over
// its strongest split), with the same lower bound as pairs. A triple built from a strong pair plus
// a best-seller that tags along by chance scores ≤ 0 and is dropped, and so is a quad made of two
// strong pairs that meet by chance; a group bought as a unit (count(abc) ≈ count(ab)) scores high.
// The bound is a stricter one for these sets (LARGER_SET_Z, see score.ts).
import type { FrequentItemsets } from '../mining/index.js'
import { excessLowerBound, LARGER_SET_Z } from './score.js'

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
  const key = setKeyer(mined.itemCounts.length, mined.maxSize - 1)
  // One map per size: keys of different lengths may coincide as numbers.
  const countsBySize = new Map<number, Map<number | string, number>>()
  for (const table of mined.bySize.slice(0, -1)) {
    const counts = new Map<number | string, number>()
    const all = (1 << table.size) - 1
    for (let i = 0; i < table.length; i++) counts.set(key(table.items, i * table.size, table.size, all), table.counts[i])
    countsBySize.set(table.size, counts)
  }
  // The count of the part of the set at items[base .. base+size) picked by `mask`.
  const partCount = (items: Int32Array, base: number, size: number, mask: number): number => {
    const partSize = bitCount(mask)
    if (partSize === 1) return mined.itemCounts[items[base + Math.log2(mask)]]
    return countsBySize.get(partSize)?.get(key(items, base, size, mask)) ?? 0
  }
  const out: FbtCandidate[] = []
  for (const table of mined.bySize.slice(1)) {
    const size = table.size
    const all = (1 << size) - 1
    for (let i = 0; i < table.length; i++) {
      const base = i * size
      const count = table.counts[i]
      let expected = 0
      let parts = [0, 0]
      // Each split once: the part S holds the first item, T the rest of the set.
      for (let mask = 1; mask < all; mask += 2) {
        const s = partCount(table.items, base, size, mask)
        const t = partCount(table.items, base, size, all ^ mask)
        const e = s * t / n
        if (e > expected) { expected = e; parts = [s, t] }
      }
      const score = excessLowerBound(count, parts[0], parts[1], n, LARGER_SET_Z)
      if (score > 0) out.push({ items: table.setAt(i), count, expected, score })
    }
  }
  return out.sort(byScore)
}

function bitCount (mask: number): number {
  let bits = 0
  for (let m = mask; m !== 0; m &= m - 1) bits++
  return bits
}

/**
 * A map key for the items of items[base .. base+size) picked by the bits of `mask`: a number when
 * itemCount^maxLen stays exact in a double, else a string.
 */
function setKeyer (itemCount: number, maxLen: number): (items: Int32Array, base: number, size: number, mask: number) => number | string {
  if (Math.pow(itemCount, maxLen) < Number.MAX_SAFE_INTEGER) {
    return (items, base, size, mask) => {
      let k = 0
      for (let j = 0; j < size; j++) if ((mask & (1 << j)) !== 0) k = k * itemCount + items[base + j]
      return k
    }
  }
  return (items, base, size, mask) => {
    let k = ''
    for (let j = 0; j < size; j++) if ((mask & (1 << j)) !== 0) k += `${items[base + j]},`
    return k
  }
}

export function byScore (x: FbtCandidate, y: FbtCandidate): number {
  return y.score - x.score || y.count - x.count || compareItems(x.items, y.items)
}

function compareItems (a: number[], b: number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k]
  return a.length - b.length
}
