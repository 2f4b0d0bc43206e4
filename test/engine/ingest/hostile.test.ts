import t from 'tap'
import { isEngineInputError } from '../../../src/engine/errors.js'
import { ingest } from '../../../src/engine/ingest/index.js'
import { enc, sourceOf } from './helpers.js'

/** Runs ingest and returns the EngineInputError code it fails with (or a description of what happened instead). */
async function failure (source: AsyncIterable<Uint8Array>): Promise<{ code: string, message: string }> {
  try {
    await ingest(source)
    return { code: 'no error', message: '' }
  } catch (err) {
    return isEngineInputError(err) ? { code: err.code, message: err.message } : { code: `unexpected ${String(err)}`, message: '' }
  }
}

/** A stream that yields `head`, then `repeat` up to `total` bytes, then `tail`, counting what was pulled. */
function stream (head: string, repeat: string, total: number, tail = ''): { source: AsyncIterable<Uint8Array>, pulled: () => number } {
  let pulled = 0
  const unit = enc(repeat.repeat(Math.ceil((1 << 20) / repeat.length)))
  return {
    pulled: () => pulled,
    source: (async function * () {
      const h = enc(head)
      pulled += h.length
      yield h
      for (let sent = 0; sent < total; sent += unit.length) { pulled += unit.length; yield unit }
      yield enc(tail)
    })()
  }
}

t.test('an unterminated quote fails cleanly', async t => {
  const r = await failure(sourceOf('order_id,product\n1,"Mug\n2,Tea\n3,Cup\n'))
  t.equal(r.code, 'MALFORMED_CSV')
  t.match(r.message, /never closed/)
})

t.test('a 50 MB field or line fails at the size limit without reading the rest', async t => {
  const quoted = stream('order_id,product\n1,"', 'x', 50 << 20, '"\n')
  let r = await failure(quoted.source)
  t.equal(r.code, 'MALFORMED_CSV', 'a 50 MB quoted field')
  t.match(r.message, /longer than/)
  t.ok(quoted.pulled() < 8 << 20, `stopped after ${quoted.pulled()} bytes`)
  const line = stream('order_id,product\n1,', 'y', 50 << 20, '\n')
  r = await failure(line.source)
  t.equal(r.code, 'MALFORMED_CSV', 'a 50 MB unquoted line')
  t.ok(line.pulled() < 8 << 20, `stopped after ${line.pulled()} bytes`)
  const header = stream('order_id', 'z', 50 << 20, '\n')
  r = await failure(header.source)
  t.equal(r.code, 'MALFORMED_CSV', 'a 50 MB header row')
  t.ok(header.pulled() < 4 << 20, `stopped after ${header.pulled()} bytes`)
})

t.test('a million columns, and 10 MB of commas, fail cleanly', async t => {
  t.equal((await failure(sourceOf('order_id,product\n1,A' + ','.repeat(1_000_000) + '\n'))).code, 'MALFORMED_CSV', 'a data row of a million columns')
  t.equal((await failure(sourceOf('order_id,product,quantity\n1,A,1\n2,B' + ',x'.repeat(1500) + '\n'))).code, 'MALFORMED_CSV', 'a row past the column cap')
  const commas = stream('order_id,product\n1,A\n', ',', 10 << 20, '\n')
  t.equal((await failure(commas.source)).code, 'MALFORMED_CSV', '10 MB of commas')
  t.equal((await failure(sourceOf(','.repeat(10 << 20), 10 << 20))).code, 'UNRECOGNISED_FORMAT', 'a file that is only commas has a header without column names')
  const tolerated = await ingest(sourceOf('order_id,product,quantity\n1,A,1\n1,B,1' + ',x'.repeat(900) + '\n'))
  t.equal(tolerated.summary.multi_product_orders, 1, 'extra columns under the cap are ignored')
})

