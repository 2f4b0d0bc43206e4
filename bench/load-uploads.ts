// Load: 200 shops upload small files within a minute (at most 20 uploads in flight), then every
// install is followed to its end. Reports installs per minute (first upload to last completion) and
// the p99 upload response time, and checks none was lost (200 COMPLETED) or processed twice (one
// completion per job in the server's log). Loopback only.
//   npx tsx bench/load-uploads.ts            (embedded PGlite)
//   DATABASE_URL=postgres://... npx tsx bench/load-uploads.ts
import { startBenchServer, round } from './load-harness.js'
import { asShop, percentile, upload, waitForTerminal } from '../test/proof/client.js'
import { ordersCsv, pairedOrders } from '../test/proof/fixtures.js'

const SHOPS = 200
const IN_FLIGHT = 20

export interface UploadsLoad {
  database: string
  shops: number
  uploadSeconds: number
  totalSeconds: number
  installsPerMinute: number
  uploadP50: number
  uploadP99: number
  completed: number
  failedOrLost: number
  processedTwice: number
  non200: number
}

export async function benchUploads (): Promise<UploadsLoad> {
  const bench = await startBenchServer('uploads')
  try {
    const shops = Array.from({ length: SHOPS }, (_, i) => `load-${String(i).padStart(3, '0')}.myshopify.com`)
    const latencies: number[] = []
    const jobs = new Map<string, string>()
    let non200 = 0
    const t0 = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < shops.length) {
        const i = next++
        const csv = ordersCsv(pairedOrders({ orders: 20 + (i % 30), names: [`Mug ${i}`, `Spoon ${i}`, `Tray ${i}`] }))
        const res = await upload(bench.url, asShop(shops[i]), csv)
        latencies.push(res.ms)
        if (res.status === 200) jobs.set(shops[i], res.body.job_id)
        else non200++
      }
    }))
    const uploadSeconds = (performance.now() - t0) / 1000
    const ends = await Promise.all([...jobs].map(async ([shop, jobId]) => await waitForTerminal(bench.url, asShop(shop), jobId, 600_000, 250)))
    const totalSeconds = (performance.now() - t0) / 1000
    const completed = ends.filter((e) => e.status === 'COMPLETED').length
    const completions = new Map<string, number>()
    for (const l of bench.server.logs) if (l.event === 'completed') completions.set(String(l.job_id), (completions.get(String(l.job_id)) ?? 0) + 1)
    return {
      database: bench.database,
      shops: SHOPS,
      uploadSeconds: round(uploadSeconds),
      totalSeconds: round(totalSeconds),
      installsPerMinute: Math.round(completed / totalSeconds * 60),
      uploadP50: round(percentile(latencies, 50)),
      uploadP99: round(percentile(latencies, 99)),
      completed,
      failedOrLost: SHOPS - completed,
      processedTwice: [...completions.values()].filter((n) => n > 1).length,
      non200
    }
  } finally {
    await bench.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchUploads()
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`)
}
