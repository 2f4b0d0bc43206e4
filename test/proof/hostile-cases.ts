// The hostile and broken inputs of issue 5, each with the answer it must get. Big inputs are
// generated as streams (never held whole); small ones are written out so the table shows them.
import { createGzip } from 'node:zlib'
import { Readable } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { repeated, type Part, type Bytes } from './multipart.js'
import { GENERIC_HEADER, ordersCsv, pairedOrders, VALID_SMALL_CSV, type Line } from './fixtures.js'

const MB = 1024 * 1024

/** Limits the test app runs with (small enough to test, large enough for the 50 MB line to arrive). */
export const LIMITS = { MAX_UPLOAD_MB: 56, MAX_INFLATED_MB: 24 }

export type Expectation =
  /** The upload is refused at once: this status, and a `detail` that says what was wrong. */
  | { answer: 'reject', status: number, detail: RegExp }
  /** Accepted (200), then the job ends FAILED with an error_message that says why. */
  | { answer: 'failed', reason: RegExp }
  /** Accepted, the job ends COMPLETED; `check` looks at what it produced. */
  | { answer: 'completed', check?: 'finite-numbers' | 'names-round-trip' | 'formulas-neutralised' | 'thousands' }

export interface HostileCase {
  name: string
  /** The multipart parts to send (default: one `file` part). */
  parts?: Part[]
  file?: Bytes
  filename?: string
  /** Send this raw body with this content-type instead of a multipart built from parts. */
  raw?: { contentType: string, body: Bytes }
  /** Build the multipart with one boundary but announce another. */
  wrongBoundary?: boolean
  expect: Expectation
  /** Product names the bundles must show back exactly (names-round-trip). */
  names?: string[]
}

const bin = (...bytes: number[]): Buffer => Buffer.from(bytes)
const PNG = Buffer.concat([bin(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), bin(0, 0, 0, 13), Buffer.from('IHDR'), randomBytes(2000)])
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1')
const ZIP = Buffer.concat([bin(0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0), Buffer.from('[Content_Types].xml'), randomBytes(1000)])
const XLS = Buffer.concat([bin(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1), Buffer.alloc(1000)])
const ELF = Buffer.concat([bin(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0), Buffer.alloc(4000)])

/** A valid file whose bytes after `offset` contain an invalid UTF-8 sequence (0xC3 0x28). */
function invalidUtf8After (offset: number): () => AsyncGenerator<Buffer> {
  return async function * () {
    const lines = pairedOrders({ orders: Math.ceil(offset / 150) + 30 })
    const text = Buffer.from(ordersCsv(lines))
    const cut = text.indexOf('\n', offset) + 1
    yield text.subarray(0, cut)
    yield Buffer.concat([Buffer.from('999999,Z-9,Bad '), bin(0xc3, 0x28), Buffer.from(' Name,1,5.00,2025-03-01T10:00:00Z\n')])
    yield text.subarray(cut)
  }
}

/** A header of `columns` columns, then one row; streamed (a million columns is ~7 MB). */
function manyColumns (columns: number): () => AsyncGenerator<Buffer> {
  return async function * () {
    yield Buffer.from('order_id,product_id')
    let batch = ''
    for (let i = 2; i < columns; i++) {
      batch += `,c${i}`
      if (batch.length > 1 << 16) { yield Buffer.from(batch); batch = '' }
    }
    yield Buffer.from(`${batch}\n1,A\n`)
  }
}

/** A small .gz that inflates to `inflatedMb` MB of valid-looking rows: a gzip bomb. */
async function gzipBomb (inflatedMb: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 })
  const chunks: Buffer[] = []
  gz.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise((resolve) => gz.on('end', resolve))
  Readable.from(repeated('1,A-1,Alpha Mug,1,12.00,2025-03-01T10:00:00Z\n', inflatedMb * MB, `${GENERIC_HEADER}\n`)()).pipe(gz)
  await done
  return Buffer.concat(chunks)
}

function withOne (lines: Line[], index: number, patch: Partial<Line>): Line[] {
  return lines.map((l, i) => (i === index ? { ...l, ...patch } : l))
}

