// What an install's state means to the merchant: the status shapes, the cooldown and the 409s.
import type { CsvUpload } from '../../db/schema.js'
import type { ShopInstall } from '../repositories/uploads.js'
import type { QuickInstallStatus } from '../routes/schemas.js'
import { AlreadyCompletedError, AlreadyProcessingError, withDetail } from '../errors.js'

const DAY_MS = 86_400_000

/** "1 day", "2 days", "0 days": the merchant reads these sentences. */
export const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`

/** When an install completed, in whole days: "today", "1 day ago", "3 days ago". */
export const daysAgo = (n: number): string => (n === 0 ? 'today' : `${days(n)} ago`)

export const apiStatus = (status: string): 'PROCESSING' | 'COMPLETED' | 'FAILED' =>
  status.toUpperCase() as 'PROCESSING' | 'COMPLETED' | 'FAILED'

export const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString())

export interface Cooldown { daysSinceInstall: number, canRetryInDays: number }

/** An install completed after this still holds the cooldown at `now`. */
export const cooldownStart = (now: Date, cooldownDays: number): Date => new Date(now.getTime() - cooldownDays * DAY_MS)

export function cooldown (completedAt: Date, now: Date, cooldownDays: number): Cooldown {
  const daysSinceInstall = Math.max(0, Math.floor((now.getTime() - completedAt.getTime()) / DAY_MS))
  return { daysSinceInstall, canRetryInDays: Math.max(0, cooldownDays - daysSinceInstall) }
}

const elapsedSeconds = (since: Date, now: Date): number => Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000))

/**
 * GET /api/bundles/quick-install/status, from the shop's current upload (findShopInstall). Typed by the
 * route's published shapes, so a change here that no shape allows (the serializer's 500) fails to compile.
 */
export function statusShape ({ current: latest, lastCompletedJobId }: ShopInstall, now: Date, cooldownDays: number): QuickInstallStatus {
  if (latest === undefined) {
    return { has_quick_install: false, can_run: true, message: 'Quick install has not been run for this shop' }
  }
  const base = { has_quick_install: true as const, job_id: latest.id, created_at: latest.created_at.toISOString() }
  if (latest.status === 'processing') {
    return {
      ...base,
      status: 'PROCESSING',
      can_run: false,
      started_at: latest.created_at.toISOString(),
      elapsed_seconds: elapsedSeconds(latest.created_at, now),
      message: 'Quick install is processing. Bundles are being generated...'
    }
  }
  if (latest.status === 'failed') {
    return {
      ...base,
      status: 'FAILED',
      can_run: true,
      error_message: latest.error_message ?? 'Quick install failed',
      failed_at: latest.updated_at.toISOString(),
      last_completed_job_id: lastCompletedJobId,
      message: 'Quick install failed. You can try again.'
    }
  }
  const completedAt = latest.completed_at ?? latest.updated_at
  const { daysSinceInstall, canRetryInDays } = cooldown(completedAt, now, cooldownDays)
  const completed = {
    ...base,
    status: 'COMPLETED' as const,
    completed_at: completedAt.toISOString(),
    bundles_created: latest.processed_rows,
    days_since_install: daysSinceInstall
  }
  return canRetryInDays > 0
    ? { ...completed, can_run: false, can_retry_in_days: canRetryInDays, message: `Quick install completed - Can retry in ${days(canRetryInDays)}` }
    : { ...completed, can_run: true, can_retry_in_days: 0, message: 'Quick install completed - You can run it again' }
}

/**
 * Throws the 409 that stops a new install, if any, from the shop's current upload (findCurrentUpload:
 * the one processing, else the newest completed within the cooldown, else the newest). Returns whether
 * the new install retries a failed one.
 */
export function assertCanStart (latest: CsvUpload | undefined, now: Date, cooldownDays: number): { isRetry: boolean } {
  if (latest === undefined) return { isRetry: false }
  if (latest.status === 'processing') throw alreadyProcessing(latest, now)
  if (latest.status === 'completed') {
    const completedAt = latest.completed_at ?? latest.updated_at
    const { daysSinceInstall, canRetryInDays } = cooldown(completedAt, now, cooldownDays)
    if (canRetryInDays > 0) {
      throw withDetail(new AlreadyCompletedError(), {
        error: 'ALREADY_COMPLETED',
        job_id: latest.id,
        completed_at: iso(completedAt),
        bundles_created: latest.processed_rows,
        days_since_install: daysSinceInstall,
        can_retry_in_days: canRetryInDays,
        message: `Quick install completed ${daysAgo(daysSinceInstall)}. You can run it again in ${days(canRetryInDays)}.`
      })
    }
  }
  return { isRetry: latest.status === 'failed' }
}

export function alreadyProcessing (upload: CsvUpload, now: Date): Error {
  return withDetail(new AlreadyProcessingError(), {
    error: 'ALREADY_PROCESSING',
    job_id: upload.id,
    status: 'PROCESSING',
    started_at: iso(upload.created_at),
    elapsed_seconds: elapsedSeconds(upload.created_at, now),
    message: 'Quick install is already processing for this shop. Please wait for it to finish.'
  })
}
