import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isEngineInputError } from '../../../src/engine/errors.js'
import { CsvRecordCounter } from '../../../src/engine/ingest/index.js'
import { chunked, enc, genShop, REAL } from './helpers.js'

function count (bytes: Uint8Array, size: number | 'random'): number {
  const c = new CsvRecordCounter()
  for (const chunk of chunked(bytes, size)) c.push(chunk)
  return c.finish()
}

t.test('counts data records: header excluded, trailing newline and blank lines ignored, quotes honoured', async t => {
  const cases: Array<[string, number]> = [
    ['a,b\n1,2\n3,4\n', 2],
    ['a,b\n1,2\n3,4', 2],
    ['a,b\r\n1,2\r\n3,4\r\n', 2],
    ['a,b\n\n1,2\n\n\n3,4\n\n', 2],
    ['a,b\n1,"two\nlines"\n3,"with ""quotes"", and, commas"\n', 2],
    ['a,b\n1,"x\r\n\r\ny"\r\n', 1],
    ['a,b\n', 0],
    ['a,b', 0],
    ['', 0],
    ['\n\n', 0],
    ['a;b\n1;2\n;\n', 1]
  ]
  for (const [text, expected] of cases) {
    for (const size of [1, 2, 3, 7, 1000] as const) {
      t.equal(count(enc(text), size), expected, `${JSON.stringify(text)} in ${size}-byte chunks`)
    }
  }
})

t.test('matches the true record count of real and generated files in any chunking', async t => {
  const files: Array<[string, number]> = [
    [join(REAL, 'shopify-orders-export-inr.csv'), 121],
    [join(REAL, 'shopify-products-export-2026.csv'), 2921],
    [join(REAL, 'shopify-products-export-2021.csv'), 21]
  ]
  const gen = genShop('shopify-orders', 400, 3)
  const lines = readFileSync(gen.csv, 'utf8').trimEnd().split('\n').length - 1 // gen-shop quotes nothing multi-line
  files.push([gen.csv, lines])
  for (const [file, expected] of files) {
    const bytes = readFileSync(file)
    for (const size of [7, 'random', 65536] as const) t.equal(count(bytes, size), expected, `${file} in ${size} chunks`)
  }
})

t.test('an unterminated quote is MALFORMED_CSV', async t => {
  const c = new CsvRecordCounter()
  c.push(enc('a,b\n1,"never closed\n2,3\n'))
  try {
    c.finish()
    t.fail('expected MALFORMED_CSV')
  } catch (err) {
    t.ok(isEngineInputError(err) && err.code === 'MALFORMED_CSV', 'MALFORMED_CSV')
  }
})
