// Ingest benchmark: the engine's streaming ingest against fast-csv's parser (the named peer) on the
// same file, in the same run. Each side runs in its own child process so the engine's peak RSS is
// its own and neither warms the other's JIT. Both read the file with the same 1 MiB stream chunks.
// fast-csv is measured on (at most) the first 48 MB of the file: at a few MB/s the whole of a
// 320 MB export would take a minute and the rate does not change with length. It runs in its
// fastest mode (rows as arrays, no header mapping), so the ratio is the conservative one. The two
// sides alternate for two rounds and each keeps its best rate.
//   npx tsx bench/ingest.ts /tmp/big.csv
import { execFileSync } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface IngestBench {
  /** Engine parse + map + clean + pack, MB/s over the whole file. */
  engineMBs: number
  /** fast-csv parse only, MB/s over the same file (its first 48 MB at most). */
  fastCsvMBs: number
  /** engineMBs / fastCsvMBs. */
  ratio: number
  /** Peak resident set size of the engine's process, MB. */
  peakRssMB: number
}

const FAST_CSV_BYTES = 48e6
const CHUNK = 1 << 20
const SELF = fileURLToPath(import.meta.url)

interface ChildReport { bytes: number, ms: number, maxRssKB: number, rows: number }

function runChild (side: 'engine' | 'fast-csv', file: string): ChildReport {
  const out = execFileSync(process.execPath, ['--import', 'tsx', SELF, '--child', side, file],
    { encoding: 'utf8', maxBuffer: 1 << 20, cwd: fileURLToPath(new URL('..', import.meta.url)) })
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildReport
}

/** Rounds per side, alternating; each side's best rate counts (the machine is shared, noise only slows). */
const ROUNDS = 2

export async function benchIngest (file: string): Promise<IngestBench> {
  let engineMBs = 0
  let fastCsvMBs = 0
  let peakRssKB = 0
  for (let round = 0; round < ROUNDS; round++) {
    const fast = runChild('fast-csv', file)
    const engine = runChild('engine', file)
    fastCsvMBs = Math.max(fastCsvMBs, fast.bytes / 1e6 / (fast.ms / 1000))
    engineMBs = Math.max(engineMBs, engine.bytes / 1e6 / (engine.ms / 1000))
    peakRssKB = Math.max(peakRssKB, engine.maxRssKB)
  }
  return {
    engineMBs: round1(engineMBs),
    fastCsvMBs: round1(fastCsvMBs),
    ratio: round1(engineMBs / fastCsvMBs),
    peakRssMB: Math.round(peakRssKB / 1024)
  }
}

function round1 (x: number): number { return Math.round(x * 10) / 10 }

async function child (side: string, file: string): Promise<void> {
  const size = statSync(file).size
  // Modules load before the clock starts: the figures are about parsing, not start-up.
  const { ingest } = await import('../src/engine/ingest/index.js')
  const { parse } = await import('fast-csv')
  const started = performance.now()
  let rows = 0
  let bytes = size
  if (side === 'engine') {
    const result = await ingest(createReadStream(file, { highWaterMark: CHUNK }))
    rows = result.summary.rows_read
  } else {
    bytes = Math.min(size, FAST_CSV_BYTES)
    await new Promise<void>((resolve, reject) => {
      createReadStream(file, { highWaterMark: CHUNK, end: bytes - 1 })
        .pipe(parse({ headers: false }))
        .on('data', () => { rows++ })
        .on('end', () => resolve())
        .on('error', reject)
    })
  }
  const ms = performance.now() - started
  process.stdout.write(JSON.stringify({ bytes, ms, maxRssKB: process.resourceUsage().maxRSS, rows }) + '\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    await child(args[1], args[2])
  } else {
    const file = args[0]
    if (file === undefined) {
      process.stderr.write('usage: npx tsx bench/ingest.ts <orders.csv>  (e.g. node ../shared/tools/gen-shop.mjs --orders 465000 --out /tmp/big.csv)\n')
      process.exit(2)
    }
    const r = await benchIngest(file)
    const mb = (statSync(file).size / 1e6).toFixed(0)
    process.stdout.write(`ingest ${file} (${mb} MB)\n` +
      `  engine   ${r.engineMBs.toFixed(1)} MB/s (parse, map, clean, pack; whole file)\n` +
      `  fast-csv ${r.fastCsvMBs.toFixed(1)} MB/s (parse only, rows as arrays; first ${Math.min(+mb, FAST_CSV_BYTES / 1e6)} MB)\n` +
      `  ratio    ${r.ratio.toFixed(1)}x (goal: at least 10x)\n` +
      `  peak RSS ${r.peakRssMB} MB (engine process; goal: under 400 MB for a 1,000,000-line export)\n`)
  }
}
