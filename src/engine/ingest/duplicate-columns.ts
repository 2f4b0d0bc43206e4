// A header may name a column twice (a spreadsheet's "Lineitem price" pasted again, one copy left
// empty). The layout takes the first copy; where that copy is empty on a row, the row reads the first
// later copy that has a value, so an empty first copy does not hide the column.
import { fieldIsEmpty } from './fields.js'
import { normaliseColumnName, type Layout } from './formats.js'
import type { CsvScanner } from './scanner.js'

export class DuplicateColumns {
  /** Pairs of (a column the layout reads, its later copies). */
  private constructor (private readonly copies: Array<[number, number[]]>) {}

  /** The copies of the columns `layout` reads, or null when none of them is repeated (the common case). */
  static of (columns: string[], layout: Layout): DuplicateColumns | null {
    const copies: Array<[number, number[]]> = []
    const read = new Set(Object.values(layout).filter((v): v is number => typeof v === 'number' && v >= 0))
    for (const f of read) {
      const name = normaliseColumnName(columns[f] ?? '')
      if (name === '') continue
      const later: number[] = []
      for (let g = f + 1; g < columns.length; g++) if (normaliseColumnName(columns[g]) === name) later.push(g)
      if (later.length > 0) copies.push([f, later])
    }
    return copies.length === 0 ? null : new DuplicateColumns(copies)
  }

  /** The highest column index a row must be split up to. */
  get lastColumn (): number {
    return Math.max(...this.copies.map(([, later]) => later[later.length - 1]))
  }

  /** Points each read column that is empty on this row at its first later copy with a value. */
  fill (s: CsvScanner): void {
    for (const [f, later] of this.copies) {
      if (!fieldIsEmpty(s, f)) continue
      // A copy comes after f: a record too short to hold f holds none of its copies either.
      for (const g of later) {
        if (fieldIsEmpty(s, g)) continue
        s.starts[f] = s.starts[g]
        s.ends[f] = s.ends[g]
        s.flags[f] = s.flags[g]
        break
      }
    }
  }
}
