// The response headers the API sends, as the OpenAPI describes them. A route's response schema takes
// a `headers` object per status code; @fastify/swagger publishes it as that response's `headers` (the
// schemas are copied as they are, so plain OpenAPI 3.0: `enum`, never `const`) and the serializer
// ignores it. Each header is documented where it is set.
import { Type, type TSchema } from '@sinclair/typebox'
import type { RouteOptions } from 'fastify'

/** plugins/auth.ts, on every /api answer. */
export const NO_STORE = {
  'Cache-Control': Type.String({ enum: ['no-store'], description: 'Every /api answer, refusals included: one shop\'s data, which no browser or shared cache may keep' })
}

/** @fastify/rate-limit (plugins/security.ts) on every answer of the upload route after authentication. */
export const RATE_LIMIT = {
  'X-RateLimit-Limit': Type.Integer({ description: 'UPLOAD_RATE_LIMIT_MAX: uploads a shop may start per window' }),
  'X-RateLimit-Remaining': Type.Integer({ description: 'Uploads this shop may still start in the current window' }),
  'X-RateLimit-Reset': Type.Integer({ description: 'Seconds until the shop\'s window ends' })
}

/** With the 429 of the upload rate limit. */
export const RETRY_AFTER = {
  'Retry-After': Type.Integer({ description: 'Seconds until the shop\'s window ends' })
}

type Headers = Record<string, TSchema>

/**
 * Adds `headers(code)` to each response code of a route as it is declared (an onRoute hook). The
 * response schemas are shared between routes, so each is copied, never changed in place.
 */
export function documentHeaders (route: RouteOptions, headers: (code: string) => Headers | undefined): void {
  const response = route.schema?.response as Record<string, Record<string, unknown>> | undefined
  if (route.schema === undefined || response === undefined) return
  const documented: Record<string, unknown> = {}
  for (const [code, schema] of Object.entries(response)) {
    const extra = headers(code)
    documented[code] = extra === undefined ? schema : { ...schema, headers: { ...(schema.headers as Headers | undefined), ...extra } }
  }
  route.schema = { ...route.schema, response: documented }
}
