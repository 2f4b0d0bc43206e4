// Security headers, CORS and the upload rate limit, in one place.
// - helmet: a CSP for a same-origin page that loads only its own external scripts and styles (no
//   inline code), embeddable only in the Shopify admin (frame-ancestors replaces X-Frame-Options,
//   which would forbid that).
// - cors: only the origins listed in CORS_ORIGINS get CORS headers; none by default (same-origin).
// - rate-limit: uploads per shop, keyed by the authenticated shop, so one shop cannot flood the
//   service and shops never share a budget. Counted in the database (upload_rate_limits), so a fleet
//   of instances shares one budget per shop; a database that cannot count answers 503 like any
//   other database failure (an upload could not be stored then either).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import helmet from 'helmet'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import { countAttempt } from '../src/repositories/rate-limits.js'
import { sharedRateLimitStore, type AttemptCounter } from '../src/services/rate-limit-store.js'
import { UPLOAD_ROUTE } from '../src/services/upload-route.js'
import { TooManyUploadsError } from '../src/errors.js'
import { RATE_LIMIT, RETRY_AFTER, documentHeaders } from '../src/routes/headers.js'

export interface SecuritySettings {
  corsOrigins: string[]
  uploadRateLimitMax: number
  uploadRateLimitWindowSeconds: number
  /** Counts an upload attempt for a key, shared by every instance (the database's upload_rate_limits). */
  countUploadAttempt: AttemptCounter
  /** The shop the request was authenticated as (set by the auth plugin before preHandler). */
  shopOf: (request: FastifyRequest) => string | undefined
}

/** Parses CORS_ORIGINS ("https://a.example, https://b.example") into exact origins. */
export function parseCorsOrigins (value: string | undefined): string[] {
  if (value === undefined) return []
  return value.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter((s) => s !== '')
}

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", 'https://cdn.shopify.com'], // App Bridge, when embedded in the admin
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'", 'https://admin.shopify.com', 'https://*.myshopify.com'],
  upgradeInsecureRequests: null
}

/** The header helmet writes for these directives; null disables a directive, as in helmet. */
function cspHeader (directives: Record<string, string[] | null>): string {
  return Object.entries(directives)
    .filter((entry): entry is [string, string[]] => entry[1] !== null)
    .map(([name, values]) => [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...values].join(' '))
    .join(';')
}

const DOCS_CSP = cspHeader({ ...CONTENT_SECURITY_POLICY, styleSrc: ["'self'", "'unsafe-inline'"] })

export async function registerSecurity (app: FastifyInstance, settings: SecuritySettings): Promise<void> {
  // helmet's middleware built once: @fastify/helmet rebuilds it (and re-parses the CSP) on every
  // request, which was about a tenth of the CPU of a status poll.
  const securityHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    xFrameOptions: false,
    // The page is same-origin; nothing it loads needs cross-origin isolation relaxed.
    crossOriginResourcePolicy: { policy: 'same-origin' }
  })
  app.addHook('onRequest', (request, reply, done) => { securityHeaders(request.raw, reply.raw, (err) => { done(err as Error | undefined) }) })

  const allowed = new Set(settings.corsOrigins)
  await app.register(cors, {
    origin: (origin, cb) => { cb(null, origin !== undefined && allowed.has(origin)) },
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Shop-Domain'],
    maxAge: 600
  })

  // Attach the limit to the upload route as it is declared (this hook runs before rate-limit's own).
  const windowMs = settings.uploadRateLimitWindowSeconds * 1000
  const seconds = settings.uploadRateLimitWindowSeconds
  const window = seconds === 1 ? 'second' : `${seconds} seconds`
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (route.url !== UPLOAD_ROUTE.url || !methods.includes(UPLOAD_ROUTE.method)) return
    route.config = {
      ...(route.config ?? {}),
      rateLimit: {
        max: settings.uploadRateLimitMax,
        timeWindow: windowMs,
        // After authentication, before the body is read: a refused upload costs no parsing.
        hook: 'preHandler',
        keyGenerator: (req: FastifyRequest) => `shop:${settings.shopOf(req) ?? `ip:${req.ip}`}`,
        errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string, max: number }) => new TooManyUploadsError(ctx.max, window, ctx.after)
      }
    } as typeof route.config
    // The limit runs after authentication, so every answer but the 401 carries its headers.
    documentHeaders(route, (code) => code === '401' ? undefined : code === '429' ? { ...RATE_LIMIT, ...RETRY_AFTER } : RATE_LIMIT)
  })
  await app.register(rateLimit, { global: false, store: sharedRateLimitStore(settings.countUploadAttempt) })

  app.addHook('onSend', async (request, reply, payload) => {
    // Swagger UI injects <style> elements at run time; only its pages get inline styles (no scripts).
    if (request.routeOptions.url?.startsWith('/docs') === true && reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DOCS_CSP)
    if (!request.raw.complete && reply.statusCode >= 400) discardUnreadBody(request.raw)
    return payload
  })
}

/**
 * An answer sent before the request body was read to its end (a 413 at the size limit, a 400 on a bad
 * header in the first kilobytes) must still reach the client. Two ways to lose it:
 *  - the unread rest of the body stays on the keep-alive connection, so the connection stalls;
 *  - the socket is closed while the client is still sending (what `Connection: close` makes Node do
 *    as soon as the answer is written): the client's writes meet a reset, and a client that sends
 *    the whole body before reading (Python's http.client and requests, many scripts) gets "broken
 *    pipe" instead of the answer.
 * So: keep the connection, read and discard the rest of the body, and give up on a client that is
 * still sending after DISCARD_BODY_SECONDS. Clients that read while sending (curl, undici) see the
 * answer as soon as it is written.
 */
function discardUnreadBody (req: FastifyRequest['raw']): void {
  req.unpipe()
  req.on('data', () => {})
  req.resume()
  const timer = setTimeout(() => req.socket?.destroy(), DISCARD_BODY_SECONDS * 1000)
  timer.unref()
  req.once('end', () => clearTimeout(timer))
  req.once('close', () => clearTimeout(timer))
}

/** How long a client may keep sending a body that was already answered. */
const DISCARD_BODY_SECONDS = 30

export default fp(async function securityPlugin (app: FastifyInstance) {
  const config = app.config
  await registerSecurity(app, {
    corsOrigins: parseCorsOrigins(config.CORS_ORIGINS),
    uploadRateLimitMax: config.UPLOAD_RATE_LIMIT_MAX,
    uploadRateLimitWindowSeconds: config.UPLOAD_RATE_LIMIT_WINDOW_SECONDS,
    countUploadAttempt: async (key, windowMs) => await countAttempt(app.db.orm, key, windowMs),
    // The auth plugin's onRequest hook has set it by the time the limit runs (preHandler).
    shopOf: (request) => request.shop === '' ? undefined : request.shop
  })
}, { name: 'security', dependencies: ['config', 'database', 'auth'], fastify: '5.x' })
