// Counts data records while an upload streams through the HTTP process: a single tight byte loop,
// quote-aware so newlines inside quoted fields (product descriptions) do not count as rows.
import { EngineInputError } from '../errors.js'
import { excelSepDelimiter, MAX_SEP_LINE_BYTES } from './excel-sep.js'

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
  /** Bytes of the file's first line while it may still be Excel's "sep=;" hint; null once decided. */
  private firstLine: number[] | null = []
  /** The first line was the hint: a record for the scan below, but not a data row. */
  private sepLine = false

  push (chunk: Uint8Array): void {
    if (this.firstLine !== null) this.readFirstLine(chunk)
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

  /** Collects the first line (a few bytes at most) and decides whether it is Excel's delimiter hint. */
  private readFirstLine (chunk: Uint8Array): void {
    const line = this.firstLine as number[]
    const head = chunk.subarray(0, MAX_SEP_LINE_BYTES + 1 - line.length)
    const lf = head.indexOf(LF)
    const end = lf === -1 ? head.length : lf
    for (let i = 0; i < end; i++) line.push(head[i])
    if (line.length > MAX_SEP_LINE_BYTES) this.firstLine = null
    else if (lf !== -1) this.decideFirstLine()
  }

  private decideFirstLine (): void {
    if (this.firstLine === null) return
    this.sepLine = excelSepDelimiter(Buffer.from(this.firstLine).toString('utf8')) !== null
    this.firstLine = null
  }

  /**
   * Data records seen (the header, and Excel's "sep=" line before it, are not). Throws MALFORMED_CSV
   * when the input ended inside quotes.
   */
  finish (): number {
    if (this.inQuotes) {
      throw new EngineInputError('MALFORMED_CSV',
        'The file ends inside a quoted field: a double quote (") is never closed. Check for a stray quote in the last rows.')
    }
    this.decideFirstLine()
    const total = this.records + (this.content ? 1 : 0)
    return Math.max(0, total - 1 - (this.sepLine ? 1 : 0))
  }
}
