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
