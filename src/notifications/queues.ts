// Notifications travel through pg-boss so a slow or failing receiver never holds up the worker, and
// a crash between "upload finished" and "receiver told" loses nothing: the send is retried with
// exponential backoff, on whichever instance picks it up.
import { createHash } from 'node:crypto'
import type PgBoss from 'pg-boss'
import type { Transporter } from 'nodemailer'
import type { UploadOutcome } from './payload.js'
import { deliverWebhook, type WebhookTarget } from './webhook.js'
import { createSmtpTransport, sendOutcomeEmail, type SmtpSettings } from './email.js'

export const WEBHOOK_QUEUE = 'notify-webhook'
export const EMAIL_QUEUE = 'notify-email'

export interface NotificationSettings {
  webhook: WebhookTarget | null
  smtp: SmtpSettings | null
  /** Attempts after the first (pg-boss retryLimit). */
  retryLimit: number
  /** Base delay; pg-boss doubles it per attempt, with jitter. */
  retryDelaySeconds: number
}

export interface NotificationLog {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

export function notificationsEnabled (settings: NotificationSettings): boolean {
  return settings.webhook !== null || settings.smtp !== null
}

/** The queues the configured notifications need, with their retry policy (for `queue.ensureQueues`). */
export function notificationQueues (settings: NotificationSettings): PgBoss.Queue[] {
  const options = { retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true, expireInSeconds: 120 }
  return [
    ...(settings.webhook !== null ? [{ name: WEBHOOK_QUEUE, ...options }] : []),
    ...(settings.smtp !== null ? [{ name: EMAIL_QUEUE, ...options }] : [])
  ]
}

/** Registers this instance's senders. Returns a function that closes what they opened. */
export async function startNotificationWorkers (boss: PgBoss, settings: NotificationSettings, log: NotificationLog): Promise<() => void> {
  const workOptions = { batchSize: 1, pollingIntervalSeconds: 1 }
  const webhook = settings.webhook
  if (webhook !== null) {
    await boss.work<UploadOutcome>(WEBHOOK_QUEUE, workOptions, async ([job]) => {
      try {
        const status = await deliverWebhook(webhook, job.data)
        log.info({ job_id: job.data.job_id, shop: job.data.shop, http_status: status }, 'completion webhook delivered')
      } catch (err) {
        log.warn({ job_id: job.data.job_id, shop: job.data.shop, err: (err as Error).message }, 'completion webhook failed; pg-boss retries it')
        throw err
      }
    })
  }
  let transport: Transporter | null = null
  const smtp = settings.smtp
  if (smtp !== null) {
    transport = createSmtpTransport(smtp)
    const mailer = transport
    await boss.work<UploadOutcome>(EMAIL_QUEUE, workOptions, async ([job]) => {
      try {
        await sendOutcomeEmail(mailer, smtp, job.data)
        log.info({ job_id: job.data.job_id, shop: job.data.shop }, 'completion e-mail sent')
      } catch (err) {
        log.warn({ job_id: job.data.job_id, shop: job.data.shop, err: (err as Error).message }, 'completion e-mail failed; pg-boss retries it')
        throw err
      }
    })
  }
  return () => { transport?.close() }
}

/**
 * Queues the configured notifications for an upload that just reached a terminal state. Pass `db`
 * (the caller's transaction, as a pg-boss Db) so the notifications exist exactly when the status
 * change commits. Ids are derived from the upload and status, so enqueuing twice sends once.
 */
export async function enqueueOutcomeNotifications (
  boss: PgBoss, settings: NotificationSettings, outcome: UploadOutcome, db?: PgBoss.Db
): Promise<void> {
  const queues = [
    ...(settings.webhook !== null ? [WEBHOOK_QUEUE] : []),
    ...(settings.smtp !== null ? [EMAIL_QUEUE] : [])
  ]
  for (const queue of queues) {
    await boss.send(queue, outcome, {
      id: deterministicUuid(`${queue}:${outcome.job_id}:${outcome.status}`),
      ...(db !== undefined ? { db } : {})
    })
  }
}

function deterministicUuid (seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex')
  // Shape it as an RFC 4122 version-5-style UUID so Postgres' uuid type accepts it.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
