// What the load benchmarks share: a real server process on loopback (embedded PGlite in a temp data
// directory, or a fresh Postgres database when DATABASE_URL is set), generated exports, and figures.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer, type ServerProcess } from '../test/proof/server-process.js'
import { createTempDatabase, postgresUrl } from '../test/proof/postgres.js'

const GEN_SHOP = fileURLToPath(new URL('../../shared/tools/gen-shop.mjs', import.meta.url))

export interface BenchServer {
  server: ServerProcess
  url: string
  database: 'postgres' | 'pglite'
  /** Resident and peak resident memory of the server process, from /proc. */
  memory: () => { rssMB: number, peakMB: number }
  stop: () => Promise<void>
}

export async function startBenchServer (label: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const base = postgresUrl()
  const temp = base !== undefined ? await createTempDatabase(base, `bench_${label}`) : undefined
  const dataDir = temp === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), `bundle-api-bench-${label}-`)) : undefined
  const server = await startServer(label, {
    ...(temp !== undefined ? { DATABASE_URL: temp.url } : { DATA_DIR: dataDir as string }),
    LOG_LEVEL: 'info',
    UPLOAD_RATE_LIMIT_MAX: '100000',
    ...env
  }, { readyTimeoutMs: 120_000 })
  const pid = server.child.pid as number
  return {
    server,
    url: server.url,
    database: temp !== undefined ? 'postgres' : 'pglite',
    memory () {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
      return { rssMB: Math.round(kb('VmRSS') / 1024), peakMB: Math.round(kb('VmHWM') / 1024) }
    },
    async stop () {
      await server.kill('SIGTERM')
      if (temp !== undefined) await temp.drop()
      if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** A generated Shopify orders export under /tmp (generated once, then reused). */
export function exportFile (orders: number, seed: number): string {
  const file = path.join(os.tmpdir(), `bundle-api-load-${orders}-${seed}.csv`)
  if (!fs.existsSync(file)) {
    process.stdout.write(`generating ${file} (gen-shop --orders ${orders}) ...\n`)
    execFileSync(process.execPath, [GEN_SHOP, '--orders', String(orders), '--seed', String(seed), '--format', 'shopify-orders', '--out', `${file}.tmp`, '--truth', `${file}.truth.json`])
    fs.renameSync(`${file}.tmp`, file)
  }
  return file
}

export function lineCount (file: string): number {
  return Number(execFileSync('wc', ['-l', file]).toString().trim().split(/\s+/)[0])
}

export const mb = (bytes: number): number => Math.round(bytes / 1048576)
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits
