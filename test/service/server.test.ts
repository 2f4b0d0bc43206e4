// The server process: configuration errors stop start-up naming the variable, PGlite's data directory
// is locked against a second process, HTTP2=true speaks h2c to an HTTP/2 client, and SIGTERM shuts
// down cleanly.
import t from 'tap'
import fs from 'node:fs'
import http2 from 'node:http2'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../src/config.js'
import { lockDataDir } from '../../db/data-dir-lock.js'
import { startupFailureLine } from '../../src/startup-failure.js'
import { createTestDatabase } from '../helpers/database.js'
import { multipartBody, multipartHeaders, TINY_CATALOG, waitFor } from '../helpers/http.js'
import { freePort, spawnServer } from '../helpers/server-process.js'

t.test('a bad configuration value stops start-up with a message naming it', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT must be a number/],
    [{ PORT: '70000' }, /PORT .*<= 65535/],
    [{ HTTP2: 'maybe' }, /HTTP2 must be true or false/],
    [{ MAX_UPLOAD_MB: '0' }, /MAX_UPLOAD_MB .*> 0/],
    [{ QUICK_INSTALL_COOLDOWN_DAYS: '-1' }, /QUICK_INSTALL_COOLDOWN_DAYS/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ TRUSTED_PROXIES: 'loopback, 10.0.0.0/33' }, /TRUSTED_PROXIES must list IP addresses, CIDRs .*\(got "10.0.0.0\/33"\)/],
    [{ TRUSTED_PROXIES: 'cloudrun' }, /TRUSTED_PROXIES must list .*\(got "cloudrun"\)/],
    [{ DATABASE_URL: 'mysql://db/x' }, /DATABASE_URL must match/],
    [{ CRON_SECRET: 'short' }, /CRON_SECRET must be at least 16 characters/],
    [{ SHOPIFY_API_SECRET: 'secret-only' }, /SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set together/],
    [{ PROCESSING_TIMEOUT_MINUTES: '5', QUEUE_EXPIRY_SECONDS: '300' }, /QUEUE_EXPIRY_SECONDS must be below/],
    // pg-boss 10 refuses cron intervals over 45 s: caught here, not as a crash inside pg-boss.
    [{ BOSS_CRON_INTERVAL_SECONDS: '46' }, /BOSS_CRON_INTERVAL_SECONDS .*<= 45 \(got 46\)/],
    [{ SWEEP_CRON: 'every five minutes' }, /SWEEP_CRON must be a cron expression: .*\*\/5 \* \* \* \*.*\(got "every five minutes": Invalid characters/],
    [{ SWEEP_CRON: '61 * * * *' }, /SWEEP_CRON must be a cron expression: .*expected range 0-59/],
    // An unencoded # in the password, and a port that is no number: node-postgres's bare "Invalid URL".
    [{ DATABASE_URL: 'postgres://app:Pw#123@db.internal:5432/bundles' }, /DATABASE_URL is not a URL node-postgres can read .*percent-encode .*# as %23/],
    [{ DATABASE_URL: 'postgres://app@db.internal:five/bundles' }, /DATABASE_URL is not a URL node-postgres can read .*port as a number/]
  ]
  for (const [env, message] of cases) t.throws(() => loadConfig(env), message, JSON.stringify(env))
  t.doesNotThrow(() => loadConfig({ PORT: '9000', HTTP2: 'true', MAX_UPLOAD_MB: '1.5' }), 'good values pass')
  for (const url of ['postgres://app:Pw%23123@db.internal:5432/bundles', 'postgres://app@/bundles?host=/cloudsql/proj:europe-west1:db', 'postgresql://app:pw@[::1]/bundles?sslmode=no-verify']) {
    t.doesNotThrow(() => loadConfig({ DATABASE_URL: url }), `DATABASE_URL ${url} passes`)
  }
  t.doesNotThrow(() => loadConfig({ SWEEP_CRON: '0 */2 * * *', BOSS_CRON_INTERVAL_SECONDS: '45' }), 'a real cron expression and the largest cron interval pass')
  const messageOf = (env: Record<string, string>): string => { try { loadConfig(env) } catch (e) { return (e as Error).message } return '' }
  t.notMatch(messageOf({ DATABASE_URL: 'mysql://user:hunter2@db/x' }), /hunter2/, 'secrets are never echoed')
  t.notMatch(messageOf({ DATABASE_URL: 'postgres://app:Pw#123@db.internal:5432/bundles' }), /Pw#123|db\.internal/, 'an unreadable DATABASE_URL is not echoed either')
  const defaults = loadConfig({})
  t.match(defaults, { PORT: 8080, DATA_DIR: './data', QUICK_INSTALL_COOLDOWN_DAYS: 30, PROCESSING_TIMEOUT_MINUTES: 10, MAX_UPLOAD_MB: 512, TRUSTED_PROXIES: 'loopback,linklocal,uniquelocal', DEFAULT_SHOP: 'dev-shop.myshopify.com', QUEUE_EXPIRY_SECONDS: 480 })

  const processCases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /Invalid configuration: PORT must be a number/],
    [{ BOSS_CRON_INTERVAL_SECONDS: '46' }, /Invalid configuration: BOSS_CRON_INTERVAL_SECONDS/],
    [{ SWEEP_CRON: 'every five minutes' }, /Invalid configuration: SWEEP_CRON must be a cron expression/],
    [{ DATABASE_URL: 'postgres://app:Pw#123@127.0.0.1:5432/bundles' }, /Invalid configuration: DATABASE_URL is not a URL/]
  ]
  for (const [env, message] of processCases) {
    const server = await spawnServer({ ...env, DATA_DIR: path.join(os.tmpdir(), 'never-used') }, { waitFor: 'nothing' })
    t.equal(await server.exited, 78, `${JSON.stringify(env)}: exits with EX_CONFIG`)
    t.match(server.output(), message, `${JSON.stringify(env)}: the message names the variable`)
    t.notMatch(server.output(), /Pw#123/, `${JSON.stringify(env)}: no password in the output`)
  }
})

