// npm run bench:load: the load benchmarks of issue 5 and issue 2's idle latency, against real server
// processes on loopback, one after another, each with its own database; figures in bench/load-results.md.
//   npm run bench:load                                  (embedded PGlite)
//   DATABASE_URL=postgres://... npm run bench:load      (Postgres)
//   npm run bench:load -- status|uploads|memory|latency (one of them)
import fs from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { benchStatus, statusTable } from './load-status.js'
import { benchUploads } from './load-uploads.js'
import { benchMemory } from './load-memory.js'
import { benchLatency, latencyTable } from './load-latency.js'

const RESULTS = fileURLToPath(new URL('./load-results.md', import.meta.url))
const only = process.argv[2]
const sections: string[] = []
const load = os.loadavg().map((x) => x.toFixed(1)).join(' ')

if (only === undefined || only === 'status') {
  const r = await benchStatus()
  sections.push(`### Status endpoint under load (${r.database})\n\n50 clients on GET /api/bundles/quick-install/status while a ${r.lines}-line (${r.megabytes} MB) export is processed, against the idle service in the same run. Target: p99 < 50 ms, no errors.\n\n${statusTable(r)}\n\nUploads of the export took ${r.uploadSeconds.join(' s and ')} s; server peak RSS ${r.peakRssMB} MB.`)
  process.stdout.write(`${sections.at(-1) as string}\n\n`)
}
if (only === undefined || only === 'uploads') {
  const r = await benchUploads()
  sections.push(`### 200 shops uploading small files (${r.database})\n\n| uploads sent in | all completed in | installs/min | upload p50 ms | upload p99 ms | completed | lost/failed | processed twice | non-200 |\n|---|---|---|---|---|---|---|---|---|\n| ${r.uploadSeconds} s | ${r.totalSeconds} s | **${r.installsPerMinute}** | ${r.uploadP50} | **${r.uploadP99}** | ${r.completed} | ${r.failedOrLost} | ${r.processedTwice} | ${r.non200} |`)
  process.stdout.write(`${sections.at(-1) as string}\n\n`)
}
if (only === undefined || only === 'memory') {
  const r = await benchMemory()
  sections.push(`### Several large uploads at once (${r.database})\n\n| uploads | MB each | MB in flight | server RSS idle | server peak RSS | most queued at once | uploads stored in | all completed in | completed |\n|---|---|---|---|---|---|---|---|---|\n| ${r.uploads} | ${r.megabytesEach} | ${r.megabytesTotal} | ${r.idleRssMB} MB | **${r.peakRssMB} MB** | ${r.maxQueuedAtOnce} | ${r.uploadSeconds} s | ${r.totalSeconds} s | ${r.completed}/${r.uploads} |`)
  process.stdout.write(`${sections.at(-1) as string}\n\n`)
}

if (only === undefined || only === 'latency') {
  const r = await benchLatency()
  sections.push(`### A small upload on an idle server (${r.database})\n\nTarget (issue 2, the design's test): picked up within 0.5 s and COMPLETED within 2 s of the upload. Peer: the bare engine on the same bytes in the same run.\n\n${latencyTable(r)}`)
  process.stdout.write(`${sections.at(-1) as string}\n\n`)
}

const header = `## Load benchmarks (${new Date().toISOString()}, ${os.cpus().length} CPUs, load average before: ${load})\n\nThe client runs on the same machine as the server (loopback), so both share the CPUs.\n`
fs.appendFileSync(RESULTS, `${header}\n${sections.join('\n\n')}\n\n`)
process.stdout.write(`appended to ${RESULTS}\n`)
