// Exact frequent-itemset counting (sizes 2..maxSize, maxSize ≤ 4) over CSR baskets.
//
// How: items below minCount are dropped and the rest renumbered by ascending frequency, so the
// frequent (expensive) items sort last and the suffixes after them are short. Mining is then a
// depth-first projection (the H-mine/LCM idea): a projected database is a list of basket suffixes,
// each just a (start, end) pair into one shared item array, so nothing is copied. For a prefix P,
// one pass over its suffixes counts every extension item x (exact support of P+x); a second pass
// "delivers" each suffix position of a frequent x into x's bucket, which is the projection of P+x.
// Counters are dense Int32Arrays indexed by item (no hash maps), and every depth reuses one
// preallocated buffer (bounded by the item count), so memory is O(items in baskets), whatever the
// number of pairs.
import type { Baskets } from './baskets.js'
import { ItemsetTable } from './itemset-table.js'

export const MAX_ITEMSET_SIZE = 4

export interface MiningOptions {
  /** Smallest basket count an itemset needs to be reported (≥ 1). */
  minCount: number
  /** Largest itemset size to count (2..4). */
  maxSize: number
}

export interface FrequentItemsets {
  basketCount: number
  minCount: number
  maxSize: number
  /** Baskets containing each item (every item, frequent or not), indexed by item id. */
  itemCounts: Int32Array
  /** bySize[k] holds the frequent itemsets of size k + 2. */
  bySize: ItemsetTable[]
}

