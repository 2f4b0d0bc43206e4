// Uploads still arriving. Shutting down, the server gives requests in flight SHUTDOWN_TIMEOUT_SECONDS
// and then cuts their connections (src/server.ts); an upload is first interrupted so that it answers
// 503 "send it again" and deletes the bytes it staged. Closing waits for that before the database closes.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Writable } from 'node:stream'
import { UploadInterruptedError } from '../src/errors.js'
import { settleBefore } from '../src/services/settle-before.js'

export interface UploadsInFlight {
  /** Runs one upload; its signal aborts (with UploadInterruptedError) when uploads are interrupted. */
  run: <T>(reply: FastifyReply, upload: (signal: AbortSignal) => Promise<T>) => Promise<T>
  /**
   * Interrupts every upload in flight and waits until each has cleaned up and its answer is written
   * (or its connection is gone), or until `deadline` (ms since the epoch). Resolves with how many there were.
   */
  interrupt: (deadline: number) => Promise<number>
}

declare module 'fastify' {
  interface FastifyInstance {
    uploadsInFlight: UploadsInFlight
  }
}

/** Closing without the server's interruption (tests, a failed start): how long uploads get to clean up. */
const CLEANUP_ON_CLOSE_MS = 1000

export default fp(async function uploadsInFlightPlugin (app: FastifyInstance) {
  const interruption = new AbortController()
  const pending = new Set<Promise<unknown>>()
  const uploads: UploadsInFlight = {
    async run (reply, upload) {
      const answered = new Promise<void>(resolve => {
        // HTTP/2's compat response emits 'finish' only when the whole stream closes, which a client still
        // sending does not do; its stream's writable side finishes once the answer is written.
        const raw = reply.raw as typeof reply.raw & { stream?: Writable }
        const written: Writable = raw.stream ?? raw
        written.once('finish', resolve)
        raw.once('close', resolve)
      })
      const work = upload(interruption.signal)
      const done = Promise.allSettled([work, answered])
      pending.add(done)
      void done.then(() => pending.delete(done))
      return await work
    },
    async interrupt (deadline) {
      const count = pending.size
      if (!interruption.signal.aborted) interruption.abort(new UploadInterruptedError())
      await settleBefore(pending, deadline)
      return count
    }
  }
  app.decorate('uploadsInFlight', uploads)
  // Registered after the database plugin, so this runs before it closes the database.
  app.addHook('onClose', async () => { await uploads.interrupt(Date.now() + CLEANUP_ON_CLOSE_MS) })
}, { name: 'uploads-in-flight', dependencies: ['database'], fastify: '5.x' })
