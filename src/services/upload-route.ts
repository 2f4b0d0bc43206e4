// The one route that takes a file. Its address is shared by the route itself, the rate limit, the
// metrics, the OpenAPI form and the error translations that only make sense for an upload.
import type { FastifyRequest } from 'fastify'

export const UPLOAD_ROUTE = { method: 'POST', url: '/api/bundles/quick-install' } as const

/** Text fields, and parts in all, an upload form may have (busboy's limits; the 400 above them names them). */
export const MAX_FORM_FIELDS = 10
export const MAX_FORM_PARTS = 12

/** Whether the request matched the upload route (by the route, never by the raw URL). */
export function isUploadRequest (request: FastifyRequest): boolean {
  return request.method === UPLOAD_ROUTE.method && request.routeOptions.url === UPLOAD_ROUTE.url
}
