import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isEngineInputError } from '../../../src/engine/errors.js'
import { ingest, inspectHeader } from '../../../src/engine/ingest/index.js'
import { basketsByTitle, enc, REAL, sourceOf } from './helpers.js'

function codeOf (fn: () => unknown): string {
  try { fn() } catch (err) { return isEngineInputError(err) ? err.code : `not an EngineInputError: ${String(err)}` }
  return 'no error'
}

t.test('detects each format from its header, whatever the column order', async t => {
  const cases: Array<[string, string]> = [
    ['Name,Email,Financial Status,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n#1,a,paid,2025-01-01,1,X,1,S\n', 'shopify-orders'],
    ['Lineitem sku,Lineitem name,Lineitem quantity,Name\nS,X,1,#1\n', 'shopify-orders'],
    ['order_id,name,createdAt,displayFinancialStatus,lineItemQuantity,sku,productId,productTitle,variantId,originalUnitPrice,isGiftCard\ng,#1,2025,PAID,1,S,p,T,v,1,false\n', 'shopify-graphql'],
    ['order_id,product_id,quantity\n1,2,3\n', 'generic-orders'],
    ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice\n536365,85123A,WHITE HANGING,6,12/1/2010 8:26,2.55\n', 'generic-orders'],
    ['order_id,product\n1,whole milk\n', 'generic-orders'],
    ['qty,SKU,Order Number\n1,A,1\n', 'generic-orders'],
    ['Handle,Title,Variant SKU,Variant Price\nh,T,S,1\n', 'shopify-products'],
    ['product_id,name\n1,Product A', 'generic-catalog'],
    ['name,product_id,price,type,vendor,tags,cost\nA,1,2,t,v,x,1\n', 'generic-catalog']
  ]
  for (const [text, format] of cases) {
    t.equal(inspectHeader(enc(text)).format, format, `${JSON.stringify(text.split('\n')[0])} is ${format}`)
  }
  t.equal(inspectHeader(enc('order_id,product_id,quantity\n1,2,3\n')).kind, 'orders')
  t.equal(inspectHeader(enc('product_id,name\n1,Product A')).kind, 'catalog')
})

t.test('header names match case-, space- and punctuation-insensitively; order formats beat catalogs', async t => {
  t.equal(inspectHeader(enc('  ORDER-ID ,"Product ID",QTY\n1,2,3\n')).format, 'generic-orders')
  t.equal(inspectHeader(enc('Order.Id;SKU;Title\n1;2;3\n')).format, 'generic-orders')
  // product_id + name is a catalog, but an order column makes it order lines
  t.equal(inspectHeader(enc('order_id,product_id,name\n1,2,x\n')).format, 'generic-orders')
})

t.test('delimiters, BOM, CRLF, quoted header names', async t => {
  const semi = inspectHeader(enc('order_id;product_id;quantity\r\n1;2;3\r\n'))
  t.equal(semi.delimiter, ';')
  t.same(semi.columns, ['order_id', 'product_id', 'quantity'])
  const tab = inspectHeader(enc('order_id\tproduct_id\tquantity\n1\t2\t3\n'))
  t.equal(tab.delimiter, '\t')
  const bom = inspectHeader(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('order_id,product_id\r\n1,2\r\n')]))
  t.same(bom.columns, ['order_id', 'product_id'], 'the BOM is not part of the first column name')
  t.equal(inspectHeader(enc('"order_id","product, id","quantity"\n1,2,3\n')).delimiter, ',')
  t.equal(inspectHeader(enc('sep=;\norder_id;product_id\n1;2\n')).delimiter, ';', "Excel's sep= line")
})

t.test('real exports are recognised', async t => {
  t.equal(inspectHeader(readFileSync(join(REAL, 'shopify-orders-export-inr.csv')).subarray(0, 65536)).format, 'shopify-orders')
  t.equal(inspectHeader(readFileSync(join(REAL, 'shopify-products-export-2026.csv')).subarray(0, 65536)).format, 'shopify-products')
  t.equal(inspectHeader(readFileSync(join(REAL, 'shopify-products-export-2021.csv')).subarray(0, 65536)).format, 'shopify-products')
})

t.test('EMPTY_FILE: no bytes, only whitespace, header without data', async t => {
  t.equal(codeOf(() => inspectHeader(new Uint8Array(0))), 'EMPTY_FILE')
  t.equal(codeOf(() => inspectHeader(enc('  \r\n\n\t '))), 'EMPTY_FILE')
  t.equal(codeOf(() => inspectHeader(enc('order_id,product_id,quantity\n'))), 'EMPTY_FILE')
  t.equal(codeOf(() => inspectHeader(enc('order_id,product_id,quantity'))), 'EMPTY_FILE')
  t.equal(codeOf(() => inspectHeader(enc('order_id,product_id,quantity\r\n\r\n,,\r\n'))), 'EMPTY_FILE')
})

t.test('blank lines before the header are skipped, not read as an empty file', async t => {
  const rows = 'order_id,sku,quantity\r\n1,A,1\r\n1,B,2\r\n'
  const files: Array<[string, string | Uint8Array]> = [
    ['a blank first line', '\n' + rows],
    ['blank lines with spaces, tabs and CRs', ' \r\n\t\n\r\n' + rows],
    ['a BOM, then a blank line', new Uint8Array([0xef, 0xbb, 0xbf, ...enc('\r\n' + rows)])],
    ["a blank line around Excel's sep= line", '\nsep=;\n\n' + rows.replaceAll(',', ';')]
  ]
  for (const [label, text] of files) {
    const bytes = typeof text === 'string' ? enc(text) : text
    t.same(inspectHeader(bytes).columns, ['order_id', 'sku', 'quantity'], `${label}: the header is found`)
    for (const size of [1, 3, 'random', 1 << 16] as const) {
      const r = await ingest(sourceOf(bytes, size))
      t.equal(r.summary.rows_read, 2, `${label}, chunks of ${size}: the header is not a data row`)
      t.same(basketsByTitle(r), ['A×1 | B×2'], `${label}, chunks of ${size}: baskets`)
    }
  }
  t.equal(codeOf(() => inspectHeader(enc('\n\norder_id,sku\n'))), 'EMPTY_FILE', 'blank lines and a header without data are still an empty file')
})

