// The service's answers as the page reads them (issue 2's keys, verbatim). Fields the page can do
// without are optional, so an older or newer service still renders.
import type { Bundle, RunSummary } from '../../src/engine/types.js'

export type { Bundle, RunSummary }

export type InstallStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED'

/** GET /api/bundles/quick-install/status: one of the five shapes. */
export interface QuickInstallStatus {
  has_quick_install: boolean
  can_run?: boolean
  message?: string
  job_id?: string
  status?: InstallStatus
  started_at?: string
  created_at?: string
  elapsed_seconds?: number
  completed_at?: string
  bundles_created?: number
  days_since_install?: number
  can_retry_in_days?: number
  error_message?: string | null
  failed_at?: string
  /** FAILED: the earlier install whose bundles GET /api/bundles still serves; null: none ever completed. */
  last_completed_job_id?: string | null
}

/** 200 from POST /api/bundles/quick-install. */
export interface UploadAccepted {
  job_id: string
  status: 'PROCESSING'
  message: string
  is_retry: boolean
}

export interface AlreadyProcessing {
  error: 'ALREADY_PROCESSING'
  job_id: string
  status?: string
  started_at?: string
  elapsed_seconds?: number
  message?: string
}

export interface AlreadyCompleted {
  error: 'ALREADY_COMPLETED'
  job_id: string
  completed_at?: string
  bundles_created?: number
  days_since_install?: number
  can_retry_in_days?: number
  message?: string
}

/** Error bodies: `{detail: "..."}` or `{detail: {error, ...}}`. */
export interface ErrorBody {
  detail?: string | AlreadyProcessing | AlreadyCompleted | { message?: string, [key: string]: unknown }
  message?: string
}

/** GET /api/bundles. */
export interface BundlesPage {
  job_id?: string
  status?: InstallStatus
  completed_at?: string | null
  page?: number
  page_size?: number
  bundles: Bundle[]
  summary?: RunSummary | null
  total?: number
}
