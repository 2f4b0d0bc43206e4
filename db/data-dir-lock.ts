// PGlite has no server: two processes on one data directory corrupt it. A lock file names its holder
// (host name and pid) and the holder refreshes its mtime every few seconds (the heartbeat). A pid alone
// proves nothing across containers sharing a volume (each runs node as PID 1), so another host's lock
// is stale only once its heartbeat is old; this host's, as soon as its pid is dead.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
}

export interface DataDirLock { release: () => void }

export interface LockOptions {
  /** How often the holder refreshes the lock's mtime (default 5 s). */
  heartbeatMs?: number
  /** A lock whose mtime is older than this is a dead holder's, wherever it ran (default 30 s). */
  staleMs?: number
}

const HEARTBEAT_MS = 5_000
const STALE_MS = 30_000

interface Holder { host?: string, pid: number }

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** `{"host","pid"}`, or a bare pid (written by versions before the host was recorded); null if unreadable. */
function parseHolder (text: string): Holder | null {
  try {
    const parsed = JSON.parse(text) as Partial<Holder>
    if (typeof parsed === 'number' && Number.isInteger(parsed) && parsed > 0) return { pid: parsed }
    if (typeof parsed?.host === 'string' && Number.isInteger(parsed.pid) && (parsed.pid as number) > 0) return { host: parsed.host, pid: parsed.pid as number }
  } catch {}
  return null
}

/** Who still holds the lock, or null when it is stale. */
function liveHolder (holder: Holder | null, heartbeatAgeMs: number, staleMs: number): string | null {
  if (holder === null) return null // garbage: no process wrote it as a lock
  // A bare pid (the old format) is taken as this host's, as it always was.
  if (holder.host === undefined || holder.host === os.hostname()) {
    // Our own pid on our own host is an earlier incarnation of this process (a restarted container).
    // Otherwise the pid decides, heartbeat or not: a live holder whose event loop stalled keeps its lock.
    if (holder.pid === process.pid || !processAlive(holder.pid)) return null
    return `pid ${holder.pid}`
  }
  // Another host's pid cannot be checked from here: only its heartbeat tells.
  if (heartbeatAgeMs > staleMs) return null
  return `pid ${holder.pid} on ${holder.host}, last heartbeat ${Math.max(0, Math.round(heartbeatAgeMs / 1000))} s ago`
}

export function lockDataDir (dataDir: string, options: LockOptions = {}): DataDirLock {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS
  const staleMs = options.staleMs ?? STALE_MS
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'bundle-api.lock')
  const content = JSON.stringify({ host: os.hostname(), pid: process.pid })
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx' })
      return holdLock(file, content, heartbeatMs)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    let text: string
    let mtimeMs: number
    try {
      text = fs.readFileSync(file, 'utf8').trim()
      mtimeMs = fs.statSync(file).mtimeMs
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue // released meanwhile: try again
      throw err
    }
    const live = liveHolder(parseHolder(text), Date.now() - mtimeMs, staleMs)
    if (live !== null) {
      throw new DataDirLockedError(`The embedded database in ${path.resolve(dataDir)} is in use by another process (${live}). ` +
        'Stop that process, use another DATA_DIR, or set DATABASE_URL to share a Postgres database between processes.')
    }
    // Stale lock (a dead holder, a stopped heartbeat, or garbage): take it over.
    try { fs.unlinkSync(file) } catch {}
  }
  throw new DataDirLockedError(`Could not take the lock file ${file}`)
}

function holdLock (file: string, content: string, heartbeatMs: number): DataDirLock {
  // Unref'd: the heartbeat never keeps the process alive; a failed touch is retried on the next beat.
  const heartbeat = setInterval(() => {
    const now = new Date()
    fs.utimes(file, now, now, () => {})
  }, heartbeatMs)
  heartbeat.unref()
  let released = false
  return {
    release () {
      if (released) return
      released = true
      clearInterval(heartbeat)
      try { if (fs.readFileSync(file, 'utf8') === content) fs.unlinkSync(file) } catch {}
    }
  }
}
