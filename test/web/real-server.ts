// Starts the real service as a child process (tsx on the sources) on a database of its own (a fresh
// PGlite data directory, or a fresh Postgres database when the suite runs with DATABASE_URL) for the
// browser tests, and stops it. Settings go through the environment only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestDatabase } from '../helpers/database.js'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

export interface RealServer {
  url: string
  database: 'pglite' | 'postgres'
  logFile: string
  stop: () => Promise<void>
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => { resolve(port) })
    })
  })
}

function tail (file: string, lines = 30): string {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') } catch { return '(no log)' }
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
  const port = await freePort()
  const db = await createTestDatabase()
  fs.mkdirSync(logDir, { recursive: true })
  const logFile = path.join(logDir, `server-${name}.log`)
  const log = fs.openSync(logFile, 'w')
  const childEnv: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) childEnv[k] = v
  delete childEnv.DATABASE_URL
  delete childEnv.DATA_DIR
  Object.assign(childEnv, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }, db.env, env)
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot, env: childEnv, stdio: ['ignore', log, log]
  })
  const exited = new Promise<number | null>(resolve => { child.once('exit', code => { resolve(code) }) })
  let running = true
  void exited.then(() => { running = false })

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  for (;;) {
    if (!running) {
      await db.drop()
      throw new Error(`the server exited during start-up; its log:\n${tail(logFile)}`)
    }
    try {
      const res = await fetch(`${url}/readyz`)
      if (res.ok) break
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      await db.drop()
      throw new Error(`the server was not ready within 90 s; its log:\n${tail(logFile)}`)
    }
    await new Promise(resolve => setTimeout(resolve, 250)) // start-up has no event to wait on from outside
  }

  return {
    url,
    database: db.kind,
    logFile,
    async stop () {
      if (running) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => { child.kill('SIGKILL') }, 15_000)
        await exited
        clearTimeout(timer)
      }
      fs.closeSync(log)
      await db.drop()
    }
  }
}
