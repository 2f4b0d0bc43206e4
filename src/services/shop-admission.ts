// At most one upload transaction per shop at a time on this instance. The transaction waits on the
// shop's advisory lock (up to DATABASE_LOCK_TIMEOUT_SECONDS) while holding a pooled connection: without
// this gate a burst of uploads for a shop whose lock is stuck took one connection each, the pool ran
// dry, and other shops' requests (and /readyz) failed after the pool's 5 s connection wait, whatever
// the lock timeout. Now the burst waits here, in memory, holding nothing; each waiter still gives up
// (503 busy) once its own lock timeout has passed, so none waits longer than the lock timeout allows.
import { setTimeout as sleep } from 'node:timers/promises'
import { DatabaseBusyError } from '../errors.js'

export interface ShopAdmission {
  /**
   * Runs `fn` once no other upload transaction of `shop` runs on this instance, passing the
   * milliseconds left of `waitMs` (the lock wait still allowed); throws DatabaseBusyError when
   * `waitMs` passes first, or `signal`'s reason when it aborts first (a shutdown interrupting uploads).
   */
  run: <T>(shop: string, waitMs: number, fn: (msLeft: number) => Promise<T>, signal?: AbortSignal) => Promise<T>
  /** Shops with an upload transaction running or waiting here (tests). */
  size: () => number
}

export function shopAdmission (): ShopAdmission {
  const tails = new Map<string, Promise<void>>()
  return {
    async run (shop, waitMs, fn, signal) {
      const deadline = Date.now() + waitMs
      const previous = tails.get(shop) ?? Promise.resolve()
      let release = (): void => {}
      const mine = new Promise<void>(resolve => { release = resolve })
      // The next waiter goes after the one before this one as well, even if this one gives up early.
      const tail = previous.then(async () => await mine)
      tails.set(shop, tail)
      void tail.then(() => { if (tails.get(shop) === tail) tails.delete(shop) })
      try {
        const timer = new AbortController()
        const stop = signal === undefined ? timer.signal : AbortSignal.any([timer.signal, signal])
        const admitted = await Promise.race([
          previous.then(() => true),
          sleep(Math.max(0, deadline - Date.now()), false, { signal: stop }).catch(() => false)
        ])
        timer.abort()
        signal?.throwIfAborted()
        const msLeft = deadline - Date.now()
        if (!admitted || msLeft < 1) throw new DatabaseBusyError()
        return await fn(msLeft)
      } finally {
        release()
      }
    },
    size: () => tails.size
  }
}
