// Operations, end to end on the real app: a completed and a failed install each send a signed webhook
// (retried after the receiver's first 500) and an e-mail through a real local SMTP server; the cron
// route accepts Cloud Scheduler's Google OIDC token (and rejects bad ones); /metrics shows it all.
import t from 'tap'
import { startTestApp } from '../helpers/app.js'
import { upload, waitFor, waitForJob } from '../helpers/http.js'
import { verifyWebhookSignature, SIGNATURE_HEADER } from '../../src/notifications/webhook.js'
import { ordersCsv, pairedOrders, VALID_SMALL_CSV } from '../proof/fixtures.js'
import { startOidcIssuer } from './oidc-keys.js'
import { mailText, startSmtpSink, startWebhookReceiver } from './receivers.js'
import { parsePrometheusText } from './prom-text.js'

const WEBHOOK_SECRET = 'webhook-secret-0123456789'
const CRON_SECRET = 'cron-secret-0123456789abcdef'
const AUDIENCE = 'https://bundles.example.run.app/api/bundles/cron/cleanup-stuck-jobs'
const ACCOUNT = 'scheduler@demo-project.iam.gserviceaccount.com'

const receiver = await startWebhookReceiver(1)
const smtp = await startSmtpSink()
const issuer = await startOidcIssuer()
t.teardown(async () => { await receiver.close(); await smtp.close(); await issuer.close() })

const { app } = await startTestApp(t, {
  CRON_SECRET,
  NOTIFY_WEBHOOK_URL: receiver.url,
  NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
  NOTIFY_RETRY_DELAY_SECONDS: 1,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: smtp.port,
  SMTP_FROM: 'bundles@example.com',
  SMTP_TO: 'ops@example.com',
  CRON_OIDC_AUDIENCE: AUDIENCE,
  CRON_OIDC_SERVICE_ACCOUNT: ACCOUNT,
  CRON_OIDC_JWKS_URL: issuer.jwksUrl
})

const shopA = { 'x-shop-domain': 'alpha.myshopify.com' }
const shopB = { 'x-shop-domain': 'beta.myshopify.com' }
const bodies = (): Array<Record<string, unknown>> => receiver.received.filter((r) => r.answered === 204).map((r) => JSON.parse(r.body))

let completedJob = ''
let failedJob = ''

t.test('a completed install: webhook retried after a 500, signed, and an e-mail', async (t) => {
  const res = await upload(app, { filename: 'orders.csv', content: VALID_SMALL_CSV }, shopA)
  t.equal(res.statusCode, 200, res.body)
  completedJob = res.json().job_id
  const job = await waitForJob(app, completedJob, shopA)
  t.equal(job.status, 'COMPLETED')

  const [first, second] = await receiver.waitFor(2)
  t.equal(first.answered, 500, 'the receiver refused the first delivery')
  t.equal(second.answered, 204, 'pg-boss retried it and the receiver took it')
  t.equal(first.body, second.body, 'the retry sends the same body')
  t.ok(verifyWebhookSignature(second.body, String(second.headers[SIGNATURE_HEADER]), WEBHOOK_SECRET), 'X-Signature-SHA256 is the HMAC of the body')
  t.same(JSON.parse(second.body), { job_id: completedJob, shop: 'alpha.myshopify.com', status: 'COMPLETED', bundles_created: job.processed_count, error_message: null })

  const [mail] = await smtp.waitFor(1)
  t.same(mail.to, ['ops@example.com'])
  t.match(mail.raw, new RegExp(`Subject: Bundle quick install completed for alpha\\.myshopify\\.com: ${job.processed_count} bundles`))
  t.match(mailText(mail.raw), completedJob)
})

t.test('a failed install: the webhook and the e-mail carry the reason', async (t) => {
  const oneProductOrders = ordersCsv(pairedOrders().filter((l) => l.product !== 'B-2'))
  const res = await upload(app, { filename: 'orders.csv', content: oneProductOrders }, shopB)
  t.equal(res.statusCode, 200, res.body)
  failedJob = res.json().job_id
  const job = await waitForJob(app, failedJob, shopB)
  t.equal(job.status, 'FAILED')
  await receiver.waitFor(3)
  const delivered = bodies().find((b) => b.job_id === failedJob)
  t.same(delivered, { job_id: failedJob, shop: 'beta.myshopify.com', status: 'FAILED', bundles_created: 0, error_message: job.error_message })
  const mails = await smtp.waitFor(2)
  t.match(mails[1].raw, /Subject: Bundle quick install failed for beta\.myshopify\.com/)
  t.ok(mailText(mails[1].raw).includes(job.error_message), 'the e-mail gives the reason')
})