export async function hostileCases (): Promise<HostileCase[]> {
  const bomb = await gzipBomb(LIMITS.MAX_INFLATED_MB * 4)
  const valid = VALID_SMALL_CSV
  const csvRequired = /Invalid file: CSV file required/
  const malformed = /multipart body is malformed or cut off.*closing boundary/
  const notText = /not a CSV text file/i
  return [
    { name: 'empty file', file: '', expect: { answer: 'reject', status: 400, detail: /empty/i } },
    { name: 'header only', file: `${GENERIC_HEADER}\n`, expect: { answer: 'reject', status: 400, detail: /header row but no data rows/i } },
    { name: 'PNG image named .csv', file: PNG, expect: { answer: 'reject', status: 400, detail: /PNG image/ } },
    { name: 'PDF named .csv', file: PDF, expect: { answer: 'reject', status: 400, detail: /PDF/ } },
    { name: 'ZIP (xlsx) named .csv', file: ZIP, expect: { answer: 'reject', status: 400, detail: /ZIP archive/ } },
    { name: 'old Excel .xls named .csv', file: XLS, expect: { answer: 'reject', status: 400, detail: /Excel/ } },
    { name: 'ELF executable named .csv', file: ELF, expect: { answer: 'reject', status: 400, detail: notText } },
    { name: 'JSON named .csv', file: '{"orders":[{"id":1,"items":["a","b"]}]}\n', expect: { answer: 'reject', status: 400, detail: /do not match any supported export.*(generic-orders|order_id)/s } },
    { name: 'HTML named .csv', file: '<!doctype html>\n<html><body><table><tr><td>order</td></tr></table></body></html>\n', expect: { answer: 'reject', status: 400, detail: /do not match any supported export/ } },
    { name: 'invalid UTF-8 near the top', file: invalidUtf8After(200), expect: { answer: 'reject', status: 400, detail: /UTF-8/ } },
    { name: 'invalid UTF-8 deep in the file (past the inspected head)', file: invalidUtf8After(200 * 1024), expect: { answer: 'failed', reason: /UTF-8/ } },
    { name: 'UTF-16 LE with BOM', file: Buffer.from(`\ufeff${valid}`, 'utf16le'), expect: { answer: 'reject', status: 400, detail: /UTF-16/ } },
    { name: 'NUL bytes (binary data)', file: Buffer.concat([Buffer.from('order_id,product_id\n1,A'), Buffer.alloc(64), Buffer.from('\n')]), expect: { answer: 'reject', status: 400, detail: /NUL|binary/i } },
    { name: 'a single 50 MB line', file: repeated('abcdefghij', 50 * MB), expect: { answer: 'reject', status: 400, detail: /header|line|record|too long/i } },
    // The upload route counts records over the whole file as it stores it, so a broken quote is refused at once.
    { name: 'unterminated quote', file: `${GENERIC_HEADER}\n1,A-1,"Alpha Mug,1,12.00,2025-03-01\n2,B-2,Beta,1,4.50,2025-03-01\n`, expect: { answer: 'reject', status: 400, detail: /never closed|quote/i } },
    { name: 'a million columns', file: manyColumns(1_000_000), expect: { answer: 'reject', status: 400, detail: /column|header/i } },
    { name: '10 MB of commas', file: repeated(',', 10 * MB), expect: { answer: 'reject', status: 400, detail: /header row has no column names/ } },
    { name: 'gzip bomb (.csv.gz inflating past MAX_INFLATED_MB)', file: bomb, filename: 'orders.csv.gz', expect: { answer: 'reject', status: 413, detail: new RegExp(`inflates past the ${LIMITS.MAX_INFLATED_MB} MB limit`) } },
    { name: 'corrupt .csv.gz', file: Buffer.concat([bin(0x1f, 0x8b, 8, 0), randomBytes(3000)]), filename: 'orders.csv.gz', expect: { answer: 'reject', status: 400, detail: /gzip/i } },
    { name: 'over MAX_UPLOAD_MB', file: repeated('1,A-1,Alpha Mug,1,12.00,2025-03-01T10:00:00Z\n', (LIMITS.MAX_UPLOAD_MB + 1) * MB, `${GENERIC_HEADER}\n`), expect: { answer: 'reject', status: 413, detail: new RegExp(`limit is ${LIMITS.MAX_UPLOAD_MB} MB`) } },
    {
      name: 'two files in one request',
      parts: [{ name: 'file', filename: 'a.csv', contentType: 'text/csv', body: valid }, { name: 'file', filename: 'b.csv', contentType: 'text/csv', body: valid }],
      expect: { answer: 'reject', status: 400, detail: /exactly one CSV file/ }
    },
    { name: 'missing `file` field (file sent as `upload`)', parts: [{ name: 'upload', filename: 'orders.csv', contentType: 'text/csv', body: valid }], expect: { answer: 'reject', status: 400, detail: csvRequired } },
    { name: 'no file at all (only a text field)', parts: [{ name: 'shop', body: 'other-shop.myshopify.com' }], expect: { answer: 'reject', status: 400, detail: csvRequired } },
    { name: 'wrong multipart boundary', file: valid, wrongBoundary: true, expect: { answer: 'reject', status: 400, detail: malformed } },
    // A valid file whose multipart body ends before the closing boundary: the file may be cut short,
    // so it is refused rather than mined as if whole.
    { name: 'multipart body cut off before its closing boundary', raw: { contentType: 'multipart/form-data; boundary=cut-off-1', body: `--cut-off-1\r\nContent-Disposition: form-data; name="file"; filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n${valid}` }, expect: { answer: 'reject', status: 400, detail: malformed } },
    { name: 'JSON body instead of multipart', raw: { contentType: 'application/json', body: '{"file":"order_id,product_id"}' }, expect: { answer: 'reject', status: 400, detail: csvRequired } },
    { name: 'not named .csv (orders.xlsx)', file: valid, filename: 'orders.xlsx', expect: { answer: 'reject', status: 400, detail: csvRequired } },
    { name: 'filename with path separators', file: valid, filename: '../../etc/passwd/..\\..\\orders.csv', expect: { answer: 'completed' } },
    { name: 'filename with control characters', file: valid, filename: 'ord\u0001ers\u001b[31m\u007f.csv', expect: { answer: 'completed' } },
    { name: 'duplicate column names', file: `order_id,product_id,product_id,quantity\n${pairedOrders().map((l) => `${l.order},${l.product},X-${l.product},1`).join('\n')}\n`, expect: { answer: 'completed' } },
    { name: 'empty column names', file: `order_id,,product_id,\n${pairedOrders().map((l) => `${l.order},junk,${l.product},`).join('\n')}\n`, expect: { answer: 'completed' } },
    { name: 'price 1e309 in one line', file: ordersCsv(withOne(pairedOrders(), 0, { price: '1e309' })), expect: { answer: 'completed', check: 'finite-numbers' } },
    { name: 'quantity NaN in one line', file: ordersCsv(withOne(pairedOrders(), 0, { quantity: 'NaN' })), expect: { answer: 'completed', check: 'finite-numbers' } },
    { name: 'price -0 in one line', file: ordersCsv(withOne(pairedOrders(), 0, { price: '-0' })), expect: { answer: 'completed', check: 'finite-numbers' } },
    { name: 'prices with thousands separators ("1,234.50")', file: ordersCsv(pairedOrders({ prices: ['1,234.50', '4.50', '30.00'] })), expect: { answer: 'completed', check: 'thousands' } },
    {
      name: 'dates in other formats',
      file: ordersCsv(pairedOrders({ date: (i) => ['03/04/2025', '2025.03.04', '1741082400', '4 March 2025', '2025-03-04 10:00:00 +0100', 'not a date'][i % 6] })),
      expect: { answer: 'completed' }
    },
    { name: 'names with emoji and RTL text', file: ordersCsv(pairedOrders({ names: ['Coffee ☕️ Mug 🎉', 'قهوة عربية ‏(500g)', 'שמן זית'] })), names: ['Coffee ☕️ Mug 🎉', 'قهوة عربية ‏(500g)'], expect: { answer: 'completed', check: 'names-round-trip' } },
    { name: 'names with formula prefixes = and +', file: ordersCsv(pairedOrders({ names: ['=HYPERLINK("http://evil.example","x")', '+SUM(A1:A9)', 'Plain'] })), names: ['=HYPERLINK("http://evil.example","x")', '+SUM(A1:A9)'], expect: { answer: 'completed', check: 'formulas-neutralised' } },
    { name: 'names with formula prefixes - and @', file: ordersCsv(pairedOrders({ names: ['-2+3', '@cmd|/c calc', 'Plain'] })), names: ['-2+3', '@cmd|/c calc'], expect: { answer: 'completed', check: 'formulas-neutralised' } },
    { name: 'UTF-8 BOM, CRLF and semicolons (Excel "CSV UTF-8")', file: `\ufeff${valid.replace(/,/g, ';').replace(/\n/g, '\r\n')}`, expect: { answer: 'completed' } },
    { name: 'every order has one product', file: ordersCsv(pairedOrders().filter((l) => l.product !== 'B-2')), expect: { answer: 'failed', reason: /two or more (different )?products/ } }
  ]
}

