import t from 'tap'
import { isEngineInputError } from '../../../src/engine/errors.js'
import { fieldText } from '../../../src/engine/ingest/fields.js'
import { CsvScanner } from '../../../src/engine/ingest/scanner.js'
import { chunked, enc } from './helpers.js'

/** A tiny deterministic generator (mulberry32). */
function rng (seed: number): () => number {
  let a = seed
  return () => {
    a |= 0; a = a + 0x6D2B79F5 | 0
    let x = Math.imul(a ^ a >>> 15, 1 | a)
    x = x + Math.imul(x ^ x >>> 7, 61 | x) ^ x
    return ((x ^ x >>> 14) >>> 0) / 4294967296
  }
}

const ALPHABET = ['a', 'b', 'Z', '1', ' ', ',', ';', '\t', '"', '\n', '\r\n', 'é', '€', '😀']

function randomRecords (seed: number, delimiter: string): string[][] {
  const r = rng(seed)
  const rows: string[][] = []
  const nRows = 1 + Math.floor(r() * 30)
  for (let i = 0; i < nRows; i++) {
    const row: string[] = []
    const nFields = 1 + Math.floor(r() * 8)
    for (let f = 0; f < nFields; f++) {
      let s = ''
      const len = Math.floor(r() * 12)
      for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]
      row.push(s.trim() === '' ? 'x' + s : s)
    }
    rows.push(row)
  }
  return rows.map(row => row.map(s => s.replace(/\r\n/g, '\n')).map(s => delimiter === ',' ? s : s))
}

function serialise (rows: string[][], delimiter: string, crlf: boolean): string {
  const needsQuotes = (s: string): boolean => s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') || s !== s.trim()
  const q = (s: string): string => needsQuotes(s) ? `"${s.replaceAll('"', '""')}"` : s
  return rows.map(r => r.map(q).join(delimiter)).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n')
}

function scanAll (bytes: Uint8Array, delimiter: string, size: number | 'random', seed: number, fieldLimit?: number): string[][] {
  const out: string[][] = []
  const s = new CsvScanner(delimiter, sc => {
    const row: string[] = []
    for (let f = 0; f < sc.count; f++) row.push(fieldText(sc, f))
    out.push(row)
  }, { fieldLimit })
  for (const c of chunked(bytes, size, seed)) s.push(c)
  s.finish()
  return out
}

t.test('random records survive serialise → scan in any chunking (property test)', async t => {
  let checked = 0
  for (let seed = 1; seed <= 300; seed++) {
    const delimiter = [',', ';', '\t'][seed % 3]
    const rows = randomRecords(seed, delimiter)
    const bytes = enc(serialise(rows, delimiter, seed % 2 === 0))
    const expected = rows.map(r => r.map(s => s.trim()))
    for (const size of [1, 3, 'random', 1 << 16] as const) {
      const got = scanAll(bytes, delimiter, size, seed)
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        t.fail(`seed ${seed}, delimiter ${JSON.stringify(delimiter)}, chunks ${size}: ${JSON.stringify(got).slice(0, 300)} != ${JSON.stringify(expected).slice(0, 300)}`)
        return
      }
      // with a field limit, the first fields are the same and the records still line up
      const limited = scanAll(bytes, delimiter, size, seed, 2)
      if (JSON.stringify(limited) !== JSON.stringify(expected.map(r => r.slice(0, 2)))) {
        t.fail(`seed ${seed}, fieldLimit 2, chunks ${size}: records do not line up`)
        return
      }
      checked++
    }
  }
  t.equal(checked, 1200, 'all random files scanned identically')
})

t.test('a quote that is not the field\'s end (text follows it) is kept, not cut at', async t => {
  const text = 'id,title,qty\r\n1,"Frame 8" x 10" Oak",1\r\n1,"Frame 8" x 12" Oak",1\r\n2,"Padded"  ,2\r\n3,"Plain",3\r\n'
  for (const size of [1, 3, 7, 'random'] as const) {
    t.same(scanAll(enc(text), ',', size, 5), [
      ['id', 'title', 'qty'],
      ['1', 'Frame 8" x 10" Oak"', '1'],
      ['1', 'Frame 8" x 12" Oak"', '1'],
      ['2', 'Padded', '2'],
      ['3', 'Plain', '3']
    ], `chunks of ${size}: two different frames stay two, blanks after a closing quote are padding`)
  }
})

t.test('an unterminated quote and oversized fields are MALFORMED_CSV', async t => {
  const code = (fn: () => void): string => {
    try { fn() } catch (err) { return isEngineInputError(err) ? err.code : String(err) }
    return 'no error'
  }
  t.equal(code(() => scanAll(enc('a,b\n1,"open\n'), ',', 4, 1)), 'MALFORMED_CSV')
  t.equal(code(() => scanAll(enc('a,b\n1,"' + 'x'.repeat(1.5 * (1 << 20)) + '"\n'), ',', 1 << 16, 1)), 'MALFORMED_CSV', 'a 1.5 MiB quoted field')
  t.equal(code(() => scanAll(enc('a,b\n1,' + 'x'.repeat(1.5 * (1 << 20)) + '\n'), ',', 1 << 20, 1)), 'MALFORMED_CSV', 'a 1.5 MiB field in one chunk')
  t.equal(code(() => scanAll(enc('a,b\n1,' + ',x'.repeat(3 << 20) + '\n'), ',', 1 << 16, 1, 2)), 'MALFORMED_CSV', 'a 6 MiB record while skipping columns')
})
