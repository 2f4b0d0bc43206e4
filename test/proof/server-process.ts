// Runs the real server (src/server.ts) as a child process, configured only through its environment,
// so fault tests can SIGKILL or SIGTERM it mid-job and start another on the same database.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { once } from 'node:events'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface ServerProcess {
  name: string
  url: string
  port: number
  child: ChildProcess
  /** Parsed pino lines the process wrote so far. */
  logs: Array<Record<string, unknown>>
  /** Resolves with the exit code/signal. */
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  /** Waits for a log line matching `test` (checks lines already written first). */
  waitForLog: (test: (line: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>
  kill: (signal: NodeJS.Signals) => Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

export async function freePort (): Promise<number> {
  const s = net.createServer()
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  const { port } = s.address() as net.AddressInfo
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

export async function startServer (name: string, env: Record<string, string>, opts: { readyTimeoutMs?: number, waitReady?: boolean } = {}): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const logs: Array<Record<string, unknown>> = []
  const waiters: Array<{ test: (l: Record<string, unknown>) => boolean, resolve: (l: Record<string, unknown>) => void }> = []
  let carry = ''
  const onLine = (line: string) => {
    let parsed: Record<string, unknown>
    try { parsed = JSON.parse(line) } catch { parsed = { msg: line, unparsed: true } }
    parsed.__server = name
    logs.push(parsed)
    for (const w of waiters.slice()) {
      if (w.test(parsed)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(parsed) }
    }
  }
  child.stdout?.on('data', (c: Buffer) => {
    const text = carry + c.toString('utf8')
    const lines = text.split('\n')
    carry = lines.pop() ?? ''
    for (const l of lines) if (l.trim() !== '') onLine(l)
  })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-8000) })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  const url = `http://127.0.0.1:${port}`
  const server: ServerProcess = {
    name,
    url,
    port,
    child,
    logs,
    exited,
    waitForLog: async (test, timeoutMs = 60_000) => {
      const found = logs.find(test)
      if (found !== undefined) return found
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: no matching log line within ${timeoutMs} ms`)), timeoutMs)
        waiters.push({ test, resolve: (l) => { clearTimeout(timer); resolve(l) } })
      })
    },
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return await exited
    }
  }
  if (opts.waitReady !== false) {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000)
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${stderr}\n${logs.map((l) => JSON.stringify(l)).join('\n').slice(-4000)}`)
      try {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })
        if (res.status === 200) break
        await res.body?.cancel()
      } catch {}
      if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${name} not ready within the deadline:\n${stderr}`) }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return server
}
