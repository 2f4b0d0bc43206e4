// The real server as a child process (src/server.ts through tsx), for what only a process shows:
// listening, HTTP/2, signals, start-up refusals.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { projectRoot } from '../../db/project-root.js'

export interface ServerProcess {
  child: ChildProcess
  port: number
  output: () => string
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>
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

/** Starts the server; waits for its "listening" line. Only variables given here reach it. */
export async function spawnServer (env: Record<string, string>, options: { waitForListening?: boolean } = {}): Promise<ServerProcess> {
  // A free port can be taken by another process between our probe and the child's listen: retry then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(env, options)
    } catch (err) {
      if (attempt >= 3 || env.PORT !== undefined || !/EADDRINUSE/.test((err as Error).message)) throw err
    }
  }
}

async function spawnOnce (env: Record<string, string>, options: { waitForListening?: boolean }): Promise<ServerProcess> {
  const port = env.PORT !== undefined ? Number(env.PORT) : await freePort()
  let output = ''
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot(), 'src', 'server.ts')], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | string>(resolve => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      output += data.toString()
      if (output.includes('bundle-api listening')) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    void exited.then(code => reject(new Error(`server exited (${code}) before listening:\n${output}`)))
  })
  if (options.waitForListening !== false) await listening
  else listening.catch(() => {})
  return { child, port, output: () => output, exited }
}
