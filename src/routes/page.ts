// Serves the merchant page (built by web/build.mjs into dist/public) at `/`. Encapsulated: the static
// handler and its routes stay inside this plugin. Only files present at start-up are served, so no
// catch-all route shadows the app's 404 handling.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import type {} from '@fastify/swagger' // `schema.hide`
import { Type } from '@sinclair/typebox'

export interface PageOptions {
  /** Directory holding index.html; by default dist/public of this package. */
  root?: string
}

/** dist/public, whether this file runs compiled (dist/src/routes) or from source (src/routes). */
export function defaultPageRoot (): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const compiled = path.resolve(here, '../../public')
  const fromSource = path.resolve(here, '../../dist/public')
  return fs.existsSync(path.join(compiled, 'index.html')) ? compiled : fromSource
}

export default async function pageRoutes (app: FastifyInstance, opts: PageOptions): Promise<void> {
  const root = opts.root ?? defaultPageRoot()
  if (!fs.existsSync(path.join(root, 'index.html'))) {
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
    index: ['index.html'],
    decorateReply: false,
    // Small files whose names do not change between builds: revalidate every time (ETag), cheap.
    cacheControl: true,
    maxAge: 0,
    schemaHide: true
  })
}
