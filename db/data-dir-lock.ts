// PGlite has no server: two processes on one data directory corrupt it. A lock file holding our pid
// refuses a second process; a lock left by a dead process is taken over.
import fs from 'node:fs'
import path from 'node:path'

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
}

export interface DataDirLock { release: () => void }

function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function lockDataDir (dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'bundle-api.lock')
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' })
      let released = false
      return {
        release () {
          if (released) return
          released = true
          try { if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file) } catch {}
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const holder = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10)
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new DataDirLockedError(`The embedded database in ${path.resolve(dataDir)} is in use by another process (pid ${holder}). ` +
        'Stop that process, use another DATA_DIR, or set DATABASE_URL to share a Postgres database between processes.')
    }
    // Stale lock (dead pid, or garbage): take it over.
    try { fs.unlinkSync(file) } catch {}
  }
  throw new DataDirLockedError(`Could not take the lock file ${file}`)
}