t.test('NOT_TEXT: binary magic, NUL bytes, invalid UTF-8, UTF-16', async t => {
  const cases: Array<[string, number[]]> = [
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]],
    ['PDF', [...enc('%PDF-1.7\n%\xe2\xe3\n1 0 obj')]],
    ['ZIP/xlsx', [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0]],
    ['ELF', [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]],
    ['NUL bytes', [...enc('order_id,product_id\n1,'), 0, 0, 0x32, 0x0a]],
    ['Latin-1 (invalid UTF-8)', [...enc('order_id,product\n1,Cr'), 0xe8, ...enc('me br'), 0xfb, ...enc('l'), 0xe9, 0x0a]],
    ['UTF-16 LE BOM', [0xff, 0xfe, 0x6f, 0, 0x72, 0]],
    ['UTF-16 BE BOM', [0xfe, 0xff, 0, 0x6f, 0, 0x72]]
  ]
  for (const [what, bytes] of cases) {
    let message = ''
    try { inspectHeader(new Uint8Array(bytes)) } catch (err) {
      t.ok(isEngineInputError(err) && err.code === 'NOT_TEXT', `${what}: NOT_TEXT`)
      message = (err as Error).message
    }
    t.match(message, /UTF-8 \(comma delimited\)|UTF-8/, `${what}: the message says to save it as UTF-8 CSV`)
  }
  // A head cut in the middle of a multi-byte character is not an encoding error.
  const text = enc('order_id,product\n1,Crème brûlée\n')
  const cut = text.subarray(0, text.indexOf(0xa8) ) // ends after the lead byte of "è"
  t.equal(inspectHeader(cut).format, 'generic-orders')
})

t.test('UNRECOGNISED_FORMAT lists the columns found and what each format needs', async t => {
  try {
    inspectHeader(enc('customer,email,total\nA,a@x,3\n'))
    t.fail('expected an error')
  } catch (err) {
    t.ok(isEngineInputError(err))
    if (!isEngineInputError(err)) return
    t.equal(err.code, 'UNRECOGNISED_FORMAT')
    for (const c of ['customer', 'email', 'total']) t.match(err.message, c, `message names the found column ${c}`)
    for (const need of ['Lineitem name', 'order_id', 'product_id', 'Handle', 'productId', 'name (or title)']) {
      t.match(err.message, need, `message names the needed column ${need}`)
    }
    t.same(err.details.found, ['customer', 'email', 'total'])
    const expected = err.details.expected as Record<string, string[]>
    t.same(Object.keys(expected).sort(), ['generic-catalog', 'generic-orders', 'shopify-graphql', 'shopify-orders', 'shopify-products'])
    t.ok(expected['shopify-orders'].includes('Lineitem name'))
  }
  // an order id alone is not enough: order formats need a product column too
  t.equal(codeOf(() => inspectHeader(enc('order_id,quantity\n1,2\n'))), 'UNRECOGNISED_FORMAT')
  t.equal(codeOf(() => inspectHeader(enc('order_id,id,name\n1,2,x\n'))), 'UNRECOGNISED_FORMAT', 'an order column is never read as a catalog')
})

t.test('MALFORMED_CSV: a header longer than the head, or too many columns', async t => {
  t.equal(codeOf(() => inspectHeader(enc('order_id,' + 'x'.repeat(70000)))), 'MALFORMED_CSV')
  t.equal(codeOf(() => inspectHeader(enc('"order_id,product_id\n1,2\n' + 'y'.repeat(70000)))), 'MALFORMED_CSV')
  t.equal(codeOf(() => inspectHeader(enc(',a'.repeat(5000) + '\n1\n'))), 'MALFORMED_CSV')
})

t.test('duplicate and empty column names do not break detection', async t => {
  const r = inspectHeader(enc('order_id,,product_id,order_id,\n1,,2,3,\n'))
  t.equal(r.format, 'generic-orders')
  t.same(r.columns, ['order_id', '', 'product_id', 'order_id', ''])
})

t.test('a header row whose cells are all blank says it has no column names, not that the file is empty', async t => {
  for (const text of [',,,\n1,2,3\n', ';;\n1;2;3\n', ' , ,"" \n1,2,3\n', ',', ','.repeat(70000), ',\n,\n']) {
    try {
      inspectHeader(enc(text))
      t.fail(`${JSON.stringify(text.slice(0, 20))}: expected an error`)
    } catch (err) {
      t.ok(isEngineInputError(err), 'an EngineInputError')
      if (!isEngineInputError(err)) continue
      const what = JSON.stringify(text.slice(0, 20))
      t.equal(err.code, 'UNRECOGNISED_FORMAT', `${what}: code`)
      t.match(err.message, /header row has no column names/, `${what}: says the header has no names`)
      t.match(err.message, /order_id/, `${what}: says what columns are expected`)
      t.notMatch(err.message, /empty/i, `${what}: does not call the file empty`)
      t.same(err.details.found, [], `${what}: found no columns`)
    }
  }
})
