// A resumable, quote-aware CSV record scanner over raw bytes. It never decodes: for each record it
// exposes the byte range of every field, and the consumer decodes only the columns it needs.
// Chunks may split a record anywhere (inside quotes, inside a UTF-8 sequence, between \r and \n):
// the scanner keeps its state and only the unfinished record is carried into the next chunk.
import { EngineInputError } from '../errors.js'
import { MAX_COLUMNS, MAX_FIELD_BYTES, MAX_RECORD_BYTES, SLICE_BYTES } from './limits.js'
import { assertText } from './sniff.js'

const QUOTE = 0x22
const LF = 0x0a
const CR = 0x0d
const NO_QUOTE = 0x7fffffff

/** Field flag bits in CsvScanner.flags. */
export const FIELD_QUOTED = 1
/** The quoted field contains doubled quotes ("") that must be unescaped when decoded. */
export const FIELD_ESCAPED = 2

export type RecordHandler = (scanner: CsvScanner) => void

export class CsvScanner {
  /** Bytes of the current record: field i is buf[starts[i] .. ends[i]). */
  buf: Buffer = Buffer.alloc(0)
  readonly starts = new Int32Array(MAX_COLUMNS + 1)
  readonly ends = new Int32Array(MAX_COLUMNS + 1)
  readonly flags = new Uint8Array(MAX_COLUMNS + 1)
  /** Number of fields in the current record. */
  count = 0
  /** 1-based number of the current record in the file (the header is record 1). */
  recordNumber = 0

  private readonly validateUtf8: boolean
  private work: Buffer = Buffer.allocUnsafe(0)
  private bufIsWork = true
  private len = 0
  private pos = 0
  private recStart = 0
  private fieldStart = 0
  private inQuotes = false
  private quoted = false
  private escaped = false
  private closeQuoteAt = -2
  private readonly cls = new Uint8Array(256)
  private readonly delimiter: number
  /** Fields recorded per record; the rest of a record is skipped without splitting it. */
  private readonly fieldLimit: number
  private skipping = false
  /** Cached position of the next quote while skipping (NO_QUOTE: none in the buffer). */
  private nextQuote = -1

  constructor (delimiter: string, private readonly onRecord: RecordHandler,
    options: { fieldLimit?: number, validateUtf8?: boolean } = {}) {
    this.delimiter = delimiter.charCodeAt(0)
    this.fieldLimit = Math.max(1, Math.min(options.fieldLimit ?? MAX_COLUMNS + 1, MAX_COLUMNS + 1))
    this.validateUtf8 = options.validateUtf8 ?? true
    // Byte classes for the hot loop: 0 = ordinary byte, 1 = delimiter, 2 = newline, 3 = quote.
    this.cls[delimiter.charCodeAt(0)] = 1
    this.cls[LF] = 2
    this.cls[QUOTE] = 3
  }

  push (chunk: Uint8Array): void {
    for (let off = 0; off < chunk.length; off += SLICE_BYTES) {
      this.pushSlice(chunk.subarray(off, Math.min(chunk.length, off + SLICE_BYTES)))
    }
  }

  /** Ends the input: emits a last record without a trailing newline; throws on an unterminated quote. */
  finish (): void {
    if (this.inQuotes) {
      throw new EngineInputError('MALFORMED_CSV',
        `A quoted field that starts in record ${this.recordNumber + 1} is never closed: the file ends inside quotes. ` +
        'Check for a stray double quote (") in that row.')
    }
    if (this.validateUtf8) assertText(this.buf.subarray(this.recStart, this.len))
    if (this.len > this.recStart) {
      if (!this.skipping) this.endField(this.len, true)
      this.emit(this.len)
    }
    this.skipping = false
    this.len = this.pos = this.recStart = this.fieldStart = 0
  }

