// What every notification says about an upload that reached a terminal state. Only ids, counts and
// the engine's own error message: never file contents or customer data.

export type TerminalStatus = 'COMPLETED' | 'FAILED'

export interface UploadOutcome {
  job_id: string
  shop: string
  status: TerminalStatus
  bundles_created: number
  error_message: string | null
}

/** What the worker knows when an upload reaches its terminal state (for notifications and metrics). */
export interface FinishedUpload extends UploadOutcome {
  /** Data rows the engine read (0 when it failed before reading). */
  rows_read: number
  /** Upload bytes as received. */
  bytes: number
  /** Worker start to terminal write. */
  duration_ms: number
}

/** Called inside the transaction that writes the terminal status, so its effects commit with it. */
export type UploadFinishedHook = (tx: import('../../db/database.js').Transaction, upload: FinishedUpload) => Promise<void>
