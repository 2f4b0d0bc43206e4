// Reads the header row from the first bytes of a file: where it ends, its delimiter, its columns
// and the layout they describe. Shared by inspectHeader (upload route) and ingest, so both reject
// the same files with the same messages.
import { EngineInputError } from '../errors.js'
import type { FormatName, HeaderInspection } from '../types.js'
import { excelSepDelimiter } from './excel-sep.js'
import { detectLayout, EXPECTED_COLUMNS, KIND_OF, normaliseColumnName, type Layout } from './formats.js'
import { MAX_COLUMNS } from './limits.js'

const QUOTE = 0x22
const LF = 0x0a
const CANDIDATE_DELIMITERS = [',', ';', '\t']

export interface HeaderAnalysis extends HeaderInspection {
  layout: Layout
  /** Records before the first data row: the header, plus Excel's "sep=;" line and blank lines before it. */
  leadingRecords: number
  /** Byte offset (from the start of `bytes`) just past the header row's line end. */
  headerEnd: number
  warnings: string[]
}

/** Index of the first newline outside quotes at or after `from`, or -1 when the bytes end first. */
export function findLineEnd (bytes: Uint8Array, from: number): number {
  let inQuotes = false
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === QUOTE) inQuotes = !inQuotes
    else if (b === LF && !inQuotes) return i
  }
  return -1
}

/** True when bytes[start..end) hold only spaces, tabs and CR: a blank line. */
export function isBlankLine (bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false
  }
  return true
}

/** Splits one header line (no newline) on `delimiter`, honouring quotes; names are trimmed. */
export function splitHeaderLine (line: string, delimiter: string): string[] {
  const out: string[] = []
  let cur = ''
  let inQuotes = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (inQuotes) {
      if (ch === '"') {
        if (line[i + 1] === '"') { cur += '"'; i++ } else inQuotes = false
      } else cur += ch
    } else if (ch === '"') inQuotes = true
    else if (ch === delimiter) { out.push(cur.trim()); cur = '' } else cur += ch
  }
  out.push(cur.trim())
  return out
}

function countUnquoted (line: string, ch: string): number {
  let n = 0
  let inQuotes = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c === '"') inQuotes = !inQuotes
    else if (c === ch && !inQuotes) n++
  }
  return n
}

/**
 * Analyses the header row found in `bytes` (BOM already removed). `complete` says whether `bytes`
 * is the whole file, so that a header without a line end is still a header.
 */
export function analyzeHeader (bytes: Uint8Array, complete: boolean): HeaderAnalysis {
  let lineStart = 0
  let lineEnd = findLineEnd(bytes, 0)
  let leadingRecords = 1
  // Blank lines before the first line (a spreadsheet's empty first row) are skipped; the scanner
  // still sees each as a record, so they count as leading records.
  const skipBlankLines = (): void => {
    while (lineEnd !== -1 && isBlankLine(bytes, lineStart, lineEnd)) {
      lineStart = lineEnd + 1
      lineEnd = findLineEnd(bytes, lineStart)
      leadingRecords++
    }
  }
  skipBlankLines()
  let line = decodeLine(bytes, lineStart, lineEnd, complete)
  const forced = excelSepDelimiter(line)
  if (forced !== null) {
    // Excel's hint line: the delimiter is given, the header follows.
    lineStart = lineEnd + 1
    lineEnd = findLineEnd(bytes, lineStart)
    leadingRecords++
    skipBlankLines()
    line = decodeLine(bytes, lineStart, lineEnd, complete)
  }
  const headerEnd = lineEnd === -1 ? bytes.length : lineEnd + 1
  if (line.trim() === '') throw emptyFile()

  const candidates = forced !== null
    ? [forced]
    : CANDIDATE_DELIMITERS.map(d => ({ d, n: countUnquoted(line, d) })).sort((a, b) => b.n - a.n).map(c => c.d)
  // A header of delimiters and blanks only ("10 MB of commas") is a file without column names, not an empty one.
  if (splitHeaderLine(line, candidates[0]).every(c => c === '')) throw blankHeader()
  let best: { delimiter: string, columns: string[] } | null = null
  for (const delimiter of candidates) {
    const columns = splitHeaderLine(line, delimiter)
    if (columns.length > MAX_COLUMNS) {
      throw new EngineInputError('MALFORMED_CSV',
        `The header row has ${columns.length} columns; at most ${MAX_COLUMNS} are supported.`)
    }
    best ??= { delimiter, columns }
    const layout = detectLayout(columns)
    if (layout !== null) {
      return {
        format: layout.format,
        kind: KIND_OF[layout.format],
        delimiter,
        columns,
        layout,
        leadingRecords,
        headerEnd,
        warnings: columnWarnings(columns)
      }
    }
  }
  throw unrecognised(best === null ? [] : best.columns.filter(c => c !== ''))
}

function decodeLine (bytes: Uint8Array, start: number, end: number, complete: boolean): string {
  if (end === -1) {
    if (!complete) {
      throw new EngineInputError('MALFORMED_CSV',
        `The header row does not end within the first ${bytes.length - start} bytes. ` +
        'Either it is not a CSV file or a quote (") in the header is never closed.')
    }
    end = bytes.length
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')
  return text.endsWith('\r') ? text.slice(0, -1) : text
}

function columnWarnings (columns: string[]): string[] {
  const warnings: string[] = []
  const seen = new Map<string, string>()
  let empty = 0
  for (const c of columns) {
    const n = normaliseColumnName(c)
    if (n === '') { empty++; continue }
    const first = seen.get(n)
    if (first !== undefined) warnings.push(`Column "${c}" repeats "${first}"; on each row the first of them with a value is used.`)
    else seen.set(n, c)
  }
  if (empty > 0) warnings.push(`${empty} column(s) without a name were ignored.`)
  return warnings
}

const FORMAT_LABELS: Record<FormatName, string> = {
  'shopify-orders': 'Shopify orders export',
  'shopify-graphql': 'Shopify GraphQL order lines',
  'generic-orders': 'order lines',
  'shopify-products': 'Shopify products export',
  'generic-catalog': 'product list'
}

function formatNeeds (): string {
  return (Object.keys(EXPECTED_COLUMNS) as FormatName[]).map(f => `${FORMAT_LABELS[f]} (${f}): ${EXPECTED_COLUMNS[f].join(', ')}`).join('; ')
}

function unrecognised (found: string[]): EngineInputError {
  const shown = found.length > 40 ? [...found.slice(0, 40), `… ${found.length - 40} more`] : found
  return new EngineInputError('UNRECOGNISED_FORMAT',
    `The columns of this file do not match any supported export. Found: ${shown.length > 0 ? shown.join(', ') : '(none)'}. ` +
    `Each format needs — ${formatNeeds()}.`,
    { found, expected: EXPECTED_COLUMNS })
}

/** The first row has cells but none is named: say so, and what the first row should hold. */
export function blankHeader (): EngineInputError {
  return new EngineInputError('UNRECOGNISED_FORMAT',
    'The header row has no column names: every cell of the first row is blank. ' +
    `The first row must name the columns. Each format needs — ${formatNeeds()}.`,
    { found: [], expected: EXPECTED_COLUMNS })
}

/** What to send instead of an empty file: an export with rows under its header. */
export const EXPORT_AGAIN = 'Export the orders (or the product catalog) again as CSV, with its header row and at least one order or product under it, and upload that file.'

export function emptyFile (): EngineInputError {
  return new EngineInputError('EMPTY_FILE', `The file is empty: it has no header row and no data. ${EXPORT_AGAIN}`)
}
