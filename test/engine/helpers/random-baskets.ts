// Seeded random baskets and a brute-force itemset counter: the reference the miner is checked against.

export function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Baskets with skewed item popularity (a few items are frequent, so large itemsets occur). */
export function randomBaskets (seed: number, o: { baskets: number, items: number, maxBasket: number }): number[][] {
  const rnd = mulberry32(seed)
  const out: number[][] = []
  for (let b = 0; b < o.baskets; b++) {
    const size = 1 + Math.floor(rnd() * o.maxBasket)
    const basket = new Set<number>()
    for (let k = 0; k < size; k++) basket.add(Math.floor(Math.pow(rnd(), 1.8) * o.items))
    out.push([...basket])
  }
  return out
}

/** Every itemset of size 2..maxSize with its basket count, keyed "a,b,c" (ascending ids). */
export function bruteForceCounts (baskets: number[][], maxSize: number, minCount: number): Map<string, number> {
  const counts = new Map<string, number>()
  for (const basket of baskets) {
    const items = [...new Set(basket)].sort((a, b) => a - b)
    const visit = (start: number, chosen: number[]): void => {
      if (chosen.length >= 2) {
        const key = chosen.join(',')
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
      if (chosen.length === maxSize) return
      for (let i = start; i < items.length; i++) visit(i + 1, [...chosen, items[i]])
    }
    visit(0, [])
  }
  for (const [k, v] of counts) if (v < minCount) counts.delete(k)
  return counts
}
