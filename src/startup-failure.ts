// What start-up failed on, as one line for stderr: the log may be off (LOG_LEVEL=silent), and a
// platform shows stderr even when it drops the structured log. Configured secrets never appear in it.
import type { Config } from './config.js'

const SECRET_KEYS = ['SHOPIFY_API_SECRET', 'CRON_SECRET', 'METRICS_TOKEN', 'NOTIFY_WEBHOOK_SECRET', 'SMTP_PASS', 'DATABASE_URL'] as const

/** The configured secrets as they could appear in a message: whole, and a DATABASE_URL's password alone (raw and decoded). */
function secretsOf (config: Config): string[] {
  const secrets: string[] = SECRET_KEYS.map(key => config[key]).filter((v): v is string => typeof v === 'string')
  if (config.DATABASE_URL !== undefined) {
    const password = /^[^:]+:\/\/[^:/?#]*:([^@]*)@/.exec(config.DATABASE_URL)?.[1]
    if (password !== undefined) {
      secrets.push(password)
      try { secrets.push(decodeURIComponent(password)) } catch {}
    }
  }
  // Longest first, so a password inside the URL does not leave the rest of the URL behind.
  return secrets.filter(s => s.length >= 3).sort((a, b) => b.length - a.length)
}

function describe (err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  // Node reports a refused connection to every address of a host as an AggregateError with no message.
  const inner = err instanceof AggregateError && err.message === '' ? err.errors.map(describe).join('; ') : err.message
  const code = (err as { code?: unknown }).code
  return `${err.name}: ${inner}${typeof code === 'string' && !inner.includes(code) ? ` (${code})` : ''}`
}

export function startupFailureLine (err: unknown, config: Config): string {
  let text = describe(err)
  for (const secret of secretsOf(config)) text = text.split(secret).join('[redacted]')
  return `bundle-api could not start: ${text.replace(/\s*\n\s*/g, ' ')}\n`
}
