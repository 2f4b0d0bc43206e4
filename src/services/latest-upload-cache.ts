// The latest upload per shop, as GET /api/bundles/quick-install/status needs it, kept in memory so
// that a crowd of polling pages does not cost a database round trip each. Correct across instances
// because every change to csv_uploads is announced (NOTIFY csv_uploads_changed, sent by a trigger at
// commit) and drops that shop's entry here; while that announcement channel is down nothing is cached
// (so a database outage still answers 503), and `maxAgeMs` bounds the age of any entry regardless.
import { EventEmitter } from 'node:events'

export interface LatestUploadCacheOptions<T> {
  /** Reads the shop's latest upload (and whatever the status shows beside it) from the database. */
  load: (shop: string) => Promise<T>
  maxAgeMs: number
  maxEntries: number
  now?: () => number
}

interface Entry<T> { upload: T, loadedAt: number }
interface Pending<T> { promise: Promise<T>, stale: boolean }

/** Events: 'invalidate' (shop), 'trust', 'distrust': what tests and operators can wait on. */
export class LatestUploadCache<T> extends EventEmitter {
  readonly #entries = new Map<string, Entry<T>>()
  readonly #pending = new Map<string, Pending<T>>()
  readonly #options: LatestUploadCacheOptions<T>
  readonly #now: () => number
  /** Whether change announcements are known to arrive; nothing is cached while they may not. */
  #trusted = false

  constructor (options: LatestUploadCacheOptions<T>) {
    super()
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  get size (): number { return this.#entries.size }
  get trusted (): boolean { return this.#trusted }

  async get (shop: string): Promise<T> {
    const entry = this.#entries.get(shop)
    if (entry !== undefined && this.#now() - entry.loadedAt < this.#options.maxAgeMs) return entry.upload
    if (!this.#trusted) return await this.#options.load(shop)
    // One read per shop at a time: concurrent polls of the same shop share it.
    const inFlight = this.#pending.get(shop)
    if (inFlight !== undefined) return await inFlight.promise
    const pending: Pending<T> = { promise: this.#options.load(shop), stale: false }
    this.#pending.set(shop, pending)
    try {
      const upload = await pending.promise
      // A change announced while the read was in flight may postdate what it read: do not keep that.
      if (!pending.stale && this.#trusted) this.#store(shop, upload)
      return upload
    } finally {
      this.#pending.delete(shop)
    }
  }

  /** The shop's uploads changed (announced, or written by this instance). */
  invalidate (shop: string): void {
    this.#entries.delete(shop)
    const pending = this.#pending.get(shop)
    if (pending !== undefined) pending.stale = true
    this.emit('invalidate', shop)
  }

  /** Announcements flow: entries may be kept from now on. */
  trust (): void {
    this.#trusted = true
    this.emit('trust')
  }

  /** Announcements may have been missed: forget everything and cache nothing until trust() again. */
  distrust (): void {
    this.#trusted = false
    this.#entries.clear()
    for (const pending of this.#pending.values()) pending.stale = true
    this.emit('distrust')
  }

  #store (shop: string, upload: T): void {
    this.#entries.delete(shop) // re-inserted last: Map order is then least recently loaded first
    if (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(shop, { upload, loadedAt: this.#now() })
  }
}
