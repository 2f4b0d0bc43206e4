// Hostile and broken uploads (issue 5), table-driven: each case states its answer (a 4xx with a
// clear detail, a FAILED job with a reason, or COMPLETED for a valid file). After every case the
// process still answers, nothing is left PROCESSING, no staged bytes remain, and the next upload works.
import t from 'tap'
import { parseString } from 'fast-csv'
import { startProofApp } from './app.js'
import { hostileCases, LIMITS, type HostileCase } from './hostile-cases.js'
import { asShop, get, postMultipart, upload, waitForTerminal, type Answer } from './client.js'
import { multipart, bytesOf } from './multipart.js'
import { VALID_SMALL_CSV } from './fixtures.js'
import { request } from 'undici'

const proof = await startProofApp({ ...LIMITS, UPLOAD_RATE_LIMIT_MAX: 10_000 })
t.teardown(proof.close)
const base = proof.url

async function send (c: HostileCase, shop: string): Promise<Answer> {
  const headers = asShop(shop)
  if (c.raw !== undefined) {
    const t0 = performance.now()
    const res = await request(`${base}/api/bundles/quick-install`, { method: 'POST', headers: { ...headers, 'content-type': c.raw.contentType }, body: Buffer.concat(await arrayOf(c.raw.body)) })
    const text = await res.body.text()
    return { status: res.statusCode, body: JSON.parse(text), headers: res.headers, ms: performance.now() - t0 }
  }
  const parts = c.parts ?? [{ name: 'file', filename: c.filename ?? 'orders.csv', contentType: 'text/csv', body: c.file ?? '' }]
  if (c.wrongBoundary === true) {
    const body = multipart(parts, 'real-boundary-123')
    return await postMultipart(base, headers, parts, { boundary: 'real-boundary-123', contentType: body.contentType.replace('real-boundary-123', 'announced-boundary-456') })
  }
  return await postMultipart(base, headers, parts)
}

async function arrayOf (body: Parameters<typeof bytesOf>[0]): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const c of bytesOf(body)) out.push(c)
  return out
}

async function csvCells (text: string): Promise<string[][]> {
  return await new Promise((resolve, reject) => {
    const rows: string[][] = []
    parseString(text, { headers: false }).on('data', (r: string[]) => rows.push(r)).on('end', () => resolve(rows)).on('error', reject)
  })
}

function allNumbers (value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value)
  else if (Array.isArray(value)) for (const v of value) allNumbers(v, out)
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) allNumbers(v, out)
  return out
}

async function checkOutput (t: Tap.Test, c: HostileCase, shop: string, jobId: string): Promise<void> {
  const bundles = await get(base, `/api/bundles?job_id=${jobId}`, asShop(shop))
  t.equal(bundles.status, 200, 'bundles of the completed job are served')
  t.ok(bundles.body.bundles.length > 0, 'COMPLETED means bundles exist')
  const exported = await get(base, `/api/bundles/export.csv?job_id=${jobId}`, asShop(shop))
  t.equal(exported.status, 200, 'export.csv is served')
  const cells = (await csvCells(String(exported.body))).flat()
  const titles = bundles.body.bundles.flatMap((b: { items: Array<{ title: string }> }) => b.items.map((i) => i.title))
  const check = c.expect.answer === 'completed' ? c.expect.check : undefined
  if (check === 'finite-numbers') {
    const numbers = allNumbers(bundles.body.bundles)
    t.ok(numbers.every((n) => Number.isFinite(n) && !Object.is(n, -0)), 'every number in the bundles is finite and not -0')
    t.notOk(cells.some((cell) => /^(-?Infinity|NaN|-0(\.0+)?)$/i.test(cell)), 'export.csv has no Infinity, NaN or -0 cell')
  }
  if (check === 'thousands') {
    const prices = bundles.body.bundles.flatMap((b: { items: Array<{ title: string, price: number | null }> }) => b.items.filter((i) => i.title === 'Alpha Mug').map((i) => i.price))
    t.ok(prices.length > 0 && prices.every((p: number | null) => p === 1234.5), '"1,234.50" is read as 1234.5')
  }
  if (check === 'names-round-trip' || check === 'formulas-neutralised') {
    for (const name of c.names ?? []) t.ok(titles.includes(name), `the API shows the name exactly: ${name}`)
  }
  if (check === 'formulas-neutralised') {
    const dangerous = cells.filter((cell) => /^[=+\-@]/.test(cell))
    t.same(dangerous, [], 'no export.csv cell starts with = + - @')
    const rows = await csvCells(String(exported.body))
    const productsColumn = rows[0].indexOf('products')
    const products = rows.slice(1).map((r) => r[productsColumn]).filter((cell) => (c.names ?? []).some((name) => cell.includes(name)))
    t.ok(products.length > 0 && products.every((cell) => cell.startsWith("'")), 'the products cells that carry the names are prefixed with \'')
    for (const name of c.names ?? []) t.ok(products.some((cell) => cell.slice(1).includes(name)), `the name itself survives: ${name}`)
  }
  if (check === 'names-round-trip') {
    for (const name of c.names ?? []) t.ok(cells.some((cell) => cell.includes(name)), `export.csv carries ${name} unchanged`)
  }
}

