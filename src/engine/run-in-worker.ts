// Runs the engine in a worker thread so the HTTP server's event loop stays free while a large
// file is parsed and mined. The source is streamed to the worker in copied, transferred chunks
// with at most MAX_IN_FLIGHT unconsumed at a time (backpressure: a slow worker slows the reader
// instead of filling memory). Engine input errors cross back with their code and details.
import { Worker } from 'node:worker_threads'
import { EngineInputError } from './errors.js'
import type { EngineInputErrorCode } from './errors.js'
import type { EngineOptions, EngineResult } from './types.js'

export const MAX_IN_FLIGHT = 4

/**
 * Input the thread reads itself: `module` (a file URL) exports `openThreadSource(input)`, an async
 * iterable of the file's bytes, run inside the engine thread. Reading there (from a database, say)
 * keeps even the I/O of a large file off the HTTP thread; `input` must be structured-cloneable.
 */
export interface ThreadSource { module: string, input: unknown }

export interface EngineThreadData { options: EngineOptions, source?: ThreadSource }

// Messages between this thread and engine-thread.ts.
export type ToThread =
  | { type: 'chunk', chunk: ArrayBuffer }
  | { type: 'end' }
  | { type: 'fail', name: string, message: string }

export interface ThreadError {
  name: string
  message: string
  code?: string
  details?: Record<string, unknown>
}

export type FromThread =
  | { type: 'ack' }
  | { type: 'result', result: EngineResult }
  | { type: 'error', error: ThreadError }

// Compiled, the sources are .js and the worker starts from engine-thread.js. Under tsx they are
// .ts, and a worker does not get tsx's loader in time from the inherited --import (the hook
// registers asynchronously after the entry is resolved; tsx issue #354), so a two-line bootstrap
// registers tsx in the worker first and then imports engine-thread.ts.
const RUNNING_TS = import.meta.url.endsWith('.ts')

/** The module `name` beside `base` (an import.meta.url): .ts under tsx, .js compiled, as `base` is. */
export function siblingModule (base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base)
}

const THREAD_ENTRY = siblingModule(import.meta.url, 'engine-thread')

function startThread (workerData: EngineThreadData): Worker {
  if (!RUNNING_TS) return new Worker(THREAD_ENTRY, { workerData })
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(tsx => { tsx.register(); return import(${JSON.stringify(THREAD_ENTRY.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData })
}

const isThreadSource = (source: AsyncIterable<Uint8Array> | ThreadSource): source is ThreadSource =>
  typeof (source as ThreadSource).module === 'string'

let liveThreads = 0

/** Engine worker threads currently alive (for tests and metrics). */
export function engineThreadsAlive (): number {
  return liveThreads
}

/** Runs the engine on `source`: bytes streamed from this thread, or a ThreadSource the thread reads. */
export async function runEngineInWorker (source: AsyncIterable<Uint8Array> | ThreadSource, options: EngineOptions = {}, signal?: AbortSignal): Promise<EngineResult> {
  signal?.throwIfAborted()
  const threadReads = isThreadSource(source)
  const worker = startThread(threadReads ? { options, source } : { options })
  liveThreads++
  let settled = false
  let inFlight = 0
  let release: (() => void) | null = null

  // Every outcome is settled from the 'exit' event, so no thread outlives the call.
  let ending: (() => void) | null = null
  const outcome = new Promise<EngineResult>((resolve, reject) => {
    const end = (fn: () => void): void => {
      if (ending || settled) return
      ending = fn
      release?.()
      void worker.terminate()
    }
    const onAbort = (): void => {
      end(() => reject(signal?.reason ?? new DOMException('The engine run was aborted', 'AbortError')))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (message: FromThread) => {
      if (ending) return
      if (message.type === 'ack') {
        inFlight--
        release?.()
      } else if (message.type === 'result') {
        end(() => resolve(message.result))
      } else {
        end(() => reject(rebuildError(message.error)))
      }
    })
    worker.on('error', err => end(() => reject(err)))
    worker.on('exit', code => {
      liveThreads--
      settled = true
      signal?.removeEventListener('abort', onAbort)
      release?.()
      if (ending) ending()
      else reject(new Error(`engine worker exited with code ${code} before finishing`))
    })
  })

  const stopped = (): boolean => settled || ending !== null
  const feed = async (): Promise<void> => {
    try {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        while (inFlight >= MAX_IN_FLIGHT && !stopped()) await new Promise<void>(resolve => { release = resolve })
        release = null
        if (stopped()) return
        // Copy: the caller's buffer may be pooled or reused, and transferring would detach it.
        const copy = new Uint8Array(chunk.byteLength)
        copy.set(chunk)
        inFlight++
        worker.postMessage({ type: 'chunk', chunk: copy.buffer } satisfies ToThread, [copy.buffer])
      }
      if (!stopped()) worker.postMessage({ type: 'end' } satisfies ToThread)
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      if (!stopped()) worker.postMessage({ type: 'fail', name: e.name, message: e.message } satisfies ToThread)
    }
  }
  if (!threadReads) void feed()
  return outcome
}

function rebuildError (error: ThreadError): Error {
  if (error.name === 'EngineInputError' && error.code) {
    return new EngineInputError(error.code as EngineInputErrorCode, error.message, error.details ?? {})
  }
  const err = new Error(error.message)
  err.name = error.name
  return err
}
