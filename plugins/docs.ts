// OpenAPI generated from the route schemas (@fastify/swagger) and Swagger UI at /docs. Registered
// before the routes so every route is collected; `npm run openapi` writes the document to openapi/.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { UPLOAD_ROUTE } from '../src/services/upload-route.js'

export default fp(async function docsPlugin (app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'bundle-api',
        description: 'Turns a merchant\'s order export into product-bundle recommendations, with a one-click quick install.',
        version: '0.1.0'
      },
      tags: [
        { name: 'quick-install', description: 'Upload an export and follow the install' },
        { name: 'bundles', description: 'The bundles an install produced' },
        { name: 'operations', description: 'Health, readiness and scheduled maintenance' }
      ],
      components: {
        securitySchemes: {
          shopifySessionToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Shopify session token (HS256, aud = app API key). In development mode send X-Shop-Domain instead.' },
          cronSecret: { type: 'http', scheme: 'bearer', description: 'CRON_SECRET' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN (needed only when it is configured)' }
        }
      },
      security: [{ shopifySessionToken: [] }]
    },
    // The upload is read as a stream (request.parts()), so the route declares no body to validate;
    // the document still shows the multipart form it takes.
    transform ({ schema, url }) {
      if (url !== UPLOAD_ROUTE.url || schema === undefined) return { schema, url }
      return {
        url,
        schema: {
          ...schema,
          body: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'The order export: .csv or .csv.gz' } }
          }
        }
      }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'docs', fastify: '5.x' })

/** The OpenAPI document as committed in openapi/openapi.json (stable formatting). */
export function renderOpenApi (app: FastifyInstance): string {
  return JSON.stringify(app.swagger(), null, 2) + '\n'
}