t.test('LOG_LEVEL=silent: a start-up failure is still written to stderr, without the password', async (t) => {
  // Nothing listens on the port: the database refuses the connection while the app starts.
  const server = await spawnServer({ LOG_LEVEL: 'silent', DATABASE_URL: `postgres://bundle:sekret-pass-1@127.0.0.1:${await freePort()}/bundles` }, { waitFor: 'nothing' })
  t.equal(await server.exited, 1, 'start-up fails')
  t.match(server.output(), /^bundle-api could not start: .*ECONNREFUSED/m, 'stderr says what failed')
  t.notMatch(server.output(), /sekret-pass-1/, 'without the password')

  // Should a message quote a secret, the line leaves it out.
  const config = loadConfig({ DATABASE_URL: 'postgres://bundle:p%40ss-word@db:5432/x', CRON_SECRET: 'cron-secret-0123456789' })
  const line = startupFailureLine(new Error('cannot use postgres://bundle:p%40ss-word@db:5432/x (password p@ss-word) or cron-secret-0123456789'), config)
  t.equal(line, 'bundle-api could not start: Error: cannot use [redacted] (password [redacted]) or [redacted]\n', 'configured secrets are redacted')
})

t.test('the embedded data directory refuses a second process; a stale lock is taken over', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-api-lock-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  // Held by a live process (our parent), as a running server would.
  fs.writeFileSync(path.join(dir, 'bundle-api.lock'), String(process.ppid))
  const second = await spawnServer({ DATA_DIR: dir }, { waitFor: 'nothing' })
  t.equal(await second.exited, 75)
  t.match(second.output(), new RegExp(`in use by another process \\(pid ${process.ppid}\\)`))

  // A dead holder's lock is stale.
  const lockFile = path.join(dir, 'bundle-api.lock')
  fs.writeFileSync(lockFile, '999999999')
  const lock = lockDataDir(dir)
  t.same(JSON.parse(fs.readFileSync(lockFile, 'utf8')), { host: os.hostname(), pid: process.pid }, 'taken over, and the lock names this host and pid')
  lock.release()
  t.notOk(fs.existsSync(lockFile), 'released on close')
})

