// Runs ../shared/tools/gen-shop.mjs (beside the repository) into a test directory.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const GEN_SHOP = fileURLToPath(new URL('../../../../shared/tools/gen-shop.mjs', import.meta.url))

export interface ShopTruth {
  planted: Array<{ items: Array<{ title: string, handle: string }> }>
  decoys: { refundedOnly: Array<{ title: string }>, popularByChance: Array<{ title: string }> }
  excluded: Array<{ title: string }>
  volume: string[]
}

/** gen-shop splits its arguments on "--", so `dir` must not contain two dashes in a row. */
export function genShop (dir: string, o: { orders: number, seed: number, format?: string }): { file: string, truth: ShopTruth } {
  if (dir.includes('--')) throw new Error(`gen-shop cannot write under ${dir}: its argument parser splits on "--"`)
  const format = o.format ?? 'shopify-orders'
  const file = join(dir, `shop-${o.orders}-${o.seed}-${format}.csv`)
  const truthFile = `${file}.truth.json`
  execFileSync(process.execPath, [GEN_SHOP, '--orders', String(o.orders), '--seed', String(o.seed), '--format', format, '--out', file, '--truth', truthFile])
  return { file, truth: JSON.parse(readFileSync(truthFile, 'utf8')) as ShopTruth }
}

/** Every pair inside a planted group, as "titleA|titleB" (sorted). */
export function plantedPairs (truth: ShopTruth): Set<string> {
  const out = new Set<string>()
  for (const g of truth.planted) {
    const t = g.items.map(i => i.title)
    for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) out.add(pairKey(t[i], t[j]))
  }
  return out
}

export function pairKey (a: string, b: string): string {
  return [a, b].sort().join('|')
}
