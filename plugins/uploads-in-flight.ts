// Uploads still arriving. Shutting down, the server gives requests in flight SHUTDOWN_TIMEOUT_SECONDS
// and then cuts their connections (src/server.ts); an upload is first interrupted so that it answers
// 503 "send it again" and deletes the bytes it staged. Closing waits for that before the database closes.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { setMaxListeners, type EventEmitter } from 'node:events'
import type { Duplex, Writable } from 'node:stream'
import { UploadInterruptedError } from '../src/errors.js'
import { settleBefore } from '../src/services/settle-before.js'

export interface UploadsInFlight {
  /** Runs one upload; its signal aborts (with UploadInterruptedError) when uploads are interrupted. */
  run: <T>(request: FastifyRequest, reply: FastifyReply, upload: (signal: AbortSignal) => Promise<T>) => Promise<T>
  /**
   * Interrupts every upload in flight and waits, until `deadline` (ms since the epoch) at the latest,
   * for each to clean up and write its answer. Resolves with how many there were.
   */
  interrupt: (deadline: number) => Promise<number>
  /**
   * Waits, until `deadline` at the latest, for the clients of interrupted uploads to be done with their
   * request (stopped sending, or sent the rest): a connection cut while its client is still sending can
   * be reset before the 503 reaches it.
   */
  released: (deadline: number) => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    uploadsInFlight: UploadsInFlight
  }
}

/** Closing without the server's interruption (tests, a failed start): how long uploads get to clean up. */
const CLEANUP_ON_CLOSE_MS = 1000

interface Upload {
  /** The work settled (its staged bytes deleted if it failed) and the answer written. */
  answered: Promise<unknown>
  /** The request is over: its body arrived whole, or its connection (HTTP/2: stream) closed. */
  released: Promise<unknown>
}

/** Resolves at the first of the events; then removes its listeners from every emitter. */
function firstOf (events: Array<[EventEmitter, string]>): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      for (const [emitter, event] of events) emitter.off(event, done)
      resolve()
    }
    for (const [emitter, event] of events) emitter.once(event, done)
  })
}

function written (reply: FastifyReply): Promise<void> {
  // HTTP/2's compat response emits 'finish' only when the whole stream closes, which a client still
  // sending does not do; its stream's writable side finishes once the answer is written.
  const raw = reply.raw as typeof reply.raw & { stream?: Writable }
  const target: Writable = raw.stream ?? raw
  return firstOf([[target, 'finish'], [raw, 'close']])
}

function released (request: FastifyRequest): Promise<void> {
  // Once its answer is written, an HTTP/1 request is detached from its socket and no longer sees it
  // close: watch the socket itself (HTTP/2: the stream). The socket outlives the request on a
  // keep-alive connection, so its listener must go as soon as the request is over: one left per
  // upload piled up on a connection that sends many.
  const raw = request.raw as typeof request.raw & { stream?: Duplex }
  const transport: Duplex | undefined = raw.stream ?? raw.socket ?? undefined
  if (raw.complete || transport === undefined || transport.destroyed) return Promise.resolve()
  return firstOf([[raw, 'end'], [transport, 'close']])
}

/** settleBefore over a fixed list: each promise leaves the set as it settles. */
async function allBefore (promises: Array<Promise<unknown>>, deadline: number): Promise<void> {
  const pending = new Set(promises)
  for (const p of promises) void p.then(() => pending.delete(p))
  await settleBefore(pending, deadline)
}

export default fp(async function uploadsInFlightPlugin (app: FastifyInstance) {
  const interruption = new AbortController()
  // Every upload staging right now listens on this one signal: 50 at once is load, not a leak.
  setMaxListeners(0, interruption.signal)
  const inFlight = new Set<Upload>()
  let interrupted: Upload[] = []
  const uploads: UploadsInFlight = {
    async run (request, reply, upload) {
      const work = upload(interruption.signal)
      const entry: Upload = { answered: Promise.allSettled([work, written(reply)]), released: released(request) }
      inFlight.add(entry)
      void Promise.all([entry.answered, entry.released]).then(() => inFlight.delete(entry))
      return await work
    },
    async interrupt (deadline) {
      interrupted = [...inFlight]
      if (!interruption.signal.aborted) interruption.abort(new UploadInterruptedError())
      await allBefore(interrupted.map(u => u.answered), deadline)
      return interrupted.length
    },
    async released (deadline) {
      await allBefore(interrupted.map(u => u.released), deadline)
    }
  }
  app.decorate('uploadsInFlight', uploads)
  // Registered after the database plugin, so this runs before it closes the database.
  app.addHook('onClose', async () => { await uploads.interrupt(Date.now() + CLEANUP_ON_CLOSE_MS) })
}, { name: 'uploads-in-flight', dependencies: ['database'], fastify: '5.x' })
