// Worker-thread entry for runEngineInWorker: receives the file as transferred chunks (or reads it
// itself from a ThreadSource module), runs the engine, posts the result (or the error's name, code,
// message and details) back.
//
// Protocol (main → worker): { type: 'chunk', chunk: ArrayBuffer } then { type: 'end' }, or
// { type: 'fail', name, message } when the main thread's source broke (its name survives the crossing). Worker → main: { type: 'ack' }
// once a chunk has been consumed (the main thread keeps a bounded number in flight), then
// { type: 'result', result } or { type: 'error', error }.
import os from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { runEngine } from './run.js'
import type { EngineThreadData, ThreadError, ToThread } from './run-in-worker.js'

/** Nice value for the engine thread (0 = normal, 19 = lowest); CFS then weighs it about 1:10 against requests. */
const ENGINE_THREAD_NICE = 10

const port = parentPort
if (!port) throw new Error('engine-thread.ts must run in a worker thread')

// The engine is CPU-bound background work; the HTTP thread beside it must keep answering. On Linux
// setpriority(PRIO_PROCESS, 0) applies to the calling thread only, so this lowers just this thread:
// when CPUs are scarce the scheduler serves requests first, and the engine still gets every idle cycle.
try { os.setPriority(0, ENGINE_THREAD_NICE) } catch { /* not permitted or not supported: run at normal priority */ }

const queue: ToThread[] = []
let wake: (() => void) | null = null
port.on('message', (message: ToThread) => {
  queue.push(message)
  wake?.()
})

async function * chunks (): AsyncGenerator<Uint8Array> {
  for (;;) {
    while (queue.length === 0) await new Promise<void>(resolve => { wake = resolve })
    wake = null
    const message = queue.shift() as ToThread
    if (message.type === 'end') return
    if (message.type === 'fail') throw Object.assign(new Error(message.message), { name: message.name })
    port?.postMessage({ type: 'ack' })
    yield new Uint8Array(message.chunk)
  }
}

/** The bytes from the thread's own source module, when it was given one. */
async function * ownSource (module: string, input: unknown): AsyncGenerator<Uint8Array> {
  const { openThreadSource } = await import(module) as { openThreadSource: (input: unknown) => AsyncIterable<Uint8Array> }
  yield * openThreadSource(input)
}

try {
  const data = workerData as EngineThreadData
  const source = data.source === undefined ? chunks() : ownSource(data.source.module, data.source.input)
  const result = await runEngine(source, data.options)
  port.postMessage({ type: 'result', result })
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err))
  const error: ThreadError = {
    name: e.name,
    message: e.message,
    code: (e as { code?: unknown }).code as string | undefined,
    details: (e as { details?: unknown }).details as Record<string, unknown> | undefined
  }
  port.postMessage({ type: 'error', error })
}
