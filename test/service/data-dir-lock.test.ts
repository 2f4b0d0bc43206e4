// The PGlite data directory's lock under contention. Before, every process that found a stale lock
// unlinked whatever file was there (possibly the lock another process had just taken) and created its
// own: with 6 processes starting on one stale lock, 2 got it in 2 of 5 trials. And a lock of this host
// whose pid had been reused by an unrelated live process was never stale, however old its heartbeat.
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { lockDataDir } from '../../db/data-dir-lock.js'

const CONTENDER = new URL('../helpers/lock-contender.ts', import.meta.url).pathname

/** A pid that is certainly dead: a child that has exited. */
async function deadPid (): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise(resolve => child.once('exit', resolve))
  return child.pid as number
}

/** Starts a contender and resolves once it is ready; `result` resolves with its one line of outcome. */
async function contender (dir: string): Promise<{ child: ChildProcess, result: Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, dir], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]()
  const first = await lines.next()
  if (first.value !== 'ready') throw new Error(`contender did not start: ${String(first.value)}`)
  const result = lines.next().then(r => String(r.value))
  return { child, result }
}

t.test('several processes taking over one stale lock at once: exactly one gets it, every time', async (t) => {
  const TRIALS = 8
  const PROCESSES = 6
  for (let trial = 1; trial <= TRIALS; trial++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-api-lock-race-'))
    t.teardown(() => { fs.rmSync(dir, { recursive: true, force: true }) })
    fs.writeFileSync(path.join(dir, 'bundle-api.lock'), JSON.stringify({ host: os.hostname(), pid: await deadPid() }))
    const contenders = await Promise.all(Array.from({ length: PROCESSES }, async () => await contender(dir)))
    for (const c of contenders) c.child.stdin?.write('go\n')
    const results = await Promise.all(contenders.map(async c => await c.result))
    const exited = contenders.map(async c => await new Promise(resolve => c.child.once('exit', resolve)))
    for (const c of contenders) c.child.stdin?.end()
    await Promise.all(exited)
    t.equal(results.filter(r => r === 'locked').length, 1, `trial ${trial}: one process holds the lock (${results.join(', ')})`)
    t.equal(results.filter(r => r === 'refused DataDirLockedError').length, PROCESSES - 1, `trial ${trial}: the others are refused`)
    t.notOk(fs.existsSync(path.join(dir, 'bundle-api.lock')), `trial ${trial}: the holder released it on exit`)
  }
})

t.test('a lock of this host whose pid is alive: kept while its heartbeat is fresh, stale once it is hours old', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-api-lock-pid-'))
  t.teardown(() => { fs.rmSync(dir, { recursive: true, force: true }) })
  const lockFile = path.join(dir, 'bundle-api.lock')
  // The parent process (tap) is alive and unrelated to any lock: a reused pid.
  const reused = { host: os.hostname(), pid: process.ppid }
  fs.writeFileSync(lockFile, JSON.stringify(reused))
  t.throws(() => lockDataDir(dir), new RegExp(`in use by another process \\(pid ${process.ppid}\\)`), 'a fresh heartbeat: the live pid keeps it')
  const fiveMinutesAgo = new Date(Date.now() - 5 * 60_000)
  fs.utimesSync(lockFile, fiveMinutesAgo, fiveMinutesAgo)
  const lock = lockDataDir(dir)
  t.same(JSON.parse(fs.readFileSync(lockFile, 'utf8')), { host: os.hostname(), pid: process.pid }, 'a heartbeat 5 minutes old: taken over despite the live pid')
  lock.release()

  fs.writeFileSync(lockFile, JSON.stringify(reused))
  const ninetySecondsAgo = new Date(Date.now() - 90_000)
  fs.utimesSync(lockFile, ninetySecondsAgo, ninetySecondsAgo)
  t.throws(() => lockDataDir(dir), /in use by another process/, 'a live pid whose event loop stalled 90 s keeps it (the limit is 2 minutes)')
})
