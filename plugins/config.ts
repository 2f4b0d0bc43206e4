// Exposes the validated configuration. The app is built from an explicit Config object (src/app.ts);
// only src/server.ts reads it from the environment.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../src/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export default fp(async function configPlugin (app: FastifyInstance, opts: { config: Config }) {
  app.decorate('config', opts.config)
}, { name: 'config', fastify: '5.x' })
