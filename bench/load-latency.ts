// Latency on an idle server: how soon a small upload is picked up and COMPLETED. Issue 2's targets,
// from the design's own test: picked up within 0.5 s, COMPLETED within 2 s of the upload. This is
// measured here and not asserted in a test, where a busy shared machine would fail it whatever the
// service did (the test proves the mechanism: the enqueue wakes the worker).
// For each file, ROUNDS shops upload one after another, each once the previous install ended, and the
// job's status is polled every POLL_MS. Both times count from sending the upload: picked up is the
// server's processing_started log line, COMPLETED the first status read that says so. Peer in the
// same run: the bare engine on the same bytes in this process (a worker thread, as the service runs
// it), so the ratio says what storage, the queue and writing the bundles add to the engine's own time.
//   npx tsx bench/load-latency.ts            (embedded PGlite)
//   DATABASE_URL=postgres://... npx tsx bench/load-latency.ts
import { startBenchServer, round } from './load-harness.js'
import { asShop, percentile, upload, waitForTerminal } from '../test/proof/client.js'
import { VALID_SMALL_CSV } from '../test/proof/fixtures.js'
import { jobEvent } from '../test/proof/server-process.js'
import { runEngineInWorker } from '../src/engine/run-in-worker.js'

const ROUNDS = 20
const POLL_MS = 10
/** The design's test file, and a small order export with one FBT pair (24 paired orders). */
const FILES: Array<{ name: string, csv: string }> = [
  { name: 'catalog, 1 product (the design\'s test file)', csv: 'product_id,name\n1,Product A\n' },
  { name: `orders, ${VALID_SMALL_CSV.trim().split('\n').length - 1} lines`, csv: VALID_SMALL_CSV }
]

export interface LatencyRow {
  file: string
  rounds: number
  pickedUpP50: number
  pickedUpMax: number
  completedP50: number
  completedP99: number
  completedMax: number
  engineP50: number
  completed: number
}

export interface IdleLatency { database: string, rows: LatencyRow[] }

export async function benchLatency (): Promise<IdleLatency> {
  const bench = await startBenchServer('latency')
  try {
    // Under tsx each engine thread compiles its TypeScript on first use; warm both sides once.
    await bareEngine(FILES[0].csv)
    await installOnce(bench, 'warm-up.myshopify.com', FILES[0].csv)
    const rows: LatencyRow[] = []
    for (const [f, file] of FILES.entries()) {
      const pickedUp: number[] = []
      const completedIn: number[] = []
      const engine: number[] = []
      let completed = 0
      for (let i = 0; i < ROUNDS; i++) {
        const r = await installOnce(bench, `latency-${f}-${String(i).padStart(2, '0')}.myshopify.com`, file.csv)
        pickedUp.push(r.pickedUpMs)
        completedIn.push(r.completedMs)
        if (r.status === 'COMPLETED') completed++
        engine.push(await bareEngine(file.csv))
      }
      rows.push({
        file: file.name,
        rounds: ROUNDS,
        pickedUpP50: round(percentile(pickedUp, 50)),
        pickedUpMax: round(Math.max(...pickedUp)),
        completedP50: round(percentile(completedIn, 50)),
        completedP99: round(percentile(completedIn, 99)),
        completedMax: round(Math.max(...completedIn)),
        engineP50: round(percentile(engine, 50)),
        completed
      })
    }
    return { database: bench.database, rows }
  } finally {
    await bench.stop()
  }
}

/** One install of `csv` for `shop`: ms from sending the upload to its pick-up and to COMPLETED. */
async function installOnce (bench: Awaited<ReturnType<typeof startBenchServer>>, shop: string, csv: string): Promise<{ status: string, pickedUpMs: number, completedMs: number }> {
  const sent = Date.now()
  const res = await upload(bench.url, asShop(shop), csv)
  if (res.status !== 200) throw new Error(`upload for ${shop}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  const jobId: string = res.body.job_id
  const end = await waitForTerminal(bench.url, asShop(shop), jobId, 60_000, POLL_MS)
  const completedMs = Date.now() - sent
  const started = await bench.server.waitForLog(jobEvent(jobId, 'processing_started'), 10_000)
  return { status: end.status, pickedUpMs: Number(started.time) - sent, completedMs }
}

async function bareEngine (csv: string): Promise<number> {
  const t0 = performance.now()
  await runEngineInWorker((async function * () { yield Buffer.from(csv) })())
  return performance.now() - t0
}

export function latencyTable (r: IdleLatency): string {
  const head = '| file | installs | picked up p50 ms | picked up max ms | COMPLETED p50 ms | COMPLETED p99 ms | COMPLETED max ms | bare engine p50 ms | COMPLETED p50 ÷ bare engine | completed |\n|---|---|---|---|---|---|---|---|---|---|'
  const rows = r.rows.map((x) => `| ${x.file} | ${x.rounds} | ${x.pickedUpP50} | ${x.pickedUpMax} | **${x.completedP50}** | ${x.completedP99} | **${x.completedMax}** | ${x.engineP50} | ${round(x.completedP50 / x.engineP50)}× | ${x.completed}/${x.rounds} |`)
  return [head, ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLatency()
  process.stdout.write(`${latencyTable(r)}\n`)
}
