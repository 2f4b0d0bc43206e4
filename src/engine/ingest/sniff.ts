// Tells text from the things merchants upload by mistake (spreadsheets, PDFs, images, UTF-16 exports)
// before any CSV parsing, so the error says what the file is and what to do instead.
import { isUtf8 } from 'node:buffer'
import { EngineInputError } from '../errors.js'

const SAVE_AS = 'Open it in your spreadsheet app and save it as "CSV UTF-8 (comma delimited)", then upload that file.'

/**
 * Every reader unpacks gzip before the engine sees it (the upload and the CLI by its magic bytes, the
 * worker as stored), so gzip here was compressed twice: saving it as CSV is not the advice then.
 */
const UNPACK = 'Unpack it to the plain .csv export and upload that (or that file compressed once, as .csv.gz).'

const MAGIC: Array<{ bytes: number[], what: string, advice?: string }> = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook is one)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel .xls workbook' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF binary)' },
  { bytes: [0x1f, 0x8b], what: 'gzip data that is still compressed after unpacking it once (compressed twice?)', advice: UNPACK },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text' }
]

function startsWith (head: Uint8Array, bytes: number[]): boolean {
  if (head.length < bytes.length) return false
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false
  return true
}

export function notText (what: string, advice = SAVE_AS): EngineInputError {
  return new EngineInputError('NOT_TEXT', `This file is not a CSV text file: it looks like ${what}. ${advice}`)
}

/** Length of a UTF-8 byte order mark at the start (0 or 3). */
export function bomLength (head: Uint8Array): number {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
}

/**
 * Bytes at the end of `bytes` that form an incomplete UTF-8 sequence (0..3): a chunk or a 64 KiB
 * head may stop in the middle of a character, which is not an encoding error.
 */
export function incompleteUtf8Tail (bytes: Uint8Array): number {
  const n = bytes.length
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]
    if ((b & 0xc0) === 0x80) continue // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > back ? back : 0
  }
  return 0
}

const HAS_NUL = 'binary data (it contains NUL bytes)'

/** Throws NOT_TEXT for binary files, UTF-16, NUL bytes or invalid UTF-8 in the first bytes of a file. */
export function assertLooksLikeText (head: Uint8Array): void {
  for (const m of MAGIC) if (startsWith(head, m.bytes)) throw notText(m.what, m.advice)
  if (head.indexOf(0) !== -1) throw notText(HAS_NUL)
  assertUtf8(head.subarray(0, head.length - incompleteUtf8Tail(head)))
}

/**
 * The rest of the file, record by record: UTF-8 without NUL bytes, as the head. A NUL is valid UTF-8
 * but no text a store exports has one, and Postgres cannot store it in text or jsonb: a title with one
 * made every attempt to save the bundles fail as an internal error, retried for nothing.
 */
export function assertText (bytes: Uint8Array): void {
  if (bytes.indexOf(0) !== -1) throw notText(HAS_NUL)
  assertUtf8(bytes)
}

export function assertUtf8 (bytes: Uint8Array): void {
  if (!isUtf8(bytes)) {
    throw new EngineInputError('NOT_TEXT',
      `This file is not valid UTF-8 text (it may be saved in a legacy encoding such as Windows-1252 or Latin-1). ${SAVE_AS}`)
  }
}
