// npm run openapi: builds the app (embedded in-memory database, no workers, never listening) and writes
// the OpenAPI document generated from the route schemas to openapi/openapi.json. A test fails when the
// committed file differs from what the routes say.
import fs from 'node:fs'
import path from 'node:path'
import { buildApp } from '../app.js'
import { configFrom } from '../config.js'
import { openPglite } from '../../db/pglite.js'
import { projectRoot } from '../../db/project-root.js'
import { renderOpenApi } from '../../plugins/docs.js'

export const OPENAPI_FILE = path.join(projectRoot(), 'openapi', 'openapi.json')

const app = await buildApp({ config: configFrom({ LOG_LEVEL: 'silent' }), database: await openPglite({}), workers: false })
try {
  fs.mkdirSync(path.dirname(OPENAPI_FILE), { recursive: true })
  fs.writeFileSync(OPENAPI_FILE, renderOpenApi(app))
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`)
} finally {
  await app.close()
}
