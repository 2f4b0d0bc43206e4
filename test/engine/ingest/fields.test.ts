import t from 'tap'
import { ingest } from '../../../src/engine/ingest/index.js'
import { fieldNumber, fieldText, parseNumberText } from '../../../src/engine/ingest/fields.js'
import { CsvScanner } from '../../../src/engine/ingest/scanner.js'
import { enc, sourceOf } from './helpers.js'

/** fieldNumber and the text it decodes, for each one-field record of `cells` (a tab-delimited file). */
function readCells (cells: string[]): Array<{ text: string, value: number }> {
  const out: Array<{ text: string, value: number }> = []
  const s = new CsvScanner('\t', sc => { out.push({ text: fieldText(sc, 0), value: fieldNumber(sc, 0) }) })
  s.push(enc(cells.map(c => `"${c.replaceAll('"', '""')}"`).join('\n') + '\n'))
  s.finish()
  return out
}

t.test('prices with the currency after the number, a currency prefix or code, or space thousands separators are read', async t => {
  const cases: Array<[string, number]> = [
    ['12,50 €', 12.5], ['12,50\u00a0€', 12.5], ['1.299,00 €', 1299], ['12 €', 12], ['12,00 $', 12], ['7.00$', 7],
    ['US$12.00', 12], ['R$ 12,00', 12], ['C$ 5', 5], ['A$5.50', 5.5], ['-$7.00', -7], ['$-7.00', -7],
    ['USD 12.00', 12], ['usd12', 12], ['12.00 usd', 12], ['12.00 USD', 12], ['EUR 1.299,00', 1299], ['129,00 kr', 129], ['Rs. 1,299', 1299], ['49,99 zł', 49.99],
    ['1 234,56', 1234.56], ['1\u00a0234,56', 1234.56], ['1\u202f234,56', 1234.56], ['1 234 567', 1234567], ['1 234.56', 1234.56], ["CHF 1'234.50", 1234.5],
    // the rules that were there before still hold
    ['$7.00', 7], ['€12,50', 12.5], ['1,234.50', 1234.5], ['12,50', 12.5], ['1.234,50', 1234.5], ['-0', 0], ['1e3', 1000]
  ]
  for (const [text, value] of cases) t.equal(parseNumberText(text), value, `"${text}" reads ${value}`)
})

t.test('words that are not currencies, and malformed groups, are still not numbers', async t => {
  for (const text of ['3 pcs', 'abc 12', '12 34', '1 23,45', '12,345,67', '€', 'US$', '1e309', 'NaN', '0x1F', '12e', 'ten']) {
    t.ok(Number.isNaN(parseNumberText(text)), `"${text}" is not a number`)
  }
})

t.test('a European order file with prices like "12,50 €" is read, not rejected as mostly invalid', async t => {
  const r = await ingest(sourceOf('sep=;\norder_id;sku;quantity;unit_price\n1;MUG;1;12,50 €\n1;TEA;2;1.299,00 €\n2;MUG;1;1\u202f234,56 €\n'))
  t.same(r.summary.rows_skipped, {}, 'no row skipped as a bad price')
  t.same(r.products.map(p => [p.key, p.price]), [['MUG', 12.5], ['TEA', 1299]], 'prices read (a tie between two prices takes the lower)')
})

t.test('the byte fast path reads every number as the text rules do', async t => {
  t.same(readCells(['12,50 €', '€12,50', '$7.00', '-$7', '7.00 $', '12 £', '12,5\u00a0€', '0,00 €']).map(c => c.value),
    [12.5, 12.5, 7, -7, 7, 12, 12.5, 0], 'the shop shapes the fast path takes')
  const alphabet = ['1', '2', '0', '9', '.', ',', '-', ' ', '$', '€', '£', '\u00a0', '\u202f', 'e', 'U', 'S', 'D', 'k', 'r']
  let a = 7
  const rnd = (): number => { a = (a * 1103515245 + 12345) & 0x7fffffff; return a / 0x80000000 }
  const cells: string[] = []
  for (let k = 0; k < 20000; k++) {
    let c = ''
    for (let n = 1 + Math.floor(rnd() * 9); n > 0; n--) c += alphabet[Math.floor(rnd() * alphabet.length)]
    cells.push(c)
  }
  const differ = readCells(cells).filter(c => !Object.is(c.value, parseNumberText(c.text)))
  t.same(differ.slice(0, 5), [], `fieldNumber equals parseNumberText on ${cells.length} random cells`)
})

t.test('currencies written as one letter (円, 元, 원, R) or as dotted Arabic letters (د.ك, ر.س) are ignored like "kr"', async t => {
  const cases: Array<[string, number]> = [
    ['1,299円', 1299], ['3,799 円', 3799], ['15元', 15], ['15,000원', 15000], ['R 150.00', 150], ['R150', 150], ['150 R', 150],
    ['1.500 د.ك', 1.5], ['د.ك 1.500', 1.5], ['10 ر.س', 10], ['12 ر.ع.', 12]
  ]
  for (const [text, value] of cases) t.equal(parseNumberText(text), value, `"${text}" reads ${value}`)
  for (const text of ['3 m', 'x150', 'e12', '12 g']) t.ok(Number.isNaN(parseNumberText(text)), `"${text}" is still not a number`)
})

t.test('a Japanese order file with prices like "1,299円" is read, not rejected as mostly invalid', async t => {
  const r = await ingest(sourceOf('order_id,sku,quantity,price,currency\n1,MUG,1,"1,299円",JPY\n1,TEA,2,980円,JPY\n2,MUG,1,"1,299円",JPY\n'))
  t.same(r.summary.rows_skipped, {}, 'no row skipped as a bad price')
  t.same(r.products.map(p => [p.key, p.price]), [['MUG', 1299], ['TEA', 980]])
})
