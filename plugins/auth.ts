// Who is calling: the shop comes from authentication, never from a form field. With SHOPIFY_API_SECRET
// set, every /api route (except those with `config: { auth: false }`, i.e. the cron route with its own
// secret) needs a Shopify session token; without it the service runs in development mode and takes the
// shop from X-Shop-Domain (or DEFAULT_SHOP).
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { jwtVerify, errors as joseErrors } from 'jose'
import { UnauthorizedError } from '../src/errors.js'
import { bearerToken } from '../src/auth/bearer.js'
import { NO_STORE, documentHeaders } from '../src/routes/headers.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated shop, e.g. demo.myshopify.com (set on /api routes). */
    shop: string
  }
  interface FastifyInstance {
    authMode: 'shopify' | 'development'
  }
  interface FastifyContextConfig {
    /** false: the route authenticates on its own (cron). */
    auth?: boolean
  }
}

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/

function hostOf (url: unknown): string | null {
  if (typeof url !== 'string') return null
  try {
    return new URL(url).hostname.toLowerCase()
  } catch {
    return null
  }
}

function describeJoseError (err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'session token expired'
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'session token is for another app (wrong audience)'
    if (err.claim === 'nbf') return 'session token is not valid yet'
    return `session token claim "${err.claim}" is invalid`
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'session token signature is invalid'
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'session token must be signed with HS256'
  return 'session token is malformed'
}

/** What every refused session token is told to send instead. */
export const SEND_CURRENT_TOKEN = 'Send a current Shopify session token of this app (App Bridge\'s shopify.idToken(); each is valid for one minute) as Authorization: Bearer <token>.'

const refused = (reason: string): Error => new UnauthorizedError(`${reason}. ${SEND_CURRENT_TOKEN}`)

export async function shopFromSessionToken (token: string, secret: Uint8Array, apiKey: string): Promise<string> {
  let payload
  try {
    ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], audience: apiKey, requiredClaims: ['exp', 'iss', 'dest'], clockTolerance: 5 }))
  } catch (err) {
    throw refused(describeJoseError(err))
  }
  const dest = hostOf(payload.dest)
  const iss = hostOf(payload.iss)
  if (dest === null || !SHOP_HOST.test(dest)) throw refused('session token is not for a *.myshopify.com shop')
  if (iss !== dest) throw refused('session token issuer and destination shops differ')
  return dest
}

/**
 * Whether the request reached an /api route, judged by the route it matched and never by the raw
 * URL: the router decodes `/%61pi/…` and accepts absolute-form targets (`GET http://host/api/…`),
 * so a test on `request.url` let those reach /api routes with no token and an empty shop.
 */
function isApiRoute (route: string | undefined): boolean {
  return route !== undefined && (route === '/api' || route.startsWith('/api/'))
}

export default fp(async function authPlugin (app: FastifyInstance) {
  const { SHOPIFY_API_SECRET: secret, SHOPIFY_API_KEY: apiKey, DEFAULT_SHOP: defaultShop } = app.config
  const mode = secret !== undefined && apiKey !== undefined ? 'shopify' : 'development'
  app.decorate('authMode', mode)
  app.decorateRequest('shop', '')
  if (mode === 'development') {
    app.log.warn({ auth_mode: mode }, 'SHOPIFY_API_SECRET is not set: development mode, the shop comes from the X-Shop-Domain header (or DEFAULT_SHOP). Do not expose this instance.')
  }
  const key = new TextEncoder().encode(secret ?? '')

  async function authenticate (request: FastifyRequest): Promise<string> {
    if (mode === 'development') {
      const header = request.headers['x-shop-domain']
      if (header === undefined || header === '') return defaultShop
      const shop = String(header).trim().toLowerCase()
      if (!SHOP_HOST.test(shop)) throw new UnauthorizedError('X-Shop-Domain must be a shop domain like demo.myshopify.com')
      return shop
    }
    const token = bearerToken(request)
    if (token === undefined) throw new UnauthorizedError('send Authorization: Bearer <Shopify session token>')
    return await shopFromSessionToken(token, key, apiKey as string)
  }

  // Published with every response code of every /api route declared after this plugin (all of them).
  app.addHook('onRoute', (route) => {
    if (isApiRoute(route.url)) documentHeaders(route, () => NO_STORE)
  })

  app.addHook('onRequest', async (request, reply) => {
    if (!isApiRoute(request.routeOptions.url)) return
    // Every /api answer is one shop's data (or a refusal): no browser or shared cache may keep it. Set
    // before authenticating, so a 401 is not cached either.
    reply.header('cache-control', 'no-store')
    // A CORS preflight carries no credentials by design; it only learns what the real request may send.
    if (request.method === 'OPTIONS') return
    if (request.routeOptions.config?.auth === false) return
    request.shop = await authenticate(request)
  })
}, { name: 'auth', dependencies: ['config'], fastify: '5.x' })
