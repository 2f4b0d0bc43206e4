// Polls the quick-install status until it reaches a terminal state. Pure logic: the clock and the
// fetch are injected, so the page uses the browser's and the unit tests use fakes.

export interface Clock {
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export interface PollerOptions<S> {
  /** Fetches one status. Throws on a network error or an unusable answer. */
  fetchStatus: () => Promise<S>
  /** The state name of a status, e.g. "PROCESSING"; compared to spot changes and terminal states. */
  stateOf: (status: S) => string
  /** Every status received, in order. */
  onStatus?: (status: S) => void
  /** Called when the state differs from the last one seen (the first status counts as a change). */
  onStateChange?: (state: string, status: S, previous: string | null) => void
  /** A failed fetch, with the delay before the next try (null when polling stopped because of it). */
  onError?: (error: unknown, retryInMs: number | null) => void
  /** Errors that retrying cannot fix (e.g. 401): polling stops instead of backing off. */
  isFatal?: (error: unknown) => boolean
  terminalStates?: readonly string[]
  intervalMs?: number
  maxBackoffMs?: number
  clock?: Clock
}

export interface Poller {
  /**
   * Starts (or resumes) polling: first fetch at once unless `delayFirst`. `knownState` is the state
   * the caller already shows, so seeing it again is not reported as a change. No-op while running.
   */
  start: (opts?: { delayFirst?: boolean, knownState?: string }) => void
  /** Stops polling; a fetch still in flight is ignored when it returns. */
  stop: () => void
  readonly running: boolean
  /** Consecutive failed fetches since the last success. */
  readonly failures: number
}

export const TERMINAL_STATES = ['COMPLETED', 'FAILED'] as const

/** Delay after `failures` consecutive errors: the interval doubled per failure, capped. */
export function backoffDelay (failures: number, intervalMs: number, maxBackoffMs: number): number {
  if (failures <= 0) return intervalMs
  return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 30))
}

const browserClock: Clock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>)
}

export function createPoller<S> (options: PollerOptions<S>): Poller {
  const intervalMs = options.intervalMs ?? 2000
  const maxBackoffMs = options.maxBackoffMs ?? 30_000
  const terminal = new Set<string>(options.terminalStates ?? TERMINAL_STATES)
  const clock = options.clock ?? browserClock

  let running = false
  let failures = 0
  let lastState: string | null = null
  let timer: unknown = null
  // Bumped on every start and stop, so an answer from an older run is dropped.
  let generation = 0

  function schedule (ms: number, gen: number): void {
    timer = clock.setTimeout(() => { timer = null; void tick(gen) }, ms)
  }

  function halt (): void {
    running = false
    generation++
    if (timer !== null) clock.clearTimeout(timer)
    timer = null
  }

  async function tick (gen: number): Promise<void> {
    let status: S
    try {
      status = await options.fetchStatus()
    } catch (error) {
      if (gen !== generation) return
      failures++
      if (options.isFatal?.(error) === true) {
        halt()
        options.onError?.(error, null)
        return
      }
      const delay = backoffDelay(failures, intervalMs, maxBackoffMs)
      options.onError?.(error, delay)
      schedule(delay, gen)
      return
    }
    if (gen !== generation) return
    failures = 0
    const state = options.stateOf(status)
    const previous = lastState
    lastState = state
    if (terminal.has(state)) halt()
    options.onStatus?.(status)
    if (state !== previous) options.onStateChange?.(state, status, previous)
    if (gen === generation && running) schedule(intervalMs, gen)
  }

  return {
    start (opts = {}) {
      if (running) return
      running = true
      failures = 0
      lastState = opts.knownState ?? null
      const gen = ++generation
      if (opts.delayFirst === true) schedule(intervalMs, gen)
      else void tick(gen)
    },
    stop () {
      if (running) halt()
    },
    get running () { return running },
    get failures () { return failures }
  }
}
