// Whether a `Cancelled at` / `cancelled` cell says the order was cancelled. Database and spreadsheet
// exports fill the cell of a live order with a placeholder (NULL, None, N/A, -, \N, false, 0,
// 0000-00-00 00:00:00), so "not empty" is not enough: only a date or timestamp, or a true/yes/cancelled
// flag, cancels. Cells are interned: a placeholder repeated on every row is decoded once.
import { fieldText } from './fields.js'
import { ByteInterner } from './interner.js'
import type { CsvScanner } from './scanner.js'

const FLAGS = new Set(['true', 'yes', 'y', '1', 'cancelled', 'canceled'])
/** 2025-01-02, 1/2/25, 02.01.2025, 2025/01/02 (a time may follow). */
const NUMERIC_DATE = /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(\D|$)/
/** "Jan 2, 2025", "2 January 2025", "Thu, 02 Jan 2025 10:00:00 GMT": a month name and a number. */
const NAMED_DATE = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b/
/** Unix time in seconds (from 1973) or milliseconds. */
const EPOCH = /^\d{9,13}(\.\d+)?$/

/** The verdict for one cell's text: a cancelling flag or a date, not a placeholder. */
export function isCancelMark (text: string): boolean {
  const t = text.trim().toLowerCase()
  if (FLAGS.has(t)) return true
  // A date of zeros (MySQL's "no date") is a placeholder.
  if (!/[1-9]/.test(t)) return false
  return NUMERIC_DATE.test(t) || EPOCH.test(t) || (NAMED_DATE.test(t) && /\d/.test(t))
}

export class CancelledCells {
  private readonly cells = new ByteInterner()
  private readonly cancels: boolean[] = []

  /** Whether field f of the current row cancels its order (the field must not be empty). */
  cancelsOrder (s: CsvScanner, f: number): boolean {
    const id = this.cells.intern(s.buf, 0, s.starts[f], s.ends[f])
    if (this.cells.created) this.cancels.push(isCancelMark(fieldText(s, f)))
    return this.cancels[id]
  }
}
