// Starts the real service as a child process (tsx on the sources) on a database of its own (a fresh
// PGlite data directory, or a fresh Postgres database when the suite runs with DATABASE_URL) for the
// browser tests, and stops it. Settings go through the environment only; its output goes to a log file.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase } from '../helpers/database.js'
import { spawnServer, type ServerProcess } from '../helpers/server-process.js'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

export interface RealServer {
  url: string
  database: 'pglite' | 'postgres'
  logFile: string
  stop: () => Promise<void>
}

/** Builds the page when dist/public is missing or older than a file under web/. */
export function ensurePageBuilt (): void {
  const built = path.join(repoRoot, 'dist/public/main.js')
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0
  const sources = fs.readdirSync(path.join(repoRoot, 'web'), { recursive: true, withFileTypes: true })
    .filter(d => d.isFile()).map(d => path.join(d.parentPath, d.name))
  if (builtAt > 0 && sources.every(f => fs.statSync(f).mtimeMs <= builtAt)) return
  const res = spawnSync(process.execPath, [path.join(repoRoot, 'web/build.mjs')], { stdio: 'inherit', cwd: repoRoot })
  if (res.status !== 0) throw new Error('web/build.mjs failed: the page could not be built')
}

export async function startRealServer (name: string, env: Record<string, string>, logDir: string): Promise<RealServer> {
  const db = await createTestDatabase()
  fs.mkdirSync(logDir, { recursive: true })
  const logFile = path.join(logDir, `server-${name}.log`)
  let server: ServerProcess
  try {
    server = await spawnServer({ ...db.env, ...env }, { name, waitFor: 'ready', readyTimeoutMs: 90_000, logFile })
  } catch (err) {
    await db.drop()
    throw err
  }
  return {
    url: server.url,
    database: db.kind,
    logFile,
    async stop () {
      const timer = setTimeout(() => { void server.kill('SIGKILL') }, 15_000)
      await server.kill('SIGTERM')
      clearTimeout(timer)
      await db.drop()
    }
  }
}