t.test('the cron route: Google OIDC token or the secret; bad tokens are 401', async (t) => {
  // A stuck install from an instance that died, backdated past the processing timeout.
  const stuckId = '0b7e3a8e-1111-4222-8333-444455556666'
  await app.db.executeSql(`insert into csv_uploads (id, shop_id, filename, status, processing_params, created_at, attempt_started_at, updated_at)
    values ($1, 'gamma.myshopify.com', 'quick_install_20250101T000000Z.csv', 'processing', '{}'::jsonb, now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours')`, [stuckId])
  const url = '/api/bundles/cron/cleanup-stuck-jobs'
  const call = async (token: string) => await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } })
  const good = { aud: AUDIENCE, email: ACCOUNT, email_verified: true, sub: '1' }
  const bad: Array<[string, Promise<string>]> = [
    ['wrong audience', issuer.sign({ ...good, aud: 'https://elsewhere.example/' })],
    ['wrong e-mail', issuer.sign({ ...good, email: 'someone@else.iam.gserviceaccount.com' })],
    ['expired', issuer.sign(good, { expiresIn: Math.floor(Date.now() / 1000) - 300 })],
    ['wrong key', issuer.sign(good, { key: issuer.foreignKey })]
  ]
  for (const [name, token] of bad) {
    const res = await call(await token)
    t.equal(res.statusCode, 401, `${name}: 401`)
    t.match(res.json().detail, /^Unauthorized: send Authorization: Bearer <CRON_SECRET or Google OIDC token>/, `${name}: says what is accepted`)
  }
  const [row] = (await app.db.executeSql('select status from csv_uploads where id = $1', [stuckId])).rows
  t.equal(row.status, 'processing', 'rejected calls swept nothing')

  const ok = await call(await issuer.sign(good))
  t.equal(ok.statusCode, 200, ok.body)
  t.same(ok.json(), { cleaned: 1, message: 'Marked 1 stuck jobs as FAILED' })
  const viaSecret = await call(CRON_SECRET)
  t.equal(viaSecret.statusCode, 200, 'the shared secret still works')
  t.same(viaSecret.json(), { cleaned: 0, message: 'Marked 0 stuck jobs as FAILED' })

  await receiver.waitFor(4)
  await smtp.waitFor(3)
  const swept = bodies().find((b) => b.job_id === stuckId)
  t.same(swept, { job_id: stuckId, shop: 'gamma.myshopify.com', status: 'FAILED', bundles_created: 0, error_message: 'Processing timed out after 10 minutes' }, 'a swept install notifies too')
})

t.test('each outcome was notified exactly once', async (t) => {
  // Wait until every notification job has finished (none waiting, running or retrying): after that no
  // further delivery can come, so the counts below are final.
  const states = async (): Promise<Array<Record<string, unknown>>> => (await app.db.executeSql("select name, state::text as state, count(*)::int as n from pgboss.job where name like 'notify-%' group by 1, 2 order by 1, 2")).rows
  await waitFor('notification jobs to finish', async () => (await states()).every((r) => r.state === 'completed'))
  t.same(await states(), [{ name: 'notify-email', state: 'completed', n: 3 }, { name: 'notify-webhook', state: 'completed', n: 3 }])
  const ids = bodies().map((b) => b.job_id)
  t.equal(ids.length, 3, 'three accepted deliveries')
  t.equal(new Set(ids).size, 3, 'one per install')
  t.equal(smtp.messages.length, 3, 'three e-mails')
})

t.test('/metrics after the uploads', async (t) => {
  const res = await app.inject({ url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const m = parsePrometheusText(res.body)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'accepted' }), 2, 'two uploads accepted')
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'completed' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'failed' }), 1)
  t.equal(m.value('bundle_api_uploads_total', { outcome: 'timed_out' }), 1, 'the swept install')
  t.equal(m.value('bundle_api_job_duration_seconds_count', { status: 'COMPLETED' }), 1)
  t.equal(m.value('bundle_api_job_duration_seconds_count', { status: 'FAILED' }), 1)
  t.ok((m.value('bundle_api_job_duration_seconds_sum', { status: 'COMPLETED' }) ?? 0) > 0, 'duration recorded')
  const rowsInFiles = VALID_SMALL_CSV.trim().split('\n').length - 1 + ordersCsv(pairedOrders().filter((l) => l.product !== 'B-2')).trim().split('\n').length - 1
  t.equal(m.value('bundle_api_rows_processed_total'), rowsInFiles, `rows of both files (${rowsInFiles})`)
  t.ok((m.value('bundle_api_bytes_processed_total') ?? 0) > 2000, 'bytes of both files')
  t.ok((m.value('bundle_api_sweeps_total') ?? 0) >= 2, 'both cron sweeps counted')
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'completed' }), 2, 'queue depth read from pg-boss')
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'quick-install', state: 'active' }), 0)
  t.equal(m.value('bundle_api_queue_jobs', { queue: 'notify-webhook', state: 'completed' }), 3)

  const rejected = await upload(app, { filename: 'orders.txt', content: 'x' }, { 'x-shop-domain': 'delta.myshopify.com' })
  t.equal(rejected.statusCode, 400)
  const after = parsePrometheusText((await app.inject({ url: '/metrics' })).body)
  t.equal(after.value('bundle_api_uploads_total', { outcome: 'rejected' }), 1, 'a 400 counts as rejected')
})
