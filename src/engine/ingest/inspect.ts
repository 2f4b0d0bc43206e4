// inspectHeader: what the first bytes of an upload say, so the route can reject a wrong file at
// once (binary, empty, unknown columns) instead of after a queued job.
import { EngineInputError } from '../errors.js'
import type { HeaderInspection } from '../types.js'
import { analyzeHeader, blankHeader, emptyFile, EXPORT_AGAIN, type HeaderAnalysis } from './header.js'
import { HEAD_BYTES } from './limits.js'
import { assertLooksLikeText, bomLength } from './sniff.js'

/** True when bytes[from..] hold nothing but whitespace, line ends and delimiters (no data row). */
function onlyBlank (bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a && b !== 0x2c && b !== 0x3b) return false
  }
  return true
}

export function noDataRows (): EngineInputError {
  return new EngineInputError('EMPTY_FILE', `The file has a header row but no data rows under it. ${EXPORT_AGAIN}`)
}

/**
 * Checks the start of a file and reads its header row. `complete` says `head` is the whole file;
 * by default a head shorter than the 64 KiB the upload route passes is taken to be the whole file,
 * so a header with nothing under it is reported as EMPTY_FILE.
 */
export function analyzeHead (head: Uint8Array, complete = head.length < HEAD_BYTES): HeaderAnalysis {
  if (onlyBlank(head, 0)) {
    // Delimiters with nothing between them are a header row without names, not an empty file.
    if (head.includes(0x2c) || head.includes(0x3b)) throw blankHeader()
    throw emptyFile()
  }
  assertLooksLikeText(head)
  const bom = bomLength(head)
  const body = head.subarray(bom)
  const analysis = analyzeHeader(body, complete)
  if (complete && onlyBlank(body, analysis.headerEnd)) throw noDataRows()
  return analysis
}

export function inspectHeader (head: Uint8Array): HeaderInspection {
  const { format, kind, delimiter, columns } = analyzeHead(head)
  return { format, kind, delimiter, columns }
}
