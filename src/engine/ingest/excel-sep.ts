// Excel's delimiter hint: a first line "sep=;" (or "sep=,", "sep=<tab>") names the delimiter, and the
// header row follows it. Shared by the header analysis, ingest's head buffer and the record counter,
// so all three agree on which files carry one.

/** Longest first line (in bytes) that can still be a hint: BOM, quotes, "sep=\t", spaces, CR. */
export const MAX_SEP_LINE_BYTES = 32

/**
 * The delimiter a first line names, or null when the line is not a hint. The line may still carry a
 * BOM and its CR. Only a tab or an ASCII punctuation mark can be a delimiter; the two characters
 * "\t" are read as a tab (some tools write it that way). Spaces around are ignored, tabs are not
 * (a tab is the delimiter of "sep=<tab>").
 */
export function excelSepDelimiter (line: string): string | null {
  const text = line.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '').replace(/^ +| +$/g, '')
  const m = /^"?sep=(\\t|[\t!#-/:-@[-`{-~])"?$/i.exec(text)
  if (m === null) return null
  return m[1] === '\\t' ? '\t' : m[1]
}
