// A store for @fastify/rate-limit that counts through a function (the database's upload_rate_limits
// in the app), so every instance shares one budget per key. It implements what the plugin calls:
// `incr` for every limited request and `child` once per limited route (whose keys get the route
// as a prefix, as the plugin's own stores do).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'

export type AttemptCounter = (key: string, windowMs: number) => Promise<{ hits: number, msLeft: number }>

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1]

export function sharedRateLimitStore (count: AttemptCounter): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string
    constructor (_options?: unknown, prefix = '') { this.#prefix = prefix }

    incr (key: string, cb: IncrCallback, timeWindow: number): void {
      count(this.#prefix + key, timeWindow).then(
        ({ hits, msLeft }) => { cb(null, { current: hits, ttl: msLeft }) },
        (err: Error) => { cb(err) }
      )
    }

    // The plugin passes the route's merged limit options with the route itself as `routeInfo`
    // (its type declarations say otherwise); limiters made with `app.rateLimit()` get an empty one.
    child (options: Parameters<FastifyRateLimitStore['child']>[0]): SharedRateLimitStore {
      const route = (options as { routeInfo?: { method?: unknown, url?: unknown } }).routeInfo
      return new SharedRateLimitStore(undefined, route?.url === undefined ? '' : `${String(route.method)} ${String(route.url)} `)
    }
  }
}
