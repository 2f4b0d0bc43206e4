// Security properties on the real app (issue 5): shops never see each other's installs; customer
// data from an order export is never stored; the upload rate limit; security headers and a CSP the
// page and /docs actually work under (checked in Chromium); CORS only for configured origins.
// Session-token cases (wrong secret/audience, expired, nbf, alg none, non-myshopify host) are in
// test/service/auth.test.ts and are not repeated here.
import fs from 'node:fs'
import t from 'tap'
import { SignJWT } from 'jose'
import { startProofApp } from './app.js'
import { get, post, upload, waitForTerminal } from './client.js'
import { VALID_SMALL_CSV, ordersCsv, pairedOrders } from './fixtures.js'
import { generatedShop } from '../helpers/fixtures.js'
import { rawGet } from '../helpers/http.js'
import { skipUnlessCI } from '../helpers/prerequisite.js'

const API_KEY = 'security-test-key'
const API_SECRET = 'security-test-secret-0123456789abcdef'
const RATE_LIMIT = 4

const proof = await startProofApp({
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET,
  UPLOAD_RATE_LIMIT_MAX: RATE_LIMIT,
  UPLOAD_RATE_LIMIT_WINDOW_SECONDS: 600,
  CORS_ORIGINS: 'https://admin.partner.example, https://staging.partner.example/'
})
t.teardown(proof.close)
const base = proof.url

async function as (shop: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000)
  const token = await new SignJWT({ iss: `https://${shop}/admin`, dest: `https://${shop}`, sub: '1', sid: 's' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setAudience(API_KEY).setIssuedAt(now - 5).setNotBefore(now - 5).setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(API_SECRET))
  return { authorization: `Bearer ${token}` }
}

async function completedInstall (shop: string, csv: string | (() => AsyncIterable<Buffer>), filename = 'orders.csv'): Promise<string> {
  const res = await upload(base, await as(shop), csv, filename)
  if (res.status !== 200) throw new Error(`upload for ${shop}: ${res.status} ${JSON.stringify(res.body)}`)
  const job = await waitForTerminal(base, await as(shop), res.body.job_id)
  if (job.status !== 'COMPLETED') throw new Error(`install for ${shop} ended ${job.status}: ${job.error_message}`)
  return res.body.job_id
}

t.test('cross-shop: another shop\'s ids answer exactly like unknown ids, on every route', async (t) => {
  const alice = 'alice-store.myshopify.com'
  const bob = 'bob-store.myshopify.com'
  const aliceJob = await completedInstall(alice, VALID_SMALL_CSV)
  const bobJob = await completedInstall(bob, ordersCsv(pairedOrders({ names: ['Bob Kettle', 'Bob Filter', 'Bob Beans'] })))
  const unknown = '7d0c1c33-9e8b-4f7a-9d37-0123456789ab'
  const asBob = await as(bob)

  for (const path of ['/api/bundles/status/:id', '/api/bundles?job_id=:id', '/api/bundles/export.csv?job_id=:id']) {
    const theirs = await get(base, path.replace(':id', aliceJob), asBob)
    const none = await get(base, path.replace(':id', unknown), asBob)
    t.equal(theirs.status, 404, `${path} with Alice's job id answers 404 to Bob`)
    t.same(theirs.body, none.body, `${path}: the same answer as for an id that does not exist`)
    t.notMatch(JSON.stringify(theirs.body), /alice/i, `${path}: nothing of Alice's leaks`)
    const upper = await get(base, path.replace(':id', aliceJob.toUpperCase()), asBob)
    t.equal(upper.status, 404, `${path}: an upper-case spelling of Alice's id is not a way in`)
  }

  const bobBundles = await get(base, '/api/bundles', asBob)
  t.equal(bobBundles.body.job_id, bobJob, 'Bob\'s default bundles are his own install')
  const aliceBundles = await get(base, `/api/bundles?job_id=${aliceJob}`, await as(alice))
  const aliceIds = new Set(aliceBundles.body.bundles.map((b: { id: string }) => b.id))
  t.ok(aliceIds.size > 0, 'Alice has bundles')
  t.notOk(bobBundles.body.bundles.some((b: { id: string }) => aliceIds.has(b.id)), 'none of Alice\'s bundle ids appear in Bob\'s list')
  t.notOk(JSON.stringify(bobBundles.body).includes('Alpha Mug'), 'none of Alice\'s products appear in Bob\'s list')
  const bobCsv = await get(base, '/api/bundles/export.csv', asBob)
  t.notOk(String(bobCsv.body).includes('Alpha Mug'), 'nor in Bob\'s export')
  const bobState = await get(base, '/api/bundles/quick-install/status', asBob)
  t.equal(bobState.body.job_id, bobJob, 'Bob\'s install state is his own')
  const carol = await get(base, '/api/bundles/quick-install/status', await as('carol-store.myshopify.com'))
  t.same(carol.body, { has_quick_install: false, can_run: true, message: 'Quick install has not been run for this shop' }, 'a third shop sees no install at all')
})