  private pushSlice (slice: Uint8Array): void {
    const carry = this.len - this.recStart
    if (carry === 0) {
      // Nothing pending: scan the caller's bytes in place.
      this.buf = Buffer.from(slice.buffer, slice.byteOffset, slice.length)
      this.bufIsWork = false
      this.len = slice.length
      this.pos = this.recStart = this.fieldStart = 0
      this.closeQuoteAt = -2
    } else {
      // The unfinished record already sits at the start of the work buffer (see retainTail).
      this.ensureWork(carry + slice.length)
      this.work.set(slice, carry)
      this.len = carry + slice.length
      // A view of exactly the valid bytes: indexOf must never find stale bytes past them.
      this.buf = this.work.subarray(0, this.len)
      this.bufIsWork = true
    }
    this.nextQuote = -1
    this.scan()
    if (this.validateUtf8) assertText(this.buf.subarray(0, this.recStart))
    if (!this.skipping && this.len - this.fieldStart > MAX_FIELD_BYTES) this.tooLong('field', this.len - this.fieldStart, MAX_FIELD_BYTES)
    if (this.len - this.recStart > MAX_RECORD_BYTES) this.tooLong('record', this.len - this.recStart, MAX_RECORD_BYTES)
    this.retainTail()
  }

  /**
   * Moves the unfinished record to the start of the scanner's own work buffer, so nothing refers to
   * the caller's chunk after push returns (a caller may reuse its buffer).
   */
  private retainTail (): void {
    const carry = this.len - this.recStart
    const shift = this.recStart
    if (carry > 0) {
      if (this.bufIsWork) {
        if (shift !== 0) this.work.copyWithin(0, shift, this.len)
      } else {
        this.ensureWork(carry)
        this.buf.copy(this.work, 0, shift, this.len)
      }
    }
    for (let i = 0; i < this.count; i++) { this.starts[i] -= shift; this.ends[i] -= shift }
    this.fieldStart -= shift
    this.closeQuoteAt -= shift
    this.pos -= shift
    this.nextQuote = -1
    this.recStart = 0
    this.len = carry
    this.buf = this.work.subarray(0, carry)
    this.bufIsWork = true
  }

  /** Grows the work buffer to hold `need` bytes, keeping the carried bytes already at its start. */
  private ensureWork (need: number): void {
    if (this.work.length >= need) return
    const grown = Buffer.allocUnsafe(Math.max(need, this.work.length * 2, 1 << 16))
    if (this.bufIsWork) this.work.copy(grown, 0, 0, this.len)
    this.work = grown
  }

  private scan (): void {
    const buf = this.buf
    const cls = this.cls
    const len = this.len
    let i = this.pos
    while (i < len) {
      if (this.inQuotes) {
        // Inside quotes only a quote matters: jump to it.
        const q = buf.indexOf(QUOTE, i)
        if (q === -1) { i = len; break }
        this.inQuotes = false
        this.closeQuoteAt = q
        i = q + 1
        continue
      }
      if (this.skipping) {
        // Past the last column the consumer reads: find the record's end with memchr-speed searches,
        // still honouring quoted fields (they may hold newlines).
        let q = this.nextQuote
        if (q < i) {
          q = buf.indexOf(QUOTE, i)
          if (q === -1) q = NO_QUOTE
          this.nextQuote = q
        }
        const lf = buf.indexOf(LF, i)
        if (lf !== -1 && lf < q) {
          // Only a skipped stretch longer than the columns still allowed can hold too many of them.
          if (lf - this.fieldStart > MAX_COLUMNS - this.count) this.checkSkippedColumns(lf)
          this.emit(lf)
          this.recStart = this.fieldStart = lf + 1
          this.skipping = false
          i = lf + 1
          continue
        }
        if (q === NO_QUOTE) { i = len; break }
        // A quote opens a quoted field only at a field's start, or right after a closing quote ("").
        if (buf[q - 1] === this.delimiter || this.closeQuoteAt === q - 1) this.inQuotes = true
        i = q + 1
        continue
      }
      // Hot loop over unquoted bytes: one table load and compare per ordinary byte.
      let c = 0
      while (i < len && (c = cls[buf[i]]) === 0) i++
      if (i >= len) break
      if (c === 1) {
        this.endField(i, false)
        this.fieldStart = i + 1
        if (this.count >= this.fieldLimit) this.skipping = true
      } else if (c === 2) {
        this.endField(i, true)
        this.emit(i)
        this.recStart = this.fieldStart = i + 1
      } else if (i === this.fieldStart) {
        this.inQuotes = true
        this.quoted = true
      } else if (this.quoted && this.closeQuoteAt === i - 1) {
        // "" inside a quoted field: an escaped quote; the field continues inside quotes.
        this.inQuotes = true
        this.escaped = true
      } // else: a stray quote inside an unquoted field is kept as a literal character
      i++
    }
    this.pos = i
  }

