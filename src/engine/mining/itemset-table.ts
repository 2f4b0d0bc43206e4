// Frequent itemsets of one size, stored flat: set i is items[i*size .. (i+1)*size) (ascending ids),
// supported by counts[i] baskets. Flat typed arrays keep a million sets cheap.

export class ItemsetTable {
  items: Int32Array
  counts: Int32Array
  length = 0

  constructor (readonly size: number, capacity = 1024) {
    this.items = new Int32Array(capacity * size)
    this.counts = new Int32Array(capacity)
  }

  push (set: ArrayLike<number>, count: number): void {
    if (this.length === this.counts.length) this.grow()
    const base = this.length * this.size
    for (let k = 0; k < this.size; k++) this.items[base + k] = set[k]
    this.counts[this.length++] = count
  }

  itemAt (i: number, k: number): number {
    return this.items[i * this.size + k]
  }

  /** The i-th set as a plain array (for callers outside the hot loops). */
  setAt (i: number): number[] {
    return Array.from(this.items.subarray(i * this.size, (i + 1) * this.size))
  }

  private grow (): void {
    const items = new Int32Array(this.items.length * 2)
    items.set(this.items)
    const counts = new Int32Array(this.counts.length * 2)
    counts.set(this.counts)
    this.items = items
    this.counts = counts
  }
}