/** The customer e-mails, street addresses, phones and names in a Shopify orders export. */
function customerData (csvPath: string): { emails: string[], streets: string[], phones: string[], names: string[] } {
  const lines = fs.readFileSync(csvPath, 'utf8').split('\n')
  const header = lines[0].split(',')
  const col = (name: string): number => header.indexOf(name)
  const cells = (names: string[]): string[] => {
    const out = new Set<string>()
    for (const line of lines.slice(1)) {
      // Customer columns carry no commas or quotes in generated exports; a plain split is exact here.
      const row = line.split(',')
      for (const n of names) { const v = row[col(n)]; if (v !== undefined && v.trim() !== '') out.add(v.trim()) }
    }
    return [...out]
  }
  return {
    emails: cells(['Email']),
    streets: cells(['Billing Street', 'Billing Address1', 'Shipping Street', 'Shipping Address1']),
    phones: cells(['Billing Phone', 'Shipping Phone', 'Phone']),
    names: cells(['Billing Name', 'Shipping Name'])
  }
}

t.test('customer data from an order export is never stored', async (t) => {
  const exportPath = generatedShop(400, 'shopify-orders', 23)
  const pii = customerData(exportPath)
  t.ok(pii.emails.length > 100, `the export has customer e-mails (${pii.emails.length}), e.g. ${pii.emails[0]}`)
  t.ok(pii.streets.length > 100, `and street addresses (${pii.streets.length}), e.g. ${pii.streets[0]}`)
  t.ok(pii.emails.every((e) => /^[a-z]+\.[a-z]+\d+@example\.com$/.test(e)), 'e-mails look like ava.reed123@example.com')
  t.ok(pii.streets.every((s) => /^\d+ Main St$/.test(s)), 'streets look like 123 Main St')
  const jobId = await completedInstall('pii-store.myshopify.com', () => fs.createReadStream(exportPath) as AsyncIterable<Buffer>)
  t.ok(jobId, 'the export was installed')

  const needles = [...pii.emails, ...pii.streets, ...pii.phones, ...pii.names]
  // A street like "12 Main St" is also inside "112 Main St"; matching whole values is what matters,
  // and the ILIKE pattern below matches anywhere, so short numbers only make the search stricter.
  const patterns = needles.map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  const tables = await proof.query<{ table_schema: string, table_name: string }>(
    `select table_schema, table_name from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`)
  const names = tables.map((r) => `${r.table_schema}.${r.table_name}`)
  t.ok(names.includes('public.csv_uploads') && names.includes('public.bundle_recommendations') && names.includes('public.upload_chunks'), 'the app tables are searched')
  t.ok(names.some((n) => n.startsWith('pgboss.job')), `pg-boss tables are searched (${names.filter((n) => n.startsWith('pgboss')).length})`)
  let rowsSearched = 0
  for (const { table_schema: schema, table_name: table } of tables) {
    const q = `"${schema}"."${table}"`
    const [{ rows }] = await proof.query<{ rows: number }>(`select count(*)::int as rows from ${q}`)
    rowsSearched += rows
    // The whole row as text covers every column (json, arrays and numbers included) ...
    const [{ hits }] = await proof.query<{ hits: number }>(`select count(*)::int as hits from ${q} as r where r::text ilike any($1::text[])`, [patterns])
    t.equal(hits, 0, `${schema}.${table}: no row contains customer data (${rows} rows searched)`)
    // ... but bytea shows as hex there, so binary columns are searched as bytes.
    const binary = await proof.query<{ column_name: string }>(
      "select column_name from information_schema.columns where table_schema = $1 and table_name = $2 and data_type = 'bytea'", [schema, table])
    for (const { column_name: column } of binary) {
      const [{ hits: binHits }] = await proof.query<{ hits: number }>(
        `select count(*)::int as hits from ${q} where exists (select 1 from unnest($1::text[]) as n where position(convert_to(n, 'UTF8') in "${column}") > 0)`, [needles])
      t.equal(binHits, 0, `${schema}.${table}.${column}: no stored bytes contain customer data`)
    }
  }
  t.ok(rowsSearched > 0, `${rowsSearched} rows searched in ${tables.length} tables`)
  // The search itself works: the products of the same export are found.
  const [{ hits: productHits }] = await proof.query<{ hits: number }>("select count(*)::int as hits from public.bundle_recommendations as r where r::text ilike '%Main St%' or r::text ilike '%@example.com%'")
  t.equal(productHits, 0)
  const [{ found }] = await proof.query<{ found: number }>('select count(*)::int as found from public.bundle_recommendations as r where r.upload_id = $1 and r::text ilike any($2::text[])', [jobId, ['%"title"%']])
  t.ok(found > 0, 'the same search finds what is stored (bundles with titles): it is not blind')
})

