// Load: GET /api/bundles/quick-install/status from 50 concurrent clients (50 keep-alive connections,
// every latency kept) while a 1,000,000-line export is processed, against the same load on the idle
// service in the same run. Two client behaviours:
//   - closed loop: each client sends its next request as soon as the last one answers (saturation);
//   - pollers: each client polls every 100 ms (20× the page's rate), like a crowd of open pages.
// Target from issue 5: p99 < 50 ms and no errors while the export is processed. Loopback only.
//   npx tsx bench/load-status.ts            (embedded PGlite)
//   DATABASE_URL=postgres://... npx tsx bench/load-status.ts
import fs from 'node:fs'
import { Pool } from 'undici'
import { startBenchServer, exportFile, lineCount, mb, round, type BenchServer } from './load-harness.js'
import { asShop, fileBytes, get, percentile, upload } from '../test/proof/client.js'
import { parsePrometheusText } from '../test/ops/prom-text.js'

/** The server's longest event-loop stall since the last scrape (prom-client resets it per scrape). */
async function eventLoopLagMaxMs (bench: BenchServer): Promise<number> {
  const m = parsePrometheusText(String((await get(bench.url, '/metrics')).body))
  return round((m.value('bundle_api_nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000)
}

const CLIENTS = 50
const POLL_MS = 100
const IDLE_SECONDS = 8
const MAX_SECONDS = 600

type Mode = 'closed-loop' | 'pollers'

export interface LoadWindow { mode: Mode, phase: 'idle' | 'processing', seconds: number, requests: number, errors: number, p50: number, p99: number, max: number, rps: number, eventLoopLagMaxMs: number }

export interface StatusLoad { database: string, lines: number, megabytes: number, uploadSeconds: number[], windows: LoadWindow[], peakRssMB: number }

/** Runs the load until `until()` says stop; returns the latencies' figures. */
async function load (bench: BenchServer, mode: Mode, phase: LoadWindow['phase'], until: (elapsedMs: number, ownerStatus: string | undefined) => boolean, owner: Record<string, string>): Promise<LoadWindow> {
  await eventLoopLagMaxMs(bench)
  const pool = new Pool(bench.url, { connections: CLIENTS, pipelining: 1 })
  const latencies: number[] = []
  let errors = 0
  let stop = false
  const t0 = performance.now()
  const clients = Array.from({ length: CLIENTS }, async (_, i) => {
    const headers = i === 0 ? owner : asShop(`poller-${i}.myshopify.com`)
    let next = performance.now() + (mode === 'pollers' ? Math.random() * POLL_MS : 0)
    while (!stop) {
      if (mode === 'pollers') {
        const wait = next - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        next += POLL_MS
      }
      const t = performance.now()
      try {
        const res = await pool.request({ path: '/api/bundles/quick-install/status', method: 'GET', headers })
        const body = await res.body.json() as { status?: string }
        latencies.push(performance.now() - t)
        if (res.statusCode !== 200) errors++
        if (i === 0 && until(performance.now() - t0, body.status)) stop = true
      } catch {
        errors++
      }
      if (performance.now() - t0 > MAX_SECONDS * 1000) stop = true
    }
  })
  await Promise.all(clients)
  const seconds = (performance.now() - t0) / 1000
  await pool.close()
  return {
    mode,
    phase,
    seconds: round(seconds),
    requests: latencies.length,
    errors,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    // A loop, not Math.max(...latencies): a fast run has more samples than a call can take as arguments.
    max: round(latencies.reduce((a, b) => Math.max(a, b), 0)),
    rps: Math.round(latencies.length / seconds),
    eventLoopLagMaxMs: await eventLoopLagMaxMs(bench)
  }
}

export async function benchStatus (): Promise<StatusLoad> {
  const file = exportFile(465_000, 11)
  const lines = lineCount(file)
  const bench = await startBenchServer('status')
  const windows: LoadWindow[] = []
  const uploadSeconds: number[] = []
  let peakRssMB = 0
  const sampler = setInterval(() => { peakRssMB = Math.max(peakRssMB, bench.memory().rssMB) }, 250)
  try {
    for (const mode of ['closed-loop', 'pollers'] as const) {
      const owner = asShop(`big-store-${mode}.myshopify.com`)
      windows.push(await load(bench, mode, 'idle', (ms) => ms > IDLE_SECONDS * 1000, owner))
      const t0 = performance.now()
      const started = await upload(bench.url, owner, fileBytes(file))
      if (started.status !== 200) throw new Error(`upload failed: ${started.status} ${JSON.stringify(started.body)}`)
      uploadSeconds.push(round((performance.now() - t0) / 1000))
      const window = await load(bench, mode, 'processing', (_ms, status) => status !== 'PROCESSING', owner)
      windows.push(window)
      const final = await get(bench.url, `/api/bundles/status/${started.body.job_id as string}`, owner)
      process.stdout.write(`${mode}: job ended ${final.body.status} (${final.body.processed_count} bundles) after ${window.seconds} s under load\n`)
    }
    return { database: bench.database, lines, megabytes: mb(fs.statSync(file).size), uploadSeconds, windows, peakRssMB: Math.max(peakRssMB, bench.memory().peakMB) }
  } finally {
    clearInterval(sampler)
    await bench.stop()
  }
}

export function statusTable (r: StatusLoad): string {
  const rows = r.windows.map((w) => `| ${r.database} | ${w.mode} | ${w.phase} | ${w.seconds} | ${w.requests} | ${w.rps} | ${w.p50} | **${w.p99}** | ${w.max} | ${w.errors} | ${w.eventLoopLagMaxMs} |`)
  return ['| database | clients | phase | seconds | requests | req/s | p50 ms | p99 ms | max ms | errors | server event-loop stall max ms |', '|---|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchStatus()
  process.stdout.write(`${statusTable(r)}\n${r.lines} lines (${r.megabytes} MB), uploads took ${r.uploadSeconds.join(' s, ')} s; server peak RSS ${r.peakRssMB} MB\n`)
}
