// The docs' Content-Security-Policy is the page's with inline styles allowed (Swagger UI injects
// <style> elements), and nothing else: in particular no upgrade-insecure-requests, which the page's
// policy turns off and which made a browser fetch Swagger UI's own scripts over https from an
// instance served over plain http (any host but localhost), leaving /docs blank.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'

t.test('/docs gets the page\'s CSP plus inline styles, without upgrade-insecure-requests', async (t) => {
  const { app } = await startTestApp(t, {}, { workers: false })
  const page = String((await app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy'])
  t.notMatch(page, /upgrade-insecure-requests/, 'the page\'s policy does not upgrade requests')
  for (const url of ['/docs/', '/docs/static/index.html', '/docs/json']) {
    const res = await app.inject({ method: 'GET', url })
    const docs = String(res.headers['content-security-policy'])
    t.notMatch(docs, /upgrade-insecure-requests/, `${url}: no upgrade-insecure-requests (got: ${docs})`)
    t.equal(docs, page.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"), `${url}: the page's policy with inline styles only`)
  }
})