t.test('uploads are rate limited per shop, keyed by the authenticated shop', async (t) => {
  const shop = 'busy-store.myshopify.com'
  const headers = await as(shop)
  const answers: number[] = []
  for (let i = 0; i < RATE_LIMIT; i++) answers.push((await upload(base, headers, 'not a csv', 'x.txt')).status)
  t.same(answers, Array(RATE_LIMIT).fill(400), `the first ${RATE_LIMIT} uploads are answered normally`)
  const limited = await upload(base, headers, VALID_SMALL_CSV)
  t.equal(limited.status, 429, 'the next one is refused with 429')
  t.match(limited.body.detail, new RegExp(`Too many uploads: at most ${RATE_LIMIT} per 600 seconds for a shop`), 'with a clear detail')
  t.ok(Number(limited.headers['retry-after']) > 0, 'and Retry-After')
  const rows = await proof.query('select id from csv_uploads where shop_id = $1', [shop])
  t.equal(rows.length, 0, 'the refused upload was not stored')
  // A new token for the same shop is the same shop; another shop has its own budget.
  t.equal((await upload(base, await as(shop), VALID_SMALL_CSV)).status, 429, 'a fresh token for the same shop is still limited')
  t.equal((await upload(base, await as('quiet-store.myshopify.com'), 'not a csv', 'x.txt')).status, 400, 'another shop is not limited')
  t.equal((await get(base, '/api/bundles/quick-install/status', headers)).status, 200, 'only uploads are limited, not status polling')
  // Without a valid token the limit never applies: the answer is 401 before it.
  t.equal((await upload(base, { authorization: 'Bearer nope' }, VALID_SMALL_CSV)).status, 401)
})

