// Liveness (the process answers) and readiness (the database and the queue answer). /readyz is public:
// it says what is not ready in general words and logs the detail.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  database: Type.String({ description: 'postgres or pglite, and whether it answered' }),
  queue: Type.String({ description: '"ok", "unavailable", or "not checked" while the database is down' }),
  auth_mode: Type.Union([Type.Literal('shopify'), Type.Literal('development')]),
  reason: Type.Optional(Type.String({ description: 'What is not ready, in general words; the detail is in the log' }))
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
  }, async (request, reply) => {
    const result = { status: 'ready' as 'ready' | 'not_ready', database: `${app.db.kind}: ok`, queue: 'ok', auth_mode: app.authMode, reason: undefined as string | undefined }
    // The errors name internal addresses and ports: they go to the log, the answer (public) stays general.
    try {
      await withTimeout(app.db.ping(), 2000, 'the database')
    } catch (err) {
      request.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'not ready: the database did not answer')
      result.status = 'not_ready'
      result.database = `${app.db.kind}: unavailable`
      // The queue lives in the same database: nothing to check it with.
      result.queue = 'not checked'
      result.reason = 'database unreachable'
    }
    if (result.status === 'ready') {
      try {
        await withTimeout(app.queue.ping(), 2000, 'the queue')
      } catch (err) {
        request.log.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'not ready: the queue did not answer')
        result.status = 'not_ready'
        result.queue = 'unavailable'
        result.reason = 'queue unavailable'
      }
    }
    return await reply.code(result.status === 'ready' ? 200 : 503).send(result)
  })
}