t.test('another host\'s lock is refused while its heartbeat is fresh, whatever its pid, and taken over once the heartbeat is old', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-api-lock-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const lockFile = path.join(dir, 'bundle-api.lock')
  const heldElsewhere = (pid: number, heartbeatSecondsAgo: number): void => {
    fs.writeFileSync(lockFile, JSON.stringify({ host: 'other-container', pid }))
    const at = new Date(Date.now() - heartbeatSecondsAgo * 1000)
    fs.utimesSync(lockFile, at, at)
  }
  // Containers sharing a volume all run node as PID 1: the other one's pid can be ours, or dead here.
  for (const pid of [process.pid, 999999999]) {
    heldElsewhere(pid, 2)
    t.throws(() => lockDataDir(dir), new RegExp(`in use by another process \\(pid ${pid} on other-container, last heartbeat 2 s ago\\)`), `pid ${pid} on another host, heartbeat 2 s old: refused`)
    t.same(JSON.parse(fs.readFileSync(lockFile, 'utf8')), { host: 'other-container', pid }, 'and its lock is left alone')
  }

  heldElsewhere(process.pid, 60)
  const lock = lockDataDir(dir, { heartbeatMs: 20 })
  t.same(JSON.parse(fs.readFileSync(lockFile, 'utf8')), { host: os.hostname(), pid: process.pid }, 'heartbeat 60 s old: taken over')
  // The holder's heartbeat: an mtime set back is refreshed.
  const longAgo = new Date(Date.now() - 60_000)
  fs.utimesSync(lockFile, longAgo, longAgo)
  await waitFor('the holder to refresh its heartbeat', async () => Date.now() - fs.statSync(lockFile).mtimeMs < 10_000, 5_000, 10)
  t.pass('the holder refreshes the lock\'s mtime')
  lock.release()
  t.notOk(fs.existsSync(lockFile), 'released on close')
})

async function h2Request (client: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer): Promise<{ status: number, body: string, version: string }> {
  return await new Promise((resolve, reject) => {
    const req = client.request(headers)
    let status = 0
    let data = ''
    req.on('response', (h) => { status = Number(h[':status']) })
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { data += chunk })
    req.on('end', () => resolve({ status, body: data, version: '2.0' }))
    req.on('error', reject)
    req.end(body)
  })
}

t.test('HTTP2=true: an HTTP/2 client uploads over cleartext h2c; SIGTERM shuts down cleanly', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  // PGlite: materialise this file's data directory before the child opens it.
  await (await database.open()).close()
  const server = await spawnServer({ ...database.env, HTTP2: 'true' })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })

  const client = http2.connect(`http://127.0.0.1:${server.port}`)
  t.teardown(() => client.close())
  const health = await h2Request(client, { ':path': '/healthz' })
  t.same([health.status, JSON.parse(health.body)], [200, { status: 'ok' }], 'h2c answers')

  const body = multipartBody([{ filename: 'products.csv', content: TINY_CATALOG }])
  const started = await h2Request(client, { ':method': 'POST', ':path': '/api/bundles/quick-install', ...multipartHeaders, 'content-length': String(body.length) }, body)
  t.equal(started.status, 200, started.body)
  const jobId = JSON.parse(started.body).job_id
  const deadline = Date.now() + 20_000
  let status = ''
  while (Date.now() < deadline) {
    status = JSON.parse((await h2Request(client, { ':path': `/api/bundles/status/${jobId}` })).body).status
    if (status !== 'PROCESSING') break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(status, 'COMPLETED', 'the install completes over HTTP/2')
  client.close()

  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'SIGTERM: clean exit')
  t.match(server.output(), /shut down cleanly/)
  t.match(server.output(), /"severity":"INFO"/, 'logs carry Cloud Logging severity')
  t.notMatch(server.output(), /Product A/, 'file contents are never logged')
})

