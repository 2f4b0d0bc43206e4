// A manual clock for the page's poller tests: timers fire only when the test advances time.
import type { Clock } from '../../web/src/poller.js'

interface Timer { id: number, at: number, fn: () => void }

export class FakeClock implements Clock {
  now = 0
  private timers: Timer[] = []
  private nextId = 1

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++
    this.timers.push({ id, at: this.now + ms, fn })
    return id
  }

  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter(t => t.id !== handle)
  }

  get pending (): number[] { return this.timers.map(t => t.at - this.now).sort((a, b) => a - b) }

  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance (ms: number): Promise<void> {
    const until = this.now + ms
    await flush()
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at)
      const next = this.timers[0]
      if (next === undefined || next.at > until) break
      this.timers.shift()
      this.now = next.at
      next.fn()
      await flush()
    }
    this.now = until
  }
}

/** Lets pending promise callbacks run (the poller awaits the injected fetch). */
export async function flush (): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}
