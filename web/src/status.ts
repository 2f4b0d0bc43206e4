// What a status answer means for the page. Pure: no DOM, unit-tested.
import type { QuickInstallStatus } from './api-types.js'

/** PROCESSING, COMPLETED or FAILED; NONE for a shop that never ran one. */
export function stateOf (s: QuickInstallStatus): string {
  return s.has_quick_install ? (s.status ?? 'UNKNOWN') : 'NONE'
}

/**
 * Whether the service would accept an upload now. A completed install within its cooldown would be
 * refused (409), so the page offers none. `can_run` decides; an older service without it is judged
 * by the days left.
 */
export function canRunAgain (s: QuickInstallStatus): boolean {
  if (typeof s.can_run === 'boolean') return s.can_run
  return !(typeof s.can_retry_in_days === 'number' && s.can_retry_in_days > 0)
}
