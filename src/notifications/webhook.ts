// The completion webhook: POST the outcome as JSON, signed so the receiver can tell it came from us.
// X-Signature-SHA256 is the lowercase hex HMAC-SHA256 of the exact body bytes under the shared secret.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { UploadOutcome } from './payload.js'

export const SIGNATURE_HEADER = 'x-signature-sha256'

export function signWebhookBody (body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}

/** For receivers (and tests): does `signature` match the body under `secret`? Constant-time. */
export function verifyWebhookSignature (body: string | Buffer, signature: string, secret: string): boolean {
  const expected = Buffer.from(signWebhookBody(body, secret), 'hex')
  const given = Buffer.from(signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export interface WebhookTarget {
  url: string
  secret: string
  timeoutMs?: number
}

/** Serialises the body once, so the signature covers exactly the bytes sent. */
export function webhookBody (outcome: UploadOutcome): string {
  const { job_id, shop, status, bundles_created, error_message } = outcome
  return JSON.stringify({ job_id, shop, status, bundles_created, error_message })
}

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError'
}

/**
 * Sends one delivery. Anything but a 2xx throws, so the pg-boss job that called it is retried with
 * backoff. Redirects are not followed: a signed body goes only to the configured URL.
 */
export async function deliverWebhook (target: WebhookTarget, outcome: UploadOutcome): Promise<number> {
  const body = webhookBody(outcome)
  let res: Response
  try {
    res = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'bundle-api-webhook/1',
        [SIGNATURE_HEADER]: signWebhookBody(body, target.secret)
      },
      body,
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000)
    })
  } catch (err) {
    throw new WebhookDeliveryError(`webhook unreachable: ${(err as Error).message}`)
  }
  await res.body?.cancel()
  if (res.status < 200 || res.status > 299) throw new WebhookDeliveryError(`webhook answered HTTP ${res.status}`)
  return res.status
}
