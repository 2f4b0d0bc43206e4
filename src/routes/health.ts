// Liveness (the process answers) and readiness (the database and the queue answer).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  database: Type.String({ description: 'postgres or pglite, and whether it answered' }),
  queue: Type.String(),
  auth_mode: Type.Union([Type.Literal('shopify'), Type.Literal('development')]),
  reason: Type.Optional(Type.String())
})

const withTimeout = async (work: Promise<void>, ms: number, what: string): Promise<void> => {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([work, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms) })])
  } finally {
    clearTimeout(timer)
  }
}

export default async function healthRoutes (fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'The process is alive', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: { tags: ['operations'], summary: 'The database and the queue are usable', security: [], response: { 200: Readiness, 503: Readiness } }
  }, async (_request, reply) => {
    const result = { status: 'ready' as 'ready' | 'not_ready', database: `${app.db.kind}: ok`, queue: 'ok', auth_mode: app.authMode, reason: undefined as string | undefined }
    try {
      await withTimeout(app.db.ping(), 2000, 'the database')
    } catch (err) {
      result.status = 'not_ready'
      result.database = `${app.db.kind}: unavailable`
      result.reason = `database: ${(err as Error).message}`
    }
    if (result.status === 'ready') {
      try {
        await withTimeout(app.queue.ping(), 2000, 'the queue')
      } catch (err) {
        result.status = 'not_ready'
        result.queue = 'unavailable'
        result.reason = `queue: ${(err as Error).message}`
      }
    }
    return await reply.code(result.status === 'ready' ? 200 : 503).send(result)
  })
}