  /** Counts the columns in the skipped part of the record (quote-aware); too many is MALFORMED_CSV. */
  private checkSkippedColumns (end: number): void {
    const buf = this.buf
    const d = this.delimiter
    let columns = this.count + 1
    let inQuotes = false
    for (let i = this.fieldStart; i < end; i++) {
      const b = buf[i]
      if (b === QUOTE) inQuotes = !inQuotes
      else if (b === d && !inQuotes) columns++
    }
    if (columns > MAX_COLUMNS) this.tooManyColumns()
  }

  private tooManyColumns (): never {
    throw new EngineInputError('MALFORMED_CSV',
      `Record ${this.recordNumber + 1} has more than ${MAX_COLUMNS} columns; this does not look like an order or product export.`)
  }

  private endField (at: number, lastInRecord: boolean): void {
    const n = this.count
    if (n >= MAX_COLUMNS) this.tooManyColumns()
    let start = this.fieldStart
    let end = at
    let flag = 0
    if (lastInRecord && end > start && this.buf[end - 1] === CR) end -= 1
    if (this.quoted) {
      start += 1
      // Text after the closing quote ("Frame 8" x 10" Oak") means that quote was a literal (an inch
      // mark), not the field's end: keep the field whole, as spreadsheets do, instead of cutting it
      // there (which made "Frame 8" of two different frames). Blanks after it are only padding.
      if (this.closeQuoteAt >= start && isBlank(this.buf, this.closeQuoteAt + 1, end)) end = this.closeQuoteAt
      flag = this.escaped ? FIELD_QUOTED | FIELD_ESCAPED : FIELD_QUOTED
    }
    if (end - start > MAX_FIELD_BYTES) this.tooLong('field', end - start, MAX_FIELD_BYTES)
    this.starts[n] = start
    this.ends[n] = end
    this.flags[n] = flag
    this.count = n + 1
    this.quoted = false
    this.escaped = false
  }

  private emit (at: number): void {
    this.recordNumber++
    if (at - this.recStart > MAX_RECORD_BYTES) this.tooLong('record', at - this.recStart, MAX_RECORD_BYTES)
    this.onRecord(this)
    this.count = 0
  }

  private tooLong (what: 'field' | 'record', bytes: number, limit: number): never {
    const hint = this.inQuotes ? ' It is inside an open quote: a stray double quote (") probably swallowed the rest of the file.' : ''
    throw new EngineInputError('MALFORMED_CSV',
      `A ${what} near record ${this.recordNumber + 1} is longer than ${limit / (1 << 20)} MiB (${bytes} bytes so far).${hint}`)
  }
}

function isBlank (buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0x20 && buf[i] !== 0x09) return false
  return true
}

/** True when every field of the scanner's current record is empty or whitespace (a blank line). */
export function isBlankRecord (s: CsvScanner): boolean {
  const buf = s.buf
  for (let f = 0; f < s.count; f++) {
    for (let i = s.starts[f]; i < s.ends[f]; i++) {
      const b = buf[i]
      if (b !== 0x20 && b !== 0x09 && b !== CR) return false
    }
  }
  return true
}
