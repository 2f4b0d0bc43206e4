import t from 'tap'
import { readFileSync } from 'node:fs'
import { CsvRecordCounter, ingest, inspectHeader } from '../../../src/engine/ingest/index.js'
import type { IngestResult } from '../../../src/engine/types.js'
import { basketsByTitle, chunked, enc, genShop, sourceOf } from './helpers.js'

const run = async (bytes: Uint8Array | string, size: number | 'random' = 1 << 16): Promise<IngestResult> => await ingest(sourceOf(bytes, size))

function count (bytes: Uint8Array, size: number | 'random'): number {
  const c = new CsvRecordCounter()
  for (const chunk of chunked(bytes, size)) c.push(chunk)
  return c.finish()
}

const BOM = new Uint8Array([0xef, 0xbb, 0xbf])
const withBom = (text: string): Uint8Array => new Uint8Array([...BOM, ...enc(text)])

/** A generated generic shop written with delimiter `d` (gen-shop quotes nothing, so a plain split is exact). */
function shopText (d: string): string {
  const rows = readFileSync(genShop('generic', 150, 4).csv, 'utf8').trimEnd().split('\n')
  return rows.map(r => r.split(',').join(d)).join('\n') + '\n'
}

// Each hint line as Excel and other tools write it, with the delimiter it names.
const HINTS: Array<[string, string]> = [
  ['sep=;\n', ';'],
  ['sep=,\n', ','],
  ['sep=\t\n', '\t'],
  ['SEP=;\r\n', ';'],
  ['"sep=;"\n', ';'],
  ['sep=\\t\n', '\t']
]

t.test('inspectHeader: the hint names the delimiter and the next line is the header', async t => {
  for (const [hint, d] of HINTS) {
    const text = `${hint}order_id${d}product_id${d}quantity\n1${d}2${d}3\n`
    for (const bytes of [enc(text), withBom(text)]) {
      const h = inspectHeader(bytes)
      t.equal(h.delimiter, d, `${JSON.stringify(hint)}${bytes[0] === 0xef ? ' after a BOM' : ''}: delimiter`)
      t.same(h.columns, ['order_id', 'product_id', 'quantity'], `${JSON.stringify(hint)}: the header is the second line`)
      t.equal(h.format, 'generic-orders', `${JSON.stringify(hint)}: format`)
    }
  }
})

t.test('the hint wins over sniffing: ; named, commas inside fields', async t => {
  const text = 'sep=;\norder_id;product_title;quantity\n1;Socks, red;1\n1;Mug, blue, large;2\n2;Socks, red;1\n'
  t.equal(inspectHeader(enc(text)).delimiter, ';', 'inspectHeader takes the named delimiter')
  const r = await run(text)
  t.equal(r.summary.delimiter, ';', 'ingest takes the named delimiter')
  t.same(r.products.map(p => p.title).sort(), ['Mug, blue, large', 'Socks, red'], 'commas stay inside the titles')
  t.equal(r.summary.rows_read, 3, 'the hint line is not a data row')
})

t.test('ingest: a file with the hint gives the same baskets and row count as without it', async t => {
  for (const [hint, d] of HINTS) {
    const text = shopText(d)
    const plain = await run(text)
    for (const [label, bytes] of [['', enc(hint + text)], [' after a BOM', withBom(hint + text)]] as const) {
      for (const size of [3, 'random', 1 << 16] as const) {
        const r = await run(bytes, size)
        const what = `${JSON.stringify(hint)}${label} in ${size} chunks`
        t.equal(r.summary.delimiter, d, `${what}: delimiter`)
        t.equal(r.summary.rows_read, plain.summary.rows_read, `${what}: rows read`)
        t.same(r.summary.rows_skipped, {}, `${what}: no unreadable rows (the hint is not one)`)
        t.same(basketsByTitle(r), basketsByTitle(plain), `${what}: baskets`)
      }
    }
  }
})

t.test('CsvRecordCounter: the hint line is not a record', async t => {
  for (const [hint, d] of HINTS) {
    const text = `order_id${d}product_id\n1${d}2\n3${d}4\n`
    for (const [label, bytes] of [['', enc(hint + text)], [' after a BOM', withBom(hint + text)]] as const) {
      for (const size of [1, 2, 3, 7, 1000] as const) {
        t.equal(count(bytes, size), 2, `${JSON.stringify(hint)}${label} in ${size}-byte chunks`)
      }
    }
  }
  const shop = enc('sep=;\n' + shopText(';'))
  t.equal(count(shop, 'random'), count(enc(shopText(';')), 'random'), 'a generated shop counts the same with and without the hint')
  t.equal(count(enc('sep=;\n'), 1), 0, 'only the hint: no records')
  t.equal(count(enc('sep=;\norder_id;product_id\n'), 2), 0, 'hint and header: no records')
})

t.test('lines that only look like a hint are headers or data', async t => {
  // A first column named "sep" is an ordinary header; "sep=;x" is not a hint.
  t.equal(count(enc('sep,order_id\n1,2\n'), 1), 1, 'a header starting with a column "sep"')
  t.equal(count(enc('sep=;x\n1\n2\n'), 3), 2, '"sep=;x" is a header')
  t.equal(count(enc('sep=;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;\n1\n2\n'), 5), 2, 'a long first line is not a hint')
  const h = inspectHeader(enc('sep,order_id,sku\n1,2,a\n'))
  t.same(h.columns, ['sep', 'order_id', 'sku'], 'a column named "sep" leaves the header where it is')
})
