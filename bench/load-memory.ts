// Load: several large uploads arrive at once. They are stored and queued (one instance runs
// WORKER_CONCURRENCY jobs at a time, default 1); the server's resident memory is sampled from /proc
// every 250 ms and must stay bounded: far below the bytes in flight. Loopback only.
//   npx tsx bench/load-memory.ts            (embedded PGlite)
//   DATABASE_URL=postgres://... npx tsx bench/load-memory.ts
import fs from 'node:fs'
import { startBenchServer, exportFile, mb, round } from './load-harness.js'
import { asShop, fileBytes, get, upload, waitForTerminal } from '../test/proof/client.js'
import { parsePrometheusText } from '../test/ops/prom-text.js'

const UPLOADS = 4
const ORDERS = 150_000 // ~100 MB each

export interface MemoryLoad {
  database: string
  uploads: number
  megabytesEach: number
  megabytesTotal: number
  idleRssMB: number
  peakRssMB: number
  maxQueuedAtOnce: number
  uploadSeconds: number
  totalSeconds: number
  completed: number
}

export async function benchMemory (): Promise<MemoryLoad> {
  const file = exportFile(ORDERS, 17)
  const size = fs.statSync(file).size
  const bench = await startBenchServer('memory')
  try {
    const idleRssMB = bench.memory().rssMB
    let peakRssMB = idleRssMB
    let maxQueued = 0
    const sampler = setInterval(() => { peakRssMB = Math.max(peakRssMB, bench.memory().rssMB) }, 250)
    const queueWatch = setInterval(() => {
      get(bench.url, '/metrics').then((res) => {
        const m = parsePrometheusText(String(res.body))
        maxQueued = Math.max(maxQueued, m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'created' }) ?? 0)
      }).catch(() => {})
    }, 500)
    const t0 = performance.now()
    const shops = Array.from({ length: UPLOADS }, (_, i) => `large-${i}.myshopify.com`)
    const started = await Promise.all(shops.map(async (shop) => await upload(bench.url, asShop(shop), fileBytes(file))))
    const uploadSeconds = (performance.now() - t0) / 1000
    for (const s of started) if (s.status !== 200) throw new Error(`upload failed: ${s.status} ${JSON.stringify(s.body)}`)
    const ends = await Promise.all(started.map(async (s, i) => await waitForTerminal(bench.url, asShop(shops[i]), s.body.job_id, 1_200_000, 500)))
    const totalSeconds = (performance.now() - t0) / 1000
    clearInterval(sampler)
    clearInterval(queueWatch)
    return {
      database: bench.database,
      uploads: UPLOADS,
      megabytesEach: mb(size),
      megabytesTotal: mb(size * UPLOADS),
      idleRssMB,
      peakRssMB: Math.max(peakRssMB, bench.memory().peakMB),
      maxQueuedAtOnce: maxQueued,
      uploadSeconds: round(uploadSeconds),
      totalSeconds: round(totalSeconds),
      completed: ends.filter((e) => e.status === 'COMPLETED').length
    }
  } finally {
    await bench.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchMemory()
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
}