async function processingLeft (): Promise<number> {
  const [row] = await proof.query<{ n: number }>("select count(*)::int as n from csv_uploads where status = 'processing'")
  return row.n
}

async function stagedChunks (): Promise<number> {
  const [row] = await proof.query<{ n: number }>('select count(*)::int as n from upload_chunks')
  return row.n
}

const cases = await hostileCases()
t.ok(cases.length >= 30, `at least 30 hostile cases (${cases.length})`)
const table: string[] = []

for (const [i, c] of cases.entries()) {
  await t.test(c.name, async (t) => {
    const shop = `hostile-${i}.myshopify.com`
    const res = await send(c, shop)
    let outcome = `${res.status}`
    let completed = false
    if (c.expect.answer === 'reject') {
      t.equal(res.status, c.expect.status, `answers ${c.expect.status} (got ${res.status}: ${JSON.stringify(res.body).slice(0, 300)})`)
      t.type(res.body.detail, 'string', 'the answer has a detail')
      t.match(res.body.detail, c.expect.detail, 'the detail says what was wrong')
      t.notMatch(JSON.stringify(res.body), /at .*\.(ts|js):\d+/, 'no stack trace in the answer')
      const rows = await proof.query('select id from csv_uploads where shop_id = $1', [shop])
      t.equal(rows.length, 0, 'a refused upload leaves no upload row')
      outcome += ` ${String(res.body.detail).slice(0, 90)}`
    } else {
      t.equal(res.status, 200, `accepted (got ${res.status}: ${JSON.stringify(res.body).slice(0, 300)})`)
      if (res.status !== 200) return
      const job = await waitForTerminal(base, asShop(shop), res.body.job_id)
      outcome += ` → ${job.status}${job.error_message !== null ? `: ${job.error_message.slice(0, 80)}` : ` (${job.processed_count} bundles)`}`
      if (c.expect.answer === 'failed') {
        t.equal(job.status, 'FAILED', 'the job ends FAILED')
        t.match(job.error_message ?? '', c.expect.reason, 'error_message says why')
      } else {
        t.equal(job.status, 'COMPLETED', `the job ends COMPLETED (error: ${job.error_message})`)
        completed = job.status === 'COMPLETED'
        if (completed) await checkOutput(t, c, shop, res.body.job_id)
      }
    }
    table.push(`${c.name} | ${outcome}`)

    const health = await get(base, '/healthz')
    t.equal(health.status, 200, 'the process still answers')
    t.equal(await processingLeft(), 0, 'nothing is left PROCESSING')
    t.equal(await stagedChunks(), 0, 'no staged upload bytes are left behind')
    // A refused or failed shop may retry at once; a completed one is in cooldown, so use a fresh shop.
    const nextShop = completed ? `after-${i}.myshopify.com` : shop
    const next = await upload(base, asShop(nextShop), VALID_SMALL_CSV)
    t.equal(next.status, 200, `the next upload is accepted (${JSON.stringify(next.body).slice(0, 200)})`)
    if (next.status === 200) {
      const job = await waitForTerminal(base, asShop(nextShop), next.body.job_id)
      t.equal(job.status, 'COMPLETED', 'and completes')
    }
  })
}

// Each case above is awaited in turn, so the table is complete here; printing it is no test.
t.comment(`hostile inputs and their answers:\n${table.join('\n')}`)
