// The real server as a child process (src/server.ts through tsx) on a free loopback port, for what only
// a process shows: listening, HTTP/2, signals, start-up refusals, crashes mid-job, browsers.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { projectRoot } from '../../db/project-root.js'

type LogLine = Record<string, unknown>
export interface Exit { code: number | null, signal: NodeJS.Signals | null }

export interface ServerProcess {
  name: string
  url: string
  port: number
  child: ChildProcess
  /** Everything the process wrote so far (stdout and stderr), raw. */
  output: () => string
  /** Parsed pino lines from stdout so far; a line that is not JSON becomes `{ msg, unparsed: true }`. */
  logs: LogLine[]
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>
  /** Waits for a log line matching `test` (checks lines already written first). */
  waitForLog: (test: (line: LogLine) => boolean, timeoutMs?: number) => Promise<LogLine>
  /** Sends `signal` unless the process has exited already; resolves when it has. */
  kill: (signal: NodeJS.Signals) => Promise<Exit>
}

export interface SpawnOptions {
  /** Names the process in errors and in each log line's `__server`. */
  name?: string
  /** 'listening': its "listening" line; 'ready': GET /readyz answers 200; 'nothing': return at once. */
  waitFor?: 'listening' | 'ready' | 'nothing'
  readyTimeoutMs?: number
  /** Also writes the raw output to this file. */
  logFile?: string
}

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** Starts the server and waits as `options.waitFor` says (default: its "listening" line). Only variables given here reach it. */
export async function spawnServer (env: Record<string, string>, options: SpawnOptions = {}): Promise<ServerProcess> {
  // A free port can be taken by another process between our probe and the child's listen: retry then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(env, options)
    } catch (err) {
      if (attempt >= 3 || env.PORT !== undefined || !/EADDRINUSE/.test((err as Error).message)) throw err
    }
  }
}

async function spawnOnce (env: Record<string, string>, options: SpawnOptions): Promise<ServerProcess> {
  const name = options.name ?? 'server'
  const port = env.PORT !== undefined ? Number(env.PORT) : await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'src', 'server.ts')], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exit = new Promise<Exit>(resolve => child.on('exit', (code, signal) => resolve({ code, signal })))
  const exited = exit.then(({ code, signal }) => code ?? signal ?? -1)
  const file = options.logFile !== undefined ? fs.createWriteStream(options.logFile) : undefined
  child.on('close', () => file?.end()) // after the last output, which can follow 'exit'

  let output = ''
  const logs: LogLine[] = []
  const waiters: Array<{ test: (l: LogLine) => boolean, resolve: (l: LogLine) => void }> = []
  const onLine = (line: string): void => {
    let parsed: LogLine
    try { parsed = JSON.parse(line) } catch { parsed = { msg: line, unparsed: true } }
    parsed.__server = name
    logs.push(parsed)
    for (const w of waiters.slice()) {
      if (w.test(parsed)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(parsed) }
    }
  }
  let carry = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (carry + chunk.toString('utf8')).split('\n')
    carry = lines.pop() ?? ''
    for (const l of lines) if (l.trim() !== '') onLine(l)
  })
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); file?.write(chunk) })
  }

  const url = `http://127.0.0.1:${port}`
  const server: ServerProcess = {
    name,
    url,
    port,
    child,
    output: () => output,
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
      return await exit
    }
  }

  const waitFor = options.waitFor ?? 'listening'
  if (waitFor === 'listening') {
    await new Promise<void>((resolve, reject) => {
      const onData = (): void => { if (output.includes('bundle-api listening')) resolve() }
      onData()
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      void exited.then(code => reject(new Error(`${name} exited (${code}) before listening:\n${output}`)))
    })
  } else if (waitFor === 'ready') {
    await waitUntilReady(server, options.readyTimeoutMs ?? 60_000)
  }
  return server
}

async function waitUntilReady (server: ServerProcess, timeoutMs: number): Promise<void> {
  const { child, name } = server
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${await server.exited}) before it was ready:\n${server.output().slice(-8000)}`)
    }
    try {
      const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
      await res.body?.cancel()
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.kill('SIGKILL')
      throw new Error(`${name} not ready within ${timeoutMs} ms:\n${server.output().slice(-8000)}`)
    }
    await new Promise(resolve => setTimeout(resolve, 100)) // start-up has no event to wait on from outside
  }
}
