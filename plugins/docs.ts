// OpenAPI generated from the route schemas (@fastify/swagger) and Swagger UI at /docs. Registered
// before the routes so every route is collected; `npm run openapi` writes the document to openapi/.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

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
          cronSecret: { type: 'http', scheme: 'bearer', description: 'CRON_SECRET' }
        }
      },
      security: [{ shopifySessionToken: [] }]
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'docs', fastify: '5.x' })