t.test('not text: binary, invalid UTF-8 deep in the file, UTF-16', async t => {
  t.equal((await failure(sourceOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))).code, 'NOT_TEXT', 'PNG')
  t.equal((await failure(sourceOf(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])))).code, 'NOT_TEXT', 'xlsx')
  const latin1 = new Uint8Array([...enc('order_id,product\n' + '1,Tea\n'.repeat(20000) + '2,Cr'), 0xe8, ...enc('me\n')])
  const r = await failure(sourceOf(latin1, 4096))
  t.equal(r.code, 'NOT_TEXT', 'a Latin-1 byte after the first 64 KiB')
  t.match(r.message, /UTF-8/)
  t.equal((await failure(sourceOf(new Uint8Array([0xff, 0xfe, 0x6f, 0, 0x72, 0, 0x64, 0])))).code, 'NOT_TEXT', 'UTF-16')
})

t.test('empty inputs and unknown layouts', async t => {
  t.equal((await failure(sourceOf(new Uint8Array(0)))).code, 'EMPTY_FILE', 'no bytes')
  t.equal((await failure(sourceOf(' \n\r\n'))).code, 'EMPTY_FILE', 'only whitespace')
  t.equal((await failure(sourceOf('order_id,product_id,quantity\n'))).code, 'EMPTY_FILE', 'a header without rows')
  t.equal((await failure(sourceOf('order_id,product_id,quantity\n\n\n'))).code, 'EMPTY_FILE', 'a header and blank lines')
  const r = await failure(sourceOf('customer,email\nA,a@x\n'))
  t.equal(r.code, 'UNRECOGNISED_FORMAT')
  t.match(r.message, /customer, email/)
})

t.test('duplicate and empty column names: the first is used and a warning says so', async t => {
  const r = await ingest(sourceOf('order_id,product_id,,quantity,Quantity\n1,A,,2,9\n1,B,,1,9\n'))
  t.same(Array.from(r.basketQuantities), [2, 1], 'the first quantity column is used')
  t.ok(r.summary.warnings?.some(w => /Quantity.*quantity/.test(w)), 'a warning names the duplicate column')
  t.ok(r.summary.warnings?.some(w => /without a name/.test(w)), 'a warning counts the unnamed column')
})

t.test('a stray quote inside an unquoted field is a literal, also in skipped columns', async t => {
  const r = await ingest(sourceOf('order_id,product,quantity,note\n1,5" screen,1,say "hi\n1,Cable,1,x\n2,Cable,1,"a\nb"\n'))
  t.same(r.products.map(p => p.title), ['5" screen', 'Cable'])
  t.equal(r.summary.rows_read, 3)
})

t.test('more distinct products than one analysis can hold fails cleanly', async t => {
  const rows = (async function * () {
    yield enc('order_id,product_id\n')
    for (let block = 0; block < 60; block++) {
      let text = ''
      for (let i = block * 10000; i < (block + 1) * 10000; i++) text += `${i >> 1},P${i}\n`
      yield enc(text)
    }
  })()
  const r = await failure(rows)
  t.equal(r.code, 'MALFORMED_CSV')
  t.match(r.message, /distinct products/)
})

t.test('10 MB of commas is a header without column names, not an empty file', async t => {
  const commas = stream('', ',', 10 << 20)
  const r = await failure(commas.source)
  t.equal(r.code, 'UNRECOGNISED_FORMAT')
  t.match(r.message, /header row has no column names/)
  t.ok(commas.pulled() < 4 << 20, `stops at the header, not the whole file (pulled ${commas.pulled()} bytes)`)
})

t.test('a NUL byte past the first 64 KiB fails as not text, like one in the head (Postgres cannot store it)', async t => {
  const rows = Array.from({ length: 8000 }, (_, i) => `${i},Product ${i % 7}\n`).join('')
  const r = await failure(sourceOf(`order_id,product\n${rows}8001,Mug\u0000X\n8002,Tea\n`))
  t.equal(r.code, 'NOT_TEXT', `fails as NOT_TEXT (got ${r.code})`)
  t.ok(rows.length > 64 * 1024, 'the NUL is past the 64 KiB head')
  t.match(r.message, /NUL bytes/)
  t.match(r.message, /save it as "CSV UTF-8/, 'says what to send instead')
})