export function mineFrequentItemsets (baskets: Baskets, options: MiningOptions): FrequentItemsets {
  const { minCount, maxSize } = options
  if (!Number.isInteger(minCount) || minCount < 1) throw new RangeError(`minCount must be a positive integer, got ${minCount}`)
  if (!Number.isInteger(maxSize) || maxSize < 2 || maxSize > MAX_ITEMSET_SIZE) {
    throw new RangeError(`maxSize must be an integer from 2 to ${MAX_ITEMSET_SIZE}, got ${maxSize}`)
  }
  const { offsets, items, itemCount } = baskets
  const nBaskets = offsets.length - 1

  const itemCounts = new Int32Array(itemCount)
  for (let p = offsets[0] ?? 0, end = offsets[nBaskets] ?? 0; p < end; p++) itemCounts[items[p]]++

  // Frequent items, renumbered by ascending count (ties by id, so the result is deterministic).
  const frequent: number[] = []
  for (let id = 0; id < itemCount; id++) if (itemCounts[id] >= minCount) frequent.push(id)
  frequent.sort((a, b) => itemCounts[a] - itemCounts[b] || a - b)
  const nF = frequent.length
  const rankOf = new Int32Array(itemCount).fill(-1)
  const idOf = Int32Array.from(frequent)
  for (let r = 0; r < nF; r++) rankOf[frequent[r]] = r

  const bySize: ItemsetTable[] = []
  for (let s = 2; s <= maxSize; s++) bySize.push(new ItemsetTable(s))
  const result: FrequentItemsets = { basketCount: nBaskets, minCount, maxSize, itemCounts, bySize }
  if (nF < 2) return result

  // Baskets restricted to frequent items, in rank space, sorted; baskets left with < 2 items go.
  const fItems = new Int32Array(offsets[nBaskets] - offsets[0])
  const fEnds: number[] = []
  let w = 0
  for (let b = 0; b < nBaskets; b++) {
    const start = w
    for (let p = offsets[b]; p < offsets[b + 1]; p++) {
      const r = rankOf[items[p]]
      if (r >= 0) fItems[w++] = r
    }
    if (w - start < 2) { w = start; continue }
    sortRange(fItems, start, w)
    fEnds.push(w)
  }
  const totalItems = w

  // Depth-0 projection: for each frequent item, the suffixes that follow it (non-empty ones only:
  // an empty suffix contributes to no extension, and the item's own count is already known).
  const occStart = new Int32Array(nF + 1)
  let basketStart = 0
  for (const end of fEnds) {
    for (let p = basketStart; p < end - 1; p++) occStart[fItems[p] + 1]++
    basketStart = end
  }
  for (let r = 0; r < nF; r++) occStart[r + 1] += occStart[r]
  const depthStarts: Int32Array[] = []
  const depthEnds: Int32Array[] = []
  for (let d = 0; d < maxSize - 1; d++) {
    depthStarts.push(new Int32Array(Math.max(1, totalItems)))
    depthEnds.push(new Int32Array(Math.max(1, totalItems)))
  }
  {
    const fill = occStart.slice(0, nF)
    const starts = depthStarts[0]
    const ends = depthEnds[0]
    basketStart = 0
    for (const end of fEnds) {
      for (let p = basketStart; p < end - 1; p++) {
        const at = fill[fItems[p]]++
        starts[at] = p + 1
        ends[at] = end
      }
      basketStart = end
    }
  }

  const counter = new Int32Array(nF)
  const slot = new Int32Array(nF).fill(-1)
  const touched: Int32Array[] = []
  const extItems: Int32Array[] = []
  const extFrom: Int32Array[] = []
  for (let d = 0; d < maxSize - 1; d++) {
    touched.push(new Int32Array(nF))
    extItems.push(new Int32Array(nF))
    extFrom.push(new Int32Array(nF + 1))
  }
  const prefix = new Int32Array(maxSize)
  const emitBuf = new Int32Array(maxSize)

  const emit = (size: number, count: number): void => {
    for (let k = 0; k < size; k++) emitBuf[k] = idOf[prefix[k]]
    const set = emitBuf.subarray(0, size)
    set.sort()
    bySize[size - 2].push(set, count)
  }

  // Counts the extensions of prefix[0..depth] over the suffixes [from, to) of depth buffer
  // `depth`, emits the frequent ones, and recurses while sets may still grow.
  const expand = (depth: number, from: number, to: number): void => {
    const starts = depthStarts[depth]
    const ends = depthEnds[depth]
    const seen = touched[depth]
    let nSeen = 0
    for (let e = from; e < to; e++) {
      for (let p = starts[e], end = ends[e]; p < end; p++) {
        const x = fItems[p]
        if (counter[x]++ === 0) seen[nSeen++] = x
      }
    }
    const size = depth + 2
    const grow = size < maxSize
    const ext = extItems[depth]
    const extStart = extFrom[depth]
    let nExt = 0
    let bucketTotal = 0
    for (let i = 0; i < nSeen; i++) {
      const x = seen[i]
      const c = counter[x]
      counter[x] = 0
      if (c < minCount) continue
      prefix[depth + 1] = x
      emit(size, c)
      if (grow) {
        ext[nExt] = x
        extStart[nExt++] = bucketTotal
        bucketTotal += c
      }
    }
    if (nExt === 0) return
    // Deliver each suffix position of a frequent extension x into x's bucket (skip empty suffixes).
    for (let i = 0; i < nExt; i++) slot[ext[i]] = extStart[i]
    const childStarts = depthStarts[depth + 1]
    const childEnds = depthEnds[depth + 1]
    for (let e = from; e < to; e++) {
      const end = ends[e]
      for (let p = starts[e]; p < end - 1; p++) {
        const at = slot[fItems[p]]
        if (at < 0) continue
        childStarts[at] = p + 1
        childEnds[at] = end
        slot[fItems[p]] = at + 1
      }
    }
    // slot[x] now marks the end of x's filled bucket; read it back before clearing.
    const filledEnd = touched[depth] // reuse: the seen list is no longer needed
    for (let i = 0; i < nExt; i++) {
      filledEnd[i] = slot[ext[i]]
      slot[ext[i]] = -1
    }
    const bucketFrom = extStart.slice(0, nExt)
    const bucketTo = filledEnd.slice(0, nExt)
    const exts = ext.slice(0, nExt)
    for (let i = 0; i < nExt; i++) {
      if (bucketTo[i] === bucketFrom[i]) continue
      prefix[depth + 1] = exts[i]
      expand(depth + 1, bucketFrom[i], bucketTo[i])
    }
  }

  for (let r = 0; r < nF; r++) {
    if (occStart[r + 1] === occStart[r]) continue
    prefix[0] = r
    expand(0, occStart[r], occStart[r + 1])
  }
  return result
}

function sortRange (a: Int32Array, from: number, to: number): void {
  if (to - from > 24) { a.subarray(from, to).sort(); return }
  for (let i = from + 1; i < to; i++) {
    const v = a[i]
    let j = i - 1
    while (j >= from && a[j] > v) { a[j + 1] = a[j]; j-- }
    a[j + 1] = v
  }
}
