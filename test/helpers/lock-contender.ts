// A process contending for a data directory's lock (test/service/data-dir-lock.test.ts): prints
// "ready", waits for "go" on stdin, tries lockDataDir once, prints "locked" or "refused", and holds
// what it got until stdin closes, so every contender has tried before anyone lets go.
import readline from 'node:readline'
import { lockDataDir } from '../../db/data-dir-lock.js'

const dir = process.argv[2] as string
const lines = readline.createInterface({ input: process.stdin })
process.stdout.write('ready\n')
let lock: { release: () => void } | undefined
lines.on('line', (line) => {
  if (line !== 'go') return
  try {
    lock = lockDataDir(dir)
    process.stdout.write('locked\n')
  } catch (err) {
    process.stdout.write(`refused ${(err as Error).name}\n`)
  }
})
lines.on('close', () => { lock?.release() })
