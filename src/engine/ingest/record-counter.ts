// Counts data records while an upload streams through the HTTP process: a single tight byte loop,
// quote-aware so newlines inside quoted fields (product descriptions) do not count as rows.
import { EngineInputError } from '../errors.js'

const QUOTE = 0x22
const LF = 0x0a

/**
 * Byte classes: 0 = says nothing about content (CR, space, tab, delimiters), 1 = content,
 * 2 = newline, 3 = quote. A line of only class-0 bytes is blank and is not a record.
 */
const CLASS = new Uint8Array(256).fill(1)
for (const b of [0x0d, 0x20, 0x09, 0x2c, 0x3b]) CLASS[b] = 0
CLASS[LF] = 2
CLASS[QUOTE] = 3

export class CsvRecordCounter {
  private records = 0
  private inQuotes = false
  private content = false

  push (chunk: Uint8Array): void {
    let inQuotes = this.inQuotes
    let content = this.content
    let records = this.records
    const n = chunk.length
    let i = 0
    let nextQuote = -1
    while (i < n) {
      if (inQuotes) {
        // Inside quotes only the closing quote matters ("" closes and reopens, which is the same).
        const q = chunk.indexOf(QUOTE, i)
        if (q === -1) break
        inQuotes = false
        i = q + 1
        continue
      }
      if (content) {
        // The line already counts: jump (memchr speed) to its end or to the next quote.
        if (nextQuote < i) {
          nextQuote = chunk.indexOf(QUOTE, i)
          if (nextQuote === -1) nextQuote = n
        }
        let lf = chunk.indexOf(LF, i)
        if (lf === -1) lf = n
        if (nextQuote < lf) { inQuotes = true; i = nextQuote + 1; continue }
        if (lf === n) break
        records++
        content = false
        i = lf + 1
        continue
      }
      const c = CLASS[chunk[i++]]
      if (c === 1) content = true
      else if (c === 2) {
        if (content) { records++; content = false }
      } else if (c === 3) {
        inQuotes = true
        content = true
      }
    }
    this.inQuotes = inQuotes
    this.content = content
    this.records = records
  }

  /** Data records seen (the header is not one). Throws MALFORMED_CSV when the input ended inside quotes. */
  finish (): number {
    if (this.inQuotes) {
      throw new EngineInputError('MALFORMED_CSV',
        'The file ends inside a quoted field: a double quote (") is never closed. Check for a stray quote in the last rows.')
    }
    const total = this.records + (this.content ? 1 : 0)
    return Math.max(0, total - 1)
  }
}
