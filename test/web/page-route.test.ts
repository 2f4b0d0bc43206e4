// The page route serves the built page at `/` and nothing else; the page itself is CSP-ready
// (no inline script or style) and loads nothing from outside the service.
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import Fastify from 'fastify'
import pageRoutes from '../../src/routes/page.js'
import { rawGet } from '../helpers/http.js'

const webDir = new URL('../../web/', import.meta.url)

function tempRoot (files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-root-'))
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text)
  return dir
}

t.test('serves index.html at / and the assets beside it', async t => {
  const root = tempRoot({ 'index.html': '<!doctype html><title>x</title>', 'main.js': 'export {}', 'styles.css': 'body{}' })
  t.teardown(() => { fs.rmSync(root, { recursive: true, force: true }) })
  const app = Fastify()
  await app.register(pageRoutes, { root })
  t.teardown(async () => { await app.close() })

  const index = await app.inject('/')
  t.equal(index.statusCode, 200)
  t.match(index.headers['content-type'], /^text\/html/)
  t.match(index.body, '<title>x</title>')
  t.match(index.headers['cache-control'], /no-cache|max-age=0/, 'revalidated on every load')
  t.notMatch(index.body, 'cdn.shopify.com', 'nothing external without an API key')

  const js = await app.inject('/main.js')
  t.equal(js.statusCode, 200)
  t.match(js.headers['content-type'], /javascript/)
  t.equal((await app.inject('/styles.css')).statusCode, 200)

  t.equal((await app.inject('/nothing-here.js')).statusCode, 404)
  t.equal((await app.inject('/api/bundles/anything')).statusCode, 404, 'no catch-all route under /')
  t.equal((await app.inject('/../package.json')).statusCode, 404, 'nothing outside the root')
})

t.test('over a real socket, no spelling of a path reaches a file beside the page\'s root', async t => {
  // The root is a folder inside another that holds a secret: every traversal spelling must miss it.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'page-parent-'))
  t.teardown(() => { fs.rmSync(parent, { recursive: true, force: true }) })
  fs.writeFileSync(path.join(parent, 'secret.txt'), 'TOP-SECRET')
  const root = path.join(parent, 'public')
  fs.mkdirSync(root)
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>x</title>')
  fs.writeFileSync(path.join(root, 'styles.css'), 'body{}')
  const app = Fastify()
  await app.register(pageRoutes, { root })
  t.teardown(async () => { await app.close() })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  t.equal((await rawGet(port, '/styles.css')).status, 200, 'the socket test itself reaches a real file')
  const spellings = ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt',
    '/%2e%2e%2fsecret.txt', '/.%2e/secret.txt', '/..%5csecret.txt', '/..\\secret.txt', '//../secret.txt', '/./../secret.txt',
    '/styles.css/../../secret.txt', '/%252e%252e/secret.txt', '/public/../secret.txt', '/..;/secret.txt']
  for (const target of spellings) {
    const res = await rawGet(port, target)
    t.not(res.status, 200, `${target}: not served (${res.status})`)
    t.notMatch(res.body, 'TOP-SECRET', `${target}: the secret never leaves`)
  }
})

t.test('embedded in the Shopify admin with an API key, / loads App Bridge first; otherwise not', async t => {
  const root = tempRoot({ 'index.html': '<!doctype html><html><head>\n<meta charset="utf-8"><script type="module" src="main.js"></script></head></html>' })
  t.teardown(() => { fs.rmSync(root, { recursive: true, force: true }) })
  const app = Fastify()
  await app.register(pageRoutes, { root, shopifyApiKey: 'key"<1>' })
  t.teardown(async () => { await app.close() })

  const framed = await app.inject('/?embedded=1&host=YWRtaW4&shop=demo.myshopify.com')
  t.match(framed.body, /<head>\s*<meta name="shopify-api-key" content="key&quot;&lt;1&gt;">\s*<script src="https:\/\/cdn\.shopify\.com\/shopifycloud\/app-bridge\.js"><\/script>\s*<meta charset/,
    'App Bridge is the first script, the key escaped')
  for (const url of ['/', '/?token=abc', '/index.html']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.notMatch(res.body, 'cdn.shopify.com', `${url}: not embedded, nothing external`)
  }
})

t.test('an unbuilt page answers 503 with what to run', async t => {
  const root = tempRoot({})
  t.teardown(() => { fs.rmSync(root, { recursive: true, force: true }) })
  const app = Fastify({ logger: false })
  await app.register(pageRoutes, { root })
  t.teardown(async () => { await app.close() })
  const res = await app.inject('/')
  t.equal(res.statusCode, 503)
  t.match(res.body, 'npm run build')
})

t.test('the page has no inline script or style and fetches nothing from elsewhere', async t => {
  const html = fs.readFileSync(new URL('index.html', webDir), 'utf8')
  const css = fs.readFileSync(new URL('styles.css', webDir), 'utf8')
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
  t.ok(scripts.length > 0, 'the page loads its script')
  for (const [, attrs, body] of scripts) {
    t.match(attrs, /\bsrc="[^":]+"/, 'every script is an external file of the service')
    t.equal(body.trim(), '', 'no inline script body')
  }
  t.notMatch(html, /<style\b/i, 'no <style> element')
  t.notMatch(html, /\sstyle="/i, 'no style attribute')
  t.notMatch(html, /\son[a-z]+="/i, 'no inline event handler')
  t.notMatch(html, /(src|href)="(https?:)?\/\//i, 'no URL of another host')
  t.notMatch(css, /@import|url\(\s*['"]?(https?:)?\/\//i, 'the stylesheet loads nothing')
})
