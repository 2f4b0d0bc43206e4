// Reads the other common public basket layout: no header, one basket per line, item NAMES separated
// by commas (CSV quoting allowed), as in ../shared/data/baskets/groceries.csv (the arules "Groceries"
// data). Used by `npm run evaluate -- --basket-lines`; merchant files go through ingest instead,
// because a file without a header cannot say which column is what.
import { readFile } from 'node:fs/promises'
import { EngineInputError } from '../errors.js'
import { fieldText } from '../ingest/fields.js'
import { CsvScanner, isBlankRecord } from '../ingest/scanner.js'
import { bomLength } from '../ingest/sniff.js'
import { basketsFromArrays } from './baskets.js'
import type { Baskets } from './baskets.js'

export interface NamedBaskets {
  baskets: Baskets
  /** Item id → its name as written in the file (first spelling seen, trimmed). */
  names: string[]
}

export async function readNamedBasketFile (path: string | URL): Promise<NamedBaskets> {
  return parseNamedBasketLines(await readFile(path))
}

/** Blank lines hold no basket; empty fields (a trailing comma) are ignored; repeats count once. */
export function parseNamedBasketLines (bytes: Uint8Array): NamedBaskets {
  const ids = new Map<string, number>()
  const names: string[] = []
  const lists: number[][] = []
  const scanner = new CsvScanner(',', s => {
    if (isBlankRecord(s)) return
    const basket: number[] = []
    for (let f = 0; f < s.count; f++) {
      const name = fieldText(s, f)
      if (name === '') continue
      let id = ids.get(name)
      if (id === undefined) {
        id = names.length
        ids.set(name, id)
        names.push(name)
      }
      basket.push(id)
    }
    if (basket.length > 0) lists.push(basket)
  })
  scanner.push(bytes.subarray(bomLength(bytes)))
  scanner.finish()
  if (lists.length === 0) throw new EngineInputError('EMPTY_FILE', 'The basket file holds no baskets: expected one basket per line, item names separated by commas.')
  return { baskets: basketsFromArrays(lists, names.length), names }
}