t.test('security headers on the API, the page and the docs', async (t) => {
  for (const path of ['/', '/api/bundles/quick-install/status', '/docs/', '/healthz']) {
    const res = await get(base, path, path.startsWith('/api') ? await as('h.myshopify.com') : {})
    const csp = String(res.headers['content-security-policy'] ?? '')
    t.match(csp, /default-src 'self'/, `${path}: CSP default-src 'self'`)
    t.match(csp, /script-src 'self' https:\/\/cdn\.shopify\.com(;|$)/, `${path}: scripts only from the service (and App Bridge)`)
    t.notMatch(csp, path.startsWith('/docs') ? /script-src[^;]*unsafe|unsafe-eval/ : /unsafe-inline|unsafe-eval/, `${path}: no unsafe-inline (Swagger UI: styles only) or unsafe-eval`)
    t.match(csp, /frame-ancestors 'self' https:\/\/admin\.shopify\.com https:\/\/\*\.myshopify\.com/, `${path}: embeddable only in the Shopify admin`)
    t.match(csp, /object-src 'none'/, `${path}: no plugins`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${path}: nosniff`)
    t.match(String(res.headers['strict-transport-security']), /max-age=\d+/, `${path}: HSTS`)
    t.ok(res.headers['referrer-policy'], `${path}: Referrer-Policy`)
    t.equal(res.headers['x-frame-options'], undefined, `${path}: no X-Frame-Options (it would forbid the admin's frame)`)
    t.equal(res.headers['x-powered-by'], undefined, `${path}: no X-Powered-By`)
  }
})

t.test('the static files (the page, Swagger UI\'s assets) never serve a file outside their folders, however the path is spelled', async (t) => {
  const port = Number(new URL(base).port)
  t.equal((await rawGet(port, '/docs/static/swagger-ui.css')).status, 200, 'the check reaches a real Swagger UI asset')
  // Swagger UI's package.json sits one folder above its static root; the service's own two levels above dist/public.
  for (const prefix of ['/docs/static/', '/']) {
    for (const spelling of ['../package.json', '%2e%2e/package.json', '..%2fpackage.json', '%2e%2e%2fpackage.json', '.%2e/package.json',
      '/../package.json', './../package.json', '..%5cpackage.json', '../../package.json', '..;/package.json']) {
      const res = await rawGet(port, `${prefix}${spelling}`)
      t.not(res.status, 200, `${prefix}${spelling}: not served (${res.status})`)
      t.notMatch(res.body, /"(name|version)":\s*"/, `${prefix}${spelling}: no package.json in the answer`)
    }
  }
})

t.test('CORS only for the configured origins', async (t) => {
  const preflight = async (origin: string) => await (await fetch(`${base}/api/bundles/quick-install`, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' }
  }))
  const allowed = await preflight('https://admin.partner.example')
  t.equal(allowed.headers.get('access-control-allow-origin'), 'https://admin.partner.example', 'a configured origin may call')
  t.match(allowed.headers.get('access-control-allow-headers') ?? '', /Authorization/i)
  t.equal((await preflight('https://staging.partner.example')).headers.get('access-control-allow-origin'), 'https://staging.partner.example', 'a configured origin given with a trailing slash')
  for (const origin of ['https://evil.example', 'https://admin.partner.example.evil.example', 'http://admin.partner.example', 'null']) {
    const res = await preflight(origin)
    t.equal(res.headers.get('access-control-allow-origin'), null, `${origin}: no CORS allowance`)
    const simple = await fetch(`${base}/api/bundles/quick-install/status`, { headers: { origin, ...(await as('c.myshopify.com')) } })
    t.equal(simple.headers.get('access-control-allow-origin'), null, `${origin}: no allowance on a simple request either`)
  }
  const configured = await fetch(`${base}/api/bundles/quick-install/status`, { headers: { origin: 'https://admin.partner.example', ...(await as('c.myshopify.com')) } })
  t.equal(configured.headers.get('access-control-allow-origin'), 'https://admin.partner.example')
  t.match(configured.headers.get('vary') ?? '', /Origin/i, 'Vary: Origin, so caches keep answers apart')
})

t.test('the same-origin page and /docs load under the CSP without a violation (Chromium)', { skip: skipUnlessCI(t, fs.existsSync('/usr/bin/chromium') ? false : 'Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium; .ci/run installs it)') }, async (t) => {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  t.teardown(async () => { await browser.close() })
  for (const path of ['/?token=unused', '/docs/']) {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text()) })
    await page.exposeFunction('reportViolation', (v: string) => { violations.push(v) })
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => { window.reportViolation(e.violatedDirective + ' ' + e.blockedURI) })" })
    const res = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' })
    t.equal(res?.status(), 200, `${path} loads`)
    // Swagger UI renders from script after the network settles: wait for it (a busy CI machine is slow),
    // then check for violations, so the ones rendering causes are counted too.
    const [selector, what] = path.startsWith('/docs') ? ['.swagger-ui', '/docs rendered Swagger UI'] : ['h1', 'the page rendered']
    t.ok(await page.waitForSelector(selector, { timeout: 20_000 }).then(() => true, () => false), what)
    t.same(violations, [], `${path}: no CSP violation`)
    await page.close()
  }
})

t.test('the cron route is not reachable with a session token, and /metrics carries no shop', async (t) => {
  const cron = await post(base, '/api/bundles/cron/cleanup-stuck-jobs', await as('alice-store.myshopify.com'))
  t.equal(cron.status, 401)
  const metrics = await get(base, '/metrics')
  t.equal(metrics.status, 200)
  t.notMatch(String(metrics.body), /myshopify\.com/, 'no shop domain in the metrics')
})
