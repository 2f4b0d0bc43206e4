// Waits for a changing set of promises to settle, or for a deadline: shutdown waits this way for the
// jobs running in this process and for pg-boss's queries in flight.

/**
 * Resolves once `pending` is empty, or at `deadline` (ms since the epoch), whichever comes first.
 * Members may be added while it waits: a settled query's follow-up (the job a fetch returned reaching
 * its handler, a handler's completion write) starts in the microtasks after it, so the set is looked
 * at again only after those have run.
 */
export async function settleBefore (pending: Set<Promise<unknown>>, deadline: number): Promise<void> {
  for (;;) {
    await new Promise<void>(resolve => setImmediate(resolve))
    if (pending.size === 0 || Date.now() >= deadline) return
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>(resolve => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now())) })
    await Promise.race([Promise.allSettled([...pending]), timeout])
    clearTimeout(timer)
  }
}
