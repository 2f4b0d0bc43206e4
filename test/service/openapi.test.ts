// The committed OpenAPI document is what the routes say; /docs serves Swagger UI.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { startTestApp } from '../helpers/app.js'
import { renderOpenApi } from '../../plugins/docs.js'
import { projectRoot } from '../../db/project-root.js'

const { app } = await startTestApp(t, {}, { workers: false })

t.test('openapi/openapi.json is up to date (run `npm run openapi` after changing a route)', async (t) => {
  const committed = fs.readFileSync(path.join(projectRoot(), 'openapi', 'openapi.json'), 'utf8')
  const generated = renderOpenApi(app)
  if (committed !== generated) {
    const a = JSON.parse(committed).paths
    const b = JSON.parse(generated).paths
    const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(p => JSON.stringify(a[p]) !== JSON.stringify(b[p]))
    t.fail(`openapi/openapi.json is stale; paths that differ: ${changed.join(', ') || '(document-level fields)'}. Run \`npm run openapi\`.`)
  } else {
    t.pass('committed document matches the routes')
  }
  const doc = JSON.parse(generated)
  for (const route of ['/api/bundles/quick-install', '/api/bundles/quick-install/status', '/api/bundles/status/{job_id}', '/api/bundles', '/api/bundles/export.csv', '/api/bundles/cron/cleanup-stuck-jobs', '/healthz', '/readyz']) {
    t.ok(doc.paths[route], `documents ${route}`)
  }
  t.ok(doc.paths['/api/bundles/quick-install'].post.responses['409'], 'documents the 409 shapes')
})

t.test('/docs serves Swagger UI', async (t) => {
  const res = await app.inject({ url: '/docs/' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /swagger/i)
  t.equal((await app.inject({ url: '/healthz' })).json().status, 'ok')
})
