// The two notification senders against real local receivers: the signed webhook and SMTP e-mail.
import t from 'tap'
import { deliverWebhook, signWebhookBody, verifyWebhookSignature, webhookBody, SIGNATURE_HEADER } from '../../src/notifications/webhook.js'
import { createSmtpTransport, sendOutcomeEmail, composeOutcomeEmail } from '../../src/notifications/email.js'
import type { UploadOutcome } from '../../src/notifications/payload.js'
import { mailText, startSmtpSink, startWebhookReceiver } from './receivers.js'

const completed: UploadOutcome = { job_id: '6f1c1f9e-0000-4000-8000-000000000001', shop: 'demo.myshopify.com', status: 'COMPLETED', bundles_created: 12, error_message: null }
const failed: UploadOutcome = { job_id: '6f1c1f9e-0000-4000-8000-000000000002', shop: 'demo.myshopify.com', status: 'FAILED', bundles_created: 0, error_message: 'no order had two or more products' }

t.test('HMAC signature matches the known RFC 4231 vector and the exact body', async (t) => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
  t.equal(signWebhookBody('what do ya want for nothing?', 'Jefe'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  const body = webhookBody(completed)
  t.same(JSON.parse(body), completed, 'body carries exactly the five fields')
  t.same(Object.keys(JSON.parse(body)), ['job_id', 'shop', 'status', 'bundles_created', 'error_message'])
  const sig = signWebhookBody(body, 's3cret')
  t.ok(verifyWebhookSignature(body, sig, 's3cret'))
  t.notOk(verifyWebhookSignature(body, sig, 'other'), 'another secret does not verify')
  t.notOk(verifyWebhookSignature(body.replace('12', '13'), sig, 's3cret'), 'a changed body does not verify')
  t.notOk(verifyWebhookSignature(body, 'zz', 's3cret'), 'a malformed signature does not verify')
})

t.test('webhook delivery to a local receiver: signed body, 5xx throws so the job retries', async (t) => {
  const receiver = await startWebhookReceiver(1)
  t.teardown(receiver.close)
  const target = { url: receiver.url, secret: 'hook-secret' }
  await t.rejects(deliverWebhook(target, failed), /HTTP 500/, 'a 500 from the receiver is a failure')
  t.equal(await deliverWebhook(target, failed), 204, 'the second attempt is accepted')
  const [first, second] = await receiver.waitFor(2)
  for (const r of [first, second]) {
    t.equal(r.headers['content-type'], 'application/json')
    t.ok(verifyWebhookSignature(r.body, String(r.headers[SIGNATURE_HEADER]), 'hook-secret'), 'receiver verifies the HMAC')
    t.same(JSON.parse(r.body), failed)
  }
})

t.test('webhook to a closed port throws a clear error', async (t) => {
  const receiver = await startWebhookReceiver()
  const url = receiver.url
  await receiver.close()
  await t.rejects(deliverWebhook({ url, secret: 'x', timeoutMs: 2000 }, completed), /webhook unreachable/)
})

t.test('e-mail through a local SMTP server with authentication', async (t) => {
  const sink = await startSmtpSink({ user: 'mailer', pass: 'pw' })
  t.teardown(sink.close)
  const smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: 'mailer', pass: 'pw', from: 'bundles@example.com', to: 'ops@example.com' }
  const transport = createSmtpTransport(smtp)
  t.teardown(() => transport.close())
  await sendOutcomeEmail(transport, smtp, completed)
  await sendOutcomeEmail(transport, smtp, failed)
  const [ok, ko] = await sink.waitFor(2)
  t.equal(ok.from, 'bundles@example.com')
  t.same(ok.to, ['ops@example.com'])
  t.match(ok.raw, /Subject: Bundle quick install completed for demo\.myshopify\.com: 12 bundles/)
  t.match(mailText(ok.raw), completed.job_id)
  t.match(ko.raw, /Subject: Bundle quick install failed for demo\.myshopify\.com/)
  t.match(mailText(ko.raw), /no order had two or more products/, 'the failure reason reaches the e-mail')

  const wrong = createSmtpTransport({ ...smtp, pass: 'nope' })
  t.teardown(() => wrong.close())
  await t.rejects(sendOutcomeEmail(wrong, { ...smtp, pass: 'nope' }, completed), 'bad SMTP credentials throw, so the job retries')
  t.equal(composeOutcomeEmail(completed, smtp).text.includes('@example.com'), false, 'no address but the recipient headers')
})
