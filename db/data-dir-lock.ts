// PGlite has no server: two processes on one data directory corrupt it. A lock file names its holder
// (host name and pid) and the holder refreshes its mtime every few seconds (the heartbeat). A pid alone
// proves nothing across containers sharing a volume (each runs node as PID 1), so another host's lock
// is stale only once its heartbeat is old; this host's, as soon as its pid is dead (or its heartbeat
// very old: the pid was reused). A lock is created whole and only when none exists (link), and only a
// process holding the takeover guard removes a stale one, so two processes never hold it at once.
import crypto from 'node:crypto'
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
  /**
   * A lock written on this host whose pid is alive is still stale once its heartbeat is this old
   * (default 2 min, 24 heartbeats): the pid was reused by an unrelated process after a crash.
   */
  sameHostStaleMs?: number
}

const HEARTBEAT_MS = 5_000
const STALE_MS = 30_000
const SAME_HOST_STALE_MS = 120_000
/** A takeover guard older than this was left by a process that died mid-takeover (a takeover takes milliseconds). */
const GUARD_STALE_MS = 10_000
/** How long lockDataDir waits for another process's takeover to finish. */
const GUARD_WAIT_MS = 2_000

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
function liveHolder (holder: Holder | null, heartbeatAgeMs: number, staleMs: number, sameHostStaleMs: number): string | null {
  if (holder === null) return null // garbage: no process wrote it as a lock (a lock file is written whole, see below)
  // A bare pid (the old format) is taken as this host's, as it always was.
  if (holder.host === undefined || holder.host === os.hostname()) {
    // Our own pid on our own host is an earlier incarnation of this process (a restarted container).
    if (holder.pid === process.pid || !processAlive(holder.pid)) return null
    // A live pid keeps its lock through a stalled event loop (no heartbeat for a while), but not for
    // ever: a holder refreshes the mtime every few seconds, so one this old is a dead holder whose pid
    // now belongs to an unrelated process (after a crash and a reboot, or in a container's PID space).
    if (heartbeatAgeMs > sameHostStaleMs) return null
    return `pid ${holder.pid}`
  }
  // Another host's pid cannot be checked from here: only its heartbeat tells.
  if (heartbeatAgeMs > staleMs) return null
  return `pid ${holder.pid} on ${holder.host}, last heartbeat ${Math.max(0, Math.round(heartbeatAgeMs / 1000))} s ago`
}

/** Sleeps the thread (lockDataDir is synchronous: it runs before the database opens). */
function pause (ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Creates `file` holding `content`, whole, only if no file is there (link is atomic and never replaces). */
function createExclusive (file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`
  fs.writeFileSync(tmp, content)
  try {
    fs.linkSync(tmp, file)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err
  } finally {
    fs.rmSync(tmp, { force: true })
  }
  // A file system without hard links: exclusive create, then write (a reader may briefly see it empty).
  try {
    fs.writeFileSync(file, content, { flag: 'wx' })
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

interface LockState { text: string, ino: number, mtimeMs: number }

function readLock (file: string): LockState | null {
  try {
    const stat = fs.statSync(file)
    return { text: fs.readFileSync(file, 'utf8').trim(), ino: stat.ino, mtimeMs: stat.mtimeMs }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/**
 * The takeover guard: one process at a time may remove a stale lock. Without it two processes could
 * each judge the same lock stale, and the second would delete the lock the first had just created.
 * Returns its release, or null while another process's takeover runs.
 */
function takeGuard (guard: string): (() => void) | null {
  if (createExclusive(guard, String(process.pid))) return () => { fs.rmSync(guard, { force: true }) }
  let stat: fs.Stats
  try { stat = fs.statSync(guard) } catch { return null } // just released: try again
  if (Date.now() - stat.mtimeMs <= GUARD_STALE_MS) return null
  // Left by a process that died mid-takeover. Move it aside and check it was that very file (its
  // inode), so a guard another process has just taken is put back rather than removed.
  const aside = `${guard}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.stale`
  try { fs.renameSync(guard, aside) } catch { return null }
  if (fs.statSync(aside).ino !== stat.ino) {
    try { fs.linkSync(aside, guard) } catch {}
  }
  fs.rmSync(aside, { force: true })
  return null // try again from the start
}

export function lockDataDir (dataDir: string, options: LockOptions = {}): DataDirLock {
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS
  const staleMs = options.staleMs ?? STALE_MS
  const sameHostStaleMs = options.sameHostStaleMs ?? SAME_HOST_STALE_MS
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'bundle-api.lock')
  const guard = `${file}.takeover`
  const content = JSON.stringify({ host: os.hostname(), pid: process.pid })
  const deadline = Date.now() + GUARD_WAIT_MS
  for (;;) {
    // The one way to the lock: create the file when none is there. Only a stale lock is ever removed.
    if (createExclusive(file, content)) return holdLock(file, content, heartbeatMs)
    const seen = readLock(file)
    if (seen === null) continue // released meanwhile: try again
    const live = liveHolder(parseHolder(seen.text), Date.now() - seen.mtimeMs, staleMs, sameHostStaleMs)
    if (live !== null) {
      throw new DataDirLockedError(`The embedded database in ${path.resolve(dataDir)} is in use by another process (${live}). ` +
        'Stop that process, use another DATA_DIR, or set DATABASE_URL to share a Postgres database between processes.')
    }
    // Stale (a dead holder, a stopped heartbeat, or garbage): take it over, under the guard.
    const releaseGuard = takeGuard(guard)
    if (releaseGuard === null) {
      if (Date.now() > deadline) throw new DataDirLockedError(`Could not take the lock file ${file}: another process kept its takeover guard ${guard}`)
      pause(5)
      continue
    }
    try {
      // Still the very file judged stale (nobody else removes a lock without the guard, and nobody
      // creates one while it exists)? Then remove it and create ours.
      const now = readLock(file)
      if (now !== null && now.ino === seen.ino && now.text === seen.text) fs.rmSync(file, { force: true })
      if (createExclusive(file, content)) return holdLock(file, content, heartbeatMs)
    } finally {
      releaseGuard()
    }
    // Someone else's lock is there now: judge it from the start.
  }
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
