// Serves the merchant page (built by web/build.mjs into dist/public) at `/`. Encapsulated: the static
// handler and its routes stay inside this plugin. Only files present at start-up are served, so no
// catch-all route shadows the app's 404 handling.
//
// Embedded in the Shopify admin (the admin opens apps with `?embedded=1&host=...`) and with an API key
// configured, `/` also loads Shopify App Bridge, which Shopify requires as the page's first script and
// serves only from its CDN; it gives the page `shopify.idToken()`. Every other load fetches nothing
// from outside the service.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import type {} from '@fastify/swagger' // `schema.hide`
import { Type } from '@sinclair/typebox'

export const APP_BRIDGE_URL = 'https://cdn.shopify.com/shopifycloud/app-bridge.js'

export interface PageOptions {
  /** Directory holding index.html; by default dist/public of this package. */
  root?: string
  /** SHOPIFY_API_KEY: when set, embedded loads get App Bridge. */
  shopifyApiKey?: string
}

/** dist/public, whether this file runs compiled (dist/src/routes) or from source (src/routes). */
export function defaultPageRoot (): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const compiled = path.resolve(here, '../../public')
  const fromSource = path.resolve(here, '../../dist/public')
  return fs.existsSync(path.join(compiled, 'index.html')) ? compiled : fromSource
}

function escapeAttribute (value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** index.html with App Bridge as the first thing in <head>, as Shopify asks. */
export function withAppBridge (html: string, apiKey: string): string {
  const tags = `<meta name="shopify-api-key" content="${escapeAttribute(apiKey)}">\n  <script src="${APP_BRIDGE_URL}"></script>\n  `
  return html.replace(/<head>\s*/i, match => `${match}${tags}`)
}

const PageQuery = Type.Object({
  embedded: Type.Optional(Type.String()),
  host: Type.Optional(Type.String())
}, { additionalProperties: true })

export default async function pageRoutes (app: FastifyInstance, opts: PageOptions): Promise<void> {
  const root = opts.root ?? defaultPageRoot()
  const indexFile = path.join(root, 'index.html')
  if (!fs.existsSync(indexFile)) {
    app.log.warn({ root }, 'merchant page not built: run `npm run build` to serve it at /')
    app.get('/', { schema: { hide: true, response: { 503: Type.String() } } }, async (_req, reply) => {
      return await reply.code(503).type('text/plain; charset=utf-8')
        .send('The merchant page is not built. Run `npm run build` (or `npm start`, which builds it).\n')
    })
    return
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    decorateReply: false,
    // Small files whose names do not change between builds: revalidate every time (ETag), cheap.
    cacheControl: true,
    maxAge: 0,
    schemaHide: true,
    // `/` is served below so the embedded variant can differ; /index.html stays the plain page.
    index: false
  })

  const plain = fs.readFileSync(indexFile, 'utf8')
  const embedded = opts.shopifyApiKey === undefined ? plain : withAppBridge(plain, opts.shopifyApiKey)
  app.get('/', {
    schema: { hide: true, querystring: PageQuery, response: { 200: Type.String() } }
  }, async (req, reply) => {
    const query = req.query as { embedded?: string, host?: string }
    const isEmbedded = query.embedded === '1' || query.host !== undefined
    return await reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(isEmbedded ? embedded : plain)
  })
}