t.test('session tokens in the query are masked in the request log, and headers are not logged', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  await (await database.open()).close()
  const server = await spawnServer({ ...database.env })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const secrets = ['eyJhbGciOiJIUzI1NiJ9.page-token-1.sig', 'eyJhbGciOiJIUzI1NiJ9.admin-id-token-2.sig', 'hmac-value-3', 'bearer-token-4']
  const targets = [
    // The page's ?token= (web/README.md), and Shopify's admin opening the embedded app.
    `/?token=${secrets[0]}`,
    `/?embedded=1&host=YWRtaW4uc2hvcGlmeS5jb20&id_token=${secrets[1]}&hmac=${secrets[2]}&shop=mask.myshopify.com`
  ]
  for (const target of targets) {
    const res = await fetch(`${server.url}${target}`, { headers: { authorization: `Bearer ${secrets[3]}`, cookie: `session=${secrets[3]}` } })
    await res.body?.cancel()
  }
  const incoming = async (path: string): Promise<Record<string, unknown>> => await server.waitForLog((l) =>
    l.message === 'incoming request' && String((l.req as { url?: string } | undefined)?.url).startsWith(path), 10_000)
  const first = await incoming('/?token=')
  const second = await incoming('/?embedded=')
  t.equal((first.req as { url: string }).url, '/?token=[REDACTED]', '?token= is logged by name, its value masked')
  t.equal((second.req as { url: string }).url, '/?embedded=1&host=YWRtaW4uc2hvcGlmeS5jb20&id_token=[REDACTED]&hmac=[REDACTED]&shop=mask.myshopify.com',
    'id_token and hmac masked; the other parameters as sent')
  // The last request's last line: everything the requests logged has been read.
  await server.waitForLog((l) => l.message === 'request completed' && l.reqId === second.reqId, 10_000)
  for (const secret of secrets) t.notOk(server.output().includes(secret), `${secret} appears nowhere in the log`)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'SIGTERM: clean exit')
})

t.test('the design\'s curl scenarios over plain HTTP/1 against the running server', async (t) => {
  const database = await createTestDatabase()
  t.teardown(async () => { await database.drop() })
  await (await database.open()).close()
  const server = await spawnServer({ ...database.env, CRON_SECRET: 'curl-scenario-secret-123' })
  t.teardown(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL') })
  const base = `http://127.0.0.1:${server.port}`
  const form = (name: string, content: string): FormData => {
    const data = new FormData()
    data.append('file', new Blob([content], { type: 'text/csv' }), name)
    return data
  }

  // curl -F file=@products.csv http://localhost:8080/api/bundles/quick-install
  const started = await fetch(`${base}/api/bundles/quick-install`, { method: 'POST', body: form('products.csv', TINY_CATALOG) })
  t.equal(started.status, 200)
  const { job_id: jobId } = await started.json() as { job_id: string }
  let job: Record<string, unknown> = {}
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    job = await (await fetch(`${base}/api/bundles/status/${jobId}`)).json() as Record<string, unknown>
    if (job.status !== 'PROCESSING') break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.match(job, { status: 'COMPLETED', processed_count: 1 }, 'curl …/status/<job_id>')
  t.match(await (await fetch(`${base}/api/bundles/quick-install/status`)).json(), { status: 'COMPLETED', can_run: false, can_retry_in_days: 30 }, 'curl …/quick-install/status')

  const again = await fetch(`${base}/api/bundles/quick-install`, { method: 'POST', body: form('products.csv', TINY_CATALOG) })
  t.equal(again.status, 409, 'the same shop again: cooldown')
  t.match(await again.json(), { detail: { error: 'ALREADY_COMPLETED', can_retry_in_days: 30 } })
  const bad = await fetch(`${base}/api/bundles/quick-install`, { method: 'POST', body: form('notes.txt', 'hello'), headers: { 'x-shop-domain': 'another.myshopify.com' } })
  t.same([bad.status, await bad.json()], [400, { detail: 'Invalid file: CSV file required: the file name "notes.txt" does not end in .csv or .csv.gz; export the orders as CSV.' }], 'a non-CSV file')
  const other = await fetch(`${base}/api/bundles/quick-install`, { method: 'POST', body: form('products.csv', TINY_CATALOG), headers: { 'x-shop-domain': 'another.myshopify.com' } })
  t.equal(other.status, 200, 'another shop is independent')

  const bundles = await (await fetch(`${base}/api/bundles`)).json() as { total: number }
  t.equal(bundles.total, 1)
  const csv = await fetch(`${base}/api/bundles/export.csv`)
  t.match(await csv.text(), /^rank,type,source,products/)
  const cron = await fetch(`${base}/api/bundles/cron/cleanup-stuck-jobs`, { method: 'POST', headers: { authorization: 'Bearer curl-scenario-secret-123' } })
  t.same(await cron.json(), { cleaned: 0, message: 'Marked 0 stuck jobs as FAILED' })
  t.match(await (await fetch(`${base}/readyz`)).json(), { status: 'ready', auth_mode: 'development' })
  t.equal((await fetch(`${base}/docs/`)).status, 200)

  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
