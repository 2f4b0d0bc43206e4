// Wires the optional completion notifications into the app: creates their queues, starts this
// instance's senders, and gives the worker and the sweep one call to make when an upload reaches a
// terminal state: `app.notifications.uploadFinished(tx, outcome)`, inside the transaction that
// writes the terminal status, so a notification exists exactly when that status commits.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { SqlExecutor } from '../../db/database.js'
import type { UploadOutcome } from './payload.js'
import { enqueueOutcomeNotifications, notificationQueues, notificationsEnabled, startNotificationWorkers, type NotificationSettings } from './queues.js'

export interface Notifications {
  readonly settings: NotificationSettings
  /** A webhook or an e-mail is configured. */
  readonly enabled: boolean
  /** Queues the configured webhook and e-mail for this outcome; a no-op when neither is configured. */
  uploadFinished: (tx: SqlExecutor, outcome: UploadOutcome) => Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: Notifications
  }
}

/** The settings this plugin reads from the app's one validated config (src/config.ts). */
export interface NotificationConfig {
  NOTIFY_WEBHOOK_URL?: string
  NOTIFY_WEBHOOK_SECRET?: string
  NOTIFY_RETRY_LIMIT: number
  NOTIFY_RETRY_DELAY_SECONDS: number
  SMTP_HOST?: string
  SMTP_PORT: number
  SMTP_SECURE: boolean
  SMTP_USER?: string
  SMTP_PASS?: string
  SMTP_FROM?: string
  SMTP_TO?: string
}

export function notificationSettingsFrom (config: NotificationConfig): NotificationSettings {
  return {
    webhook: config.NOTIFY_WEBHOOK_URL !== undefined && config.NOTIFY_WEBHOOK_SECRET !== undefined
      ? { url: config.NOTIFY_WEBHOOK_URL, secret: config.NOTIFY_WEBHOOK_SECRET }
      : null,
    smtp: config.SMTP_HOST !== undefined && config.SMTP_FROM !== undefined && config.SMTP_TO !== undefined
      ? {
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          ...(config.SMTP_USER !== undefined ? { user: config.SMTP_USER, pass: config.SMTP_PASS ?? '' } : {}),
          from: config.SMTP_FROM,
          to: config.SMTP_TO
        }
      : null,
    retryLimit: config.NOTIFY_RETRY_LIMIT,
    retryDelaySeconds: config.NOTIFY_RETRY_DELAY_SECONDS
  }
}

export default fp(async function notificationsPlugin (app: FastifyInstance) {
  const settings = notificationSettingsFrom(app.config)
  const boss = app.queue.boss
  let closeSenders = (): void => {}
  if (notificationsEnabled(settings)) {
    await app.queue.ensureQueues(notificationQueues(settings))
    closeSenders = await startNotificationWorkers(boss, settings, app.log)
    app.log.info({ webhook: settings.webhook !== null, email: settings.smtp !== null }, 'completion notifications enabled')
  }
  app.decorate('notifications', {
    settings,
    enabled: notificationsEnabled(settings),
    async uploadFinished (tx, outcome) {
      if (!notificationsEnabled(settings)) return
      await enqueueOutcomeNotifications(boss, settings, outcome, tx)
    }
  } satisfies Notifications)
  app.addHook('onClose', async () => { closeSenders() })
}, { name: 'notifications', dependencies: ['config', 'database', 'queue'], fastify: '5.x' })
