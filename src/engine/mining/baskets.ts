// The basket layout mining works on: CSR arrays, as ingest produces them (see IngestResult).
// Basket i holds items[offsets[i] .. offsets[i+1]); ids are distinct and ascending within a basket
// and lie in 0 .. itemCount-1.

export interface Baskets {
  offsets: Int32Array
  items: Int32Array
  itemCount: number
}

export function basketCount (baskets: Baskets): number {
  return baskets.offsets.length - 1
}

/** Builds CSR baskets from plain arrays (tests, small callers); sorts and de-duplicates each basket. */
export function basketsFromArrays (lists: readonly (readonly number[])[], itemCount?: number): Baskets {
  const offsets = new Int32Array(lists.length + 1)
  const flat: number[] = []
  let maxId = -1
  for (let i = 0; i < lists.length; i++) {
    const sorted = [...new Set(lists[i])].sort((a, b) => a - b)
    for (const x of sorted) {
      if (!Number.isInteger(x) || x < 0) throw new RangeError(`basket ${i} holds ${x}; item ids must be non-negative integers`)
      flat.push(x)
      if (x > maxId) maxId = x
    }
    offsets[i + 1] = flat.length
  }
  return { offsets, items: Int32Array.from(flat), itemCount: itemCount ?? maxId + 1 }
}
