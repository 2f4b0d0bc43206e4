// ingest(): streams a decompressed export through the scanner into the collector for its layout.
// The file is never held whole: only the header (at most 64 KiB) and one unfinished record are
// buffered between chunks.
import { EngineInputError } from '../errors.js'
import type { IngestOptions, IngestResult, IngestSummary } from '../types.js'
import { CatalogCollector } from './catalog.js'
import { DuplicateColumns } from './duplicate-columns.js'
import type { HeaderAnalysis } from './header.js'
import { excelSepDelimiter, MAX_SEP_LINE_BYTES } from './excel-sep.js'
import { analyzeHead, noDataRows } from './inspect.js'
import { HEAD_BYTES } from './limits.js'
import { OrderLinesCollector, type Counts } from './orders.js'
import { CsvScanner } from './scanner.js'
import { bomLength } from './sniff.js'

const QUOTE = 0x22
const LF = 0x0a
const BOM = [0xef, 0xbb, 0xbf]

/**
 * Collects the first bytes of a file until its header row (and Excel's "sep=" line) is complete.
 * Blank lines before them (and a BOM) do not count as lines, as in analyzeHeader.
 */
class HeadBuffer {
  bytes = new Uint8Array(4096)
  length = 0
  private scanned = 0
  private inQuotes = false
  private lineStart = 0
  /** The current line has a byte other than blanks (space, tab, CR, a BOM at the file's start). */
  private content = false
  private lines = 0
  private firstLineIsSep = false

  add (chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + chunk.length))
      grown.set(this.bytes.subarray(0, this.length))
      this.bytes = grown
    }
    this.bytes.set(chunk, this.length)
    this.length += chunk.length
  }

  /** True once the header row has ended (incremental, quote-aware). */
  headerComplete (): boolean {
    const b = this.bytes
    for (let i = this.scanned; i < this.length; i++) {
      const c = b[i]
      if (c === QUOTE) {
        this.inQuotes = !this.inQuotes
        this.content = true
      } else if (c === LF && !this.inQuotes) {
        if (this.content) {
          this.lines++
          if (this.lines === 1) {
            const start = this.lineStart
            this.firstLineIsSep = i - start <= MAX_SEP_LINE_BYTES &&
              excelSepDelimiter(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('utf8')) !== null
          }
          if (this.lines >= (this.firstLineIsSep ? 2 : 1)) { this.scanned = i + 1; return true }
        }
        this.content = false
        this.lineStart = i + 1
      } else if (!this.content && c !== 0x20 && c !== 0x09 && c !== 0x0d && !(i < 3 && c === BOM[i])) {
        this.content = true
      }
    }
    this.scanned = this.length
    return false
  }

  view (): Uint8Array { return this.bytes.subarray(0, this.length) }
}

export async function ingest (source: AsyncIterable<Uint8Array>, options: IngestOptions = {}): Promise<IngestResult> {
  const started = performance.now()
  const maxBadRowShare = options.maxBadRowShare ?? 0.5
  const counts: Counts = { rows_read: 0, rows_skipped: {}, lines_dropped: {} }
  const head = new HeadBuffer()
  let analysis: HeaderAnalysis | null = null
  let scanner: CsvScanner | null = null
  let collector: OrderLinesCollector | CatalogCollector | null = null

  const start = (complete: boolean): CsvScanner => {
    const bytes = head.view()
    const a = analyzeHead(bytes, complete)
    analysis = a
    collector = a.layout.kind === 'orders' ? new OrderLinesCollector(a.layout, counts) : new CatalogCollector(a.layout, counts)
    const rows = collector
    let leading = a.leadingRecords
    const copies = DuplicateColumns.of(a.columns, a.layout)
    // Only the columns up to the last one the layout reads (or a copy of it) are split; the rest of a row is skipped.
    const fieldLimit = 1 + Math.max(copies?.lastColumn ?? -1, ...Object.values(a.layout).filter((v): v is number => typeof v === 'number'))
    const s = new CsvScanner(a.delimiter, sc => {
      if (leading > 0) { leading--; return }
      copies?.fill(sc)
      rows.row(sc)
    }, { fieldLimit })
    s.push(bytes.subarray(bomLength(bytes)))
    return s
  }

  for await (const input of source) {
    // Tolerate a text stream handed in by mistake: scan its UTF-8 bytes.
    const chunk: Uint8Array = typeof input === 'string' ? Buffer.from(input) : input
    if (chunk.length === 0) continue
    if (scanner !== null) { scanner.push(chunk); continue }
    // The head holds at most 64 KiB (+1 to tell "too long"); the rest of a big first chunk goes to the scanner.
    const part = chunk.subarray(0, HEAD_BYTES + 1 - head.length)
    head.add(part)
    if (head.headerComplete() || head.length > HEAD_BYTES) { // a header longer than HEAD_BYTES throws in start
      scanner = start(false)
      if (part.length < chunk.length) scanner.push(chunk.subarray(part.length))
    }
  }
  scanner ??= start(true)
  scanner.finish()
  const a = analysis as unknown as HeaderAnalysis
  const rows = collector as unknown as OrderLinesCollector | CatalogCollector

  if (counts.rows_read === 0) throw noDataRows()
  const skipped = Object.values(counts.rows_skipped).reduce((x, y) => x + y, 0)
  if (skipped > counts.rows_read * maxBadRowShare) {
    const reasons = Object.entries(counts.rows_skipped).map(([r, n]) => `${r.replaceAll('_', ' ')}: ${n}`).join(', ')
    throw new EngineInputError('MOSTLY_INVALID',
      `${skipped} of ${counts.rows_read} data rows could not be read (${reasons}). ` +
      `The file was read as ${a.format}; check that its columns hold what their names say.`,
      { rows_read: counts.rows_read, rows_skipped: counts.rows_skipped, format: a.format })
  }

  const summary: IngestSummary = {
    format: a.format,
    kind: a.kind,
    delimiter: a.delimiter,
    rows_read: counts.rows_read,
    rows_skipped: counts.rows_skipped,
    lines_dropped: counts.lines_dropped,
    orders_read: 0,
    orders_used: 0,
    multi_product_orders: 0,
    products: 0,
    ms_ingest: 0
  }
  if (a.warnings.length > 0) summary.warnings = a.warnings

  if (rows instanceof CatalogCollector) {
    const products = rows.finish()
    summary.products = products.length
    const currencyNote = rows.currencyNote()
    if (currencyNote !== null) summary.warnings = [...a.warnings, currencyNote]
    summary.ms_ingest = Math.round(performance.now() - started)
    return {
      kind: 'catalog',
      format: a.format,
      products,
      basketOffsets: new Int32Array(1),
      basketItems: new Int32Array(0),
      basketQuantities: new Int32Array(0),
      orderTimes: null,
      currency: rows.currency(),
      summary
    }
  }
  const baskets = rows.finish(options.dropPending === true)
  summary.orders_read = baskets.orders_read
  summary.orders_used = baskets.orders_used
  summary.multi_product_orders = baskets.multi_product_orders
  summary.products = baskets.products.length
  if (baskets.warnings.length > 0) summary.warnings = [...a.warnings, ...baskets.warnings]
  summary.ms_ingest = Math.round(performance.now() - started)
  return {
    kind: 'orders',
    format: a.format,
    products: baskets.products,
    basketOffsets: baskets.basketOffsets,
    basketItems: baskets.basketItems,
    basketQuantities: baskets.basketQuantities,
    orderTimes: baskets.orderTimes,
    currency: baskets.currency,
    summary
  }
}
