// Turns the service's answers into sentences a merchant can read. Pure: no DOM, unit-tested.
import type { AlreadyCompleted, AlreadyProcessing, ErrorBody, QuickInstallStatus, RunSummary } from './api-types.js'
import { canRunAgain } from './status.js'

export const SESSION_REFUSED = 'The service did not accept your session. Open the app again from your Shopify admin.'
export const SESSION_UNAVAILABLE = 'Shopify did not give this page a session. Open the app again from your Shopify admin.'
export const NO_SESSION = 'This service needs a Shopify session: open the app from your Shopify admin, ' +
  'or add ?token=<session token> to this page\'s address.'

export function plural (n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** "28 Nov 2026, 17:20 UTC": unambiguous for any reader, whatever their locale. */
export function formatTime (iso: string | undefined): string | null {
  if (iso === undefined) return null
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const hh = String(d.getUTCHours()).padStart(2, '0')
  const mm = String(d.getUTCMinutes()).padStart(2, '0')
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`
}

/** "1 h 02 min 05 s" style elapsed time. */
export function formatElapsed (seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(sec).padStart(2, '0')} s`
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`
  return `${sec} s`
}

export function formatBytes (bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte')
  const units = ['KB', 'MB', 'GB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function cooldownSentence (days: number | undefined): string {
  if (days === undefined) return ''
  if (days <= 0) return 'You can run it again now.'
  return `You can run it again in ${plural(days, 'day')}.`
}

/** Above the bundles of a completed install: what it made, when, and when it can run again. */
export function completedSentence (s: QuickInstallStatus): string {
  const when = formatTime(s.completed_at)
  const made = typeof s.bundles_created === 'number' ? `made ${plural(s.bundles_created, 'bundle')}` : 'finished'
  // Within the cooldown the page offers no upload, so this sentence is where the merchant learns why.
  const again = typeof s.can_retry_in_days === 'number'
    ? cooldownSentence(s.can_retry_in_days)
    : (canRunAgain(s) ? 'You can run it again now.' : 'It cannot be run again yet.')
  return `Quick install ${made}${when === null ? '' : ` on ${when}`}. ${again}`
}

/** Above the bundles still served after a later run failed (GET /api/bundles keeps the last completed). */
export function previousBundlesSentence (completedAt: string | null | undefined): string {
  const when = formatTime(completedAt ?? undefined)
  return `The failed run did not replace them: these are still your shop's bundles, from the quick install${when === null ? ' that last completed' : ` completed on ${when}`}.`
}

export function alreadyCompletedSentence (d: AlreadyCompleted): string {
  const when = formatTime(d.completed_at)
  const parts = [when === null ? 'Quick install has already run for this shop' : `Quick install already finished on ${when}`]
  if (typeof d.bundles_created === 'number') parts[0] += ` and made ${plural(d.bundles_created, 'bundle')}`
  return `${parts[0]}. ${cooldownSentence(d.can_retry_in_days)}`.trim()
}

/**
 * The alert once a 409 ALREADY_COMPLETED has brought up that install: the sentence above its bundles
 * says when it finished, what it made and when it can run again, so this says only what became of the file.
 */
export const ALREADY_COMPLETED_SHOWN = 'Your file was not used: quick install had already finished for this shop. Its bundles are below.'

export function alreadyProcessingSentence (d: AlreadyProcessing): string {
  const when = formatTime(d.started_at)
  return `A quick install is already running for this shop${when === null ? '' : ` (started ${when})`}. Showing its progress instead.`
}

function detailOf (body: unknown): ErrorBody['detail'] {
  if (body !== null && typeof body === 'object' && 'detail' in body) return (body as ErrorBody).detail
  return undefined
}

function textOf (body: unknown): string | null {
  const detail = detailOf(body)
  if (typeof detail === 'string' && detail.trim() !== '') return detail.trim()
  if (detail !== null && typeof detail === 'object' && typeof detail.message === 'string') return detail.message
  if (body !== null && typeof body === 'object' && typeof (body as ErrorBody).message === 'string') return (body as ErrorBody).message ?? null
  return null
}

function sentence (text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}

export type UploadRefusal =
  | { kind: 'already-processing', jobId: string, text: string }
  | { kind: 'already-completed', text: string }
  | { kind: 'error', text: string }

/** What to tell the merchant when an upload is refused (or the service cannot be reached: status 0). */
export function uploadRefusal (status: number, body: unknown): UploadRefusal {
  const detail = detailOf(body)
  if (status === 409 && detail !== null && typeof detail === 'object') {
    if (detail.error === 'ALREADY_PROCESSING' && typeof detail.job_id === 'string') {
      return { kind: 'already-processing', jobId: detail.job_id, text: alreadyProcessingSentence(detail as AlreadyProcessing) }
    }
    if (detail.error === 'ALREADY_COMPLETED') {
      return { kind: 'already-completed', text: alreadyCompletedSentence(detail as AlreadyCompleted) }
    }
  }
  const text = textOf(body)
  switch (status) {
    case 0:
      return { kind: 'error', text: 'The upload did not reach the service. Check your connection and try again.' }
    case 400:
      return { kind: 'error', text: `The file was not accepted: ${sentence(text ?? 'it is not a readable order export')}` }
    case 413:
      // The service's detail names its limit (it depends on MAX_UPLOAD_MB).
      return {
        kind: 'error',
        text: sentence(text ?? 'File too large for this service. Compress it to .csv.gz, or export a shorter date range, and upload again')
      }
    case 401:
    case 403:
      return { kind: 'error', text: SESSION_REFUSED }
    case 429:
      return { kind: 'error', text: sentence(text ?? 'Too many uploads just now. Wait a minute and try again') }
    default:
      if (status >= 500) return { kind: 'error', text: 'The service had a problem storing the file. Try again in a few minutes.' }
      return { kind: 'error', text: sentence(text ?? `The upload was refused (HTTP ${status})`) }
  }
}

/** The processing card's note while the status cannot be read; polling retries after `retryInMs`. */
export function lostContactNote (retryInMs: number, cause: 'network' | 'session'): string {
  const when = `trying again in ${Math.round(retryInMs / 1000)} s.`
  return cause === 'session' ? `Shopify did not give this page a session; ${when}` : `Lost contact with the service; ${when}`
}

export interface StoppedChecking { state: string, note: string, status: string, alert: string }

/**
 * What the processing card and the page say once polling stopped on an answer no retry can fix
 * (`httpStatus`, e.g. 401 when the session ended): the install itself may well still be running.
 */
export function stoppedChecking (httpStatus: number): StoppedChecking {
  return {
    state: 'Not known: checking stopped',
    note: 'Stopped checking: the install may still be running. Reload the page to see where it is.',
    status: 'Stopped checking the quick install.',
    alert: httpStatus === 401 || httpStatus === 403
      ? SESSION_REFUSED
      : `Could not read the quick install status (HTTP ${httpStatus}). Reload the page to try again.`
  }
}

/** The CSV download failed: `httpStatus` is the service's answer, null when there was none. */
export function downloadFailure (httpStatus: number | null): string {
  if (httpStatus === 401 || httpStatus === 403) return SESSION_REFUSED
  if (httpStatus === 404) return 'These bundles are no longer available to download. Reload the page to see the current ones.'
  if (httpStatus === null) return 'The CSV download did not reach the service. Check your connection and try again.'
  return `The CSV download failed (HTTP ${httpStatus}). Try again in a few minutes.`
}

// lines_dropped counts lines, so each label reads after a number of lines: "258 in cancelled orders".
// A noun has its singular too, so one line reads "1 gift card", not "1 gift cards".
const DROP_LABELS: Record<string, string | readonly [one: string, many: string]> = {
  cancelled: 'in cancelled orders',
  voided: 'in voided orders',
  refunded: 'refunded',
  pending: 'in unpaid (pending) orders',
  gift_card: ['gift card', 'gift cards'],
  tip: ['tip', 'tips'],
  shipping_protection: 'shipping protection',
  service_add_on: ['service add-on (protection plan, carbon offset, donation or gift wrap)',
    'service add-ons (protection plans, carbon offsets, donations, gift wrap)'],
  fee: 'postage, fees and adjustments',
  free_item: ['free item', 'free items'],
  duplicate_line: 'repeats of a product within an order (merged)', // listed apart: see summaryRows
  inactive_product: ['draft or archived product', 'draft or archived products'],
  image_row: ['image-only row', 'image-only rows']
}

/** The label after `count` lines dropped for `reason` (the plural unless the count is 1). */
export function dropReasonLabel (reason: string, count = 2): string {
  const label = DROP_LABELS[reason] ?? reason.replace(/_/g, ' ')
  return typeof label === 'string' ? label : label[count === 1 ? 0 : 1]
}

/** A summary value: one line, or a list (lines dropped by reason). */
export type SummaryValue = string | string[]

/** The run summary as label/value rows, in the order a merchant reads them. */
export function summaryRows (s: RunSummary): Array<[string, SummaryValue]> {
  const rows: Array<[string, SummaryValue]> = []
  if (s.kind === 'catalog') {
    rows.push(['File', 'a product catalog (no orders): bundles are heuristic suggestions'])
    rows.push(['Rows read', s.rows_read.toLocaleString('en-US')])
  } else {
    rows.push(['Orders read', s.orders_read.toLocaleString('en-US')])
    rows.push(['Orders used', s.orders_used.toLocaleString('en-US')])
    rows.push(['Orders with two or more products', s.multi_product_orders.toLocaleString('en-US')])
  }
  rows.push(['Products', s.products.toLocaleString('en-US')])
  // A repeated line is merged into its order's line (quantities added), not left out: counted apart.
  const merged = s.lines_dropped?.duplicate_line ?? 0
  const dropped = Object.entries(s.lines_dropped ?? {})
    .filter(([reason]) => reason !== 'duplicate_line')
    .map(([reason, n]) => [reason, n ?? 0] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
  const droppedTotal = dropped.reduce((sum, [, n]) => sum + n, 0)
  rows.push([`Lines left out${droppedTotal > 0 ? ` (${droppedTotal.toLocaleString('en-US')})` : ''}`, dropped.length === 0
    ? 'none'
    : dropped.map(([r, n]) => `${n.toLocaleString('en-US')} ${dropReasonLabel(r, n)}`)])
  if (merged > 0) {
    rows.push(['Repeated lines merged', `${plural(merged, 'line')} for a product already in its order: counted once, quantities added`])
  }
  const skipped = Object.entries(s.rows_skipped ?? {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
  if (skipped.length > 0) {
    rows.push(['Unreadable rows skipped', skipped.map(([r, n]) => `${n.toLocaleString('en-US')}: ${r}`)])
  }
  if (s.warnings !== undefined && s.warnings.length > 0) rows.push(['Notes on the file', s.warnings.join(' ')])
  if (s.bundles !== undefined) {
    rows.push(['Bundles', `${plural(s.bundles.FBT, 'bought-together bundle')}, ${plural(s.bundles.VOLUME, 'volume discount')}`])
  }
  return rows
}
