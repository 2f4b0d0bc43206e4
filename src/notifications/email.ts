// The completion e-mail: a short plain-text message to the configured recipients through SMTP.
import nodemailer, { type Transporter } from 'nodemailer'
import type { UploadOutcome } from './payload.js'

export interface SmtpSettings {
  host: string
  port: number
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean
  user?: string
  pass?: string
  from: string
  to: string
  /** For local relays with self-signed certificates. */
  rejectUnauthorized?: boolean
}

export interface OutcomeMessage {
  from: string
  to: string
  subject: string
  text: string
}

export function composeOutcomeEmail (outcome: UploadOutcome, settings: Pick<SmtpSettings, 'from' | 'to'>): OutcomeMessage {
  const completed = outcome.status === 'COMPLETED'
  const subject = completed
    ? `Bundle quick install completed for ${outcome.shop}: ${outcome.bundles_created} bundles`
    : `Bundle quick install failed for ${outcome.shop}`
  const lines = [
    completed
      ? `The quick install for ${outcome.shop} finished and created ${outcome.bundles_created} bundle recommendations.`
      : `The quick install for ${outcome.shop} failed: ${outcome.error_message ?? 'no reason recorded'}`,
    completed ? '' : 'The merchant can upload the file again at once; a failed install does not start the cooldown.',
    '',
    `Job id: ${outcome.job_id}`,
    `Status: ${outcome.status}`
  ]
  return { from: settings.from, to: settings.to, subject, text: lines.join('\n') }
}

export function createSmtpTransport (settings: SmtpSettings): Transporter {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user !== undefined ? { user: settings.user, pass: settings.pass ?? '' } : undefined,
    tls: { rejectUnauthorized: settings.rejectUnauthorized ?? true },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000
  })
}

/** Sends one message; throws on any SMTP failure so the pg-boss job is retried. Returns the message id. */
export async function sendOutcomeEmail (transport: Transporter, settings: SmtpSettings, outcome: UploadOutcome): Promise<string> {
  const info = await transport.sendMail(composeOutcomeEmail(outcome, settings))
  return String(info.messageId)
}
