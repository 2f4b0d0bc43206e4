// Reads the FIMI basket format (one basket per line, non-negative integer item ids separated by
// spaces), as in ../shared/data/baskets/retail.dat, straight from bytes into CSR arrays. Used by the
// mining benchmark, `npm run evaluate` and tests; merchant files go through ingest instead.
import { readFile } from 'node:fs/promises'
import type { Baskets } from './baskets.js'

export async function readBasketFile (path: string | URL): Promise<Baskets> {
  return parseBasketLines(await readFile(path))
}

export function parseBasketLines (bytes: Uint8Array): Baskets {
  let items: Int32Array<ArrayBuffer> = new Int32Array(1 << 16)
  let offsets: Int32Array<ArrayBuffer> = new Int32Array(1 << 12)
  let itemsLen = 0
  let basketsLen = 0
  let basketStart = 0
  let value = -1 // -1: not inside a number
  let maxId = -1
  const closeBasket = (): void => {
    if (itemsLen === basketStart) return // blank line: no basket
    sortUnique()
    if (basketsLen + 2 > offsets.length) offsets = grow(offsets)
    offsets[++basketsLen] = itemsLen
    basketStart = itemsLen
  }
  const sortUnique = (): void => {
    const basket = items.subarray(basketStart, itemsLen)
    basket.sort()
    let w = basketStart
    for (let r = basketStart; r < itemsLen; r++) {
      if (r === basketStart || items[r] !== items[w - 1]) items[w++] = items[r]
    }
    itemsLen = w
  }
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]
    if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + (c - 48)
      if (value > 0x7fffffff) throw new RangeError(`item id too large near byte ${i}`)
      continue
    }
    if (value >= 0) {
      if (itemsLen === items.length) items = grow(items)
      items[itemsLen++] = value
      if (value > maxId) maxId = value
      value = -1
    }
    if (c === 10) closeBasket()
    else if (c !== 32 && c !== 9 && c !== 13) throw new RangeError(`unexpected byte ${c} at ${i}: expected digits, spaces and newlines`)
  }
  if (value >= 0) {
    if (itemsLen === items.length) items = grow(items)
    items[itemsLen++] = value
    if (value > maxId) maxId = value
  }
  closeBasket()
  return { offsets: offsets.slice(0, basketsLen + 1), items: items.slice(0, itemsLen), itemCount: maxId + 1 }
}

function grow (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2)
  b.set(a)
  return b
}
