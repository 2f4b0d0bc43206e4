// The page's elements and the three ways it speaks: the status line (a polite live region), the
// alerts, and which sections are shown, with the keyboard following a change of section.
import { byId, focusHeading, show } from './dom.js'

export const ui = {
  shopForm: byId<HTMLFormElement>('shop-form'),
  shop: byId<HTMLInputElement>('shop'),
  shopButton: byId<HTMLButtonElement>('shop-button'),
  status: byId('status'),
  alert: byId('alert'),
  uploadSection: byId('upload-section'),
  uploadForm: byId<HTMLFormElement>('upload-form'),
  dropZone: byId('drop-zone'),
  file: byId<HTMLInputElement>('file'),
  fileInfo: byId('file-info'),
  uploadButton: byId<HTMLButtonElement>('upload-button'),
  uploadMessage: byId('upload-message'),
  progress: byId('upload-progress'),
  progressBar: byId<HTMLProgressElement>('progress-bar'),
  progressText: byId('progress-text'),
  processing: byId('processing-section'),
  procState: byId('proc-state'),
  procElapsed: byId('proc-elapsed'),
  procJob: byId('proc-job'),
  procNote: byId('proc-note'),
  failed: byId('failed-section'),
  failedMessage: byId('failed-message'),
  retry: byId<HTMLButtonElement>('retry-button'),
  results: byId('results-section'),
  resultsHeading: byId('results-heading'),
  resultsMeta: byId('results-meta'),
  exportButton: byId<HTMLButtonElement>('export-button'),
  bundlesBody: byId<HTMLTableSectionElement>('bundles-body'),
  summary: byId('summary')
}

/** The status line, read out by screen readers. The same text again is not set again (nor re-read). */
export function announce (text: string): void {
  if (ui.status.textContent !== text) ui.status.textContent = text
}

/**
 * Shows one message, or clears them. Answers to an upload appear beside the upload button, where the
 * merchant is looking; the rest at the top of the page. Both are role="alert" regions.
 */
export function setAlert (text: string | null, kind: 'info' | 'error' = 'error', where: 'page' | 'upload' = 'page'): void {
  for (const el of [ui.alert, ui.uploadMessage]) {
    el.textContent = ''
    show(el, false)
  }
  if (text === null) return
  const el = where === 'upload' ? ui.uploadMessage : ui.alert
  el.textContent = text
  el.className = kind === 'error' ? 'notice notice-error' : 'notice'
  show(el, true)
  el.scrollIntoView({ block: 'nearest' })
}

export interface Sections { upload?: boolean, processing?: boolean, failed?: boolean, results?: boolean }

/**
 * Shows these sections and hides the others. The keyboard moves to `lead`'s heading when the
 * merchant caused the change (`follow`), or when the focused element is being hidden (focus would
 * otherwise drop to the top of the page); else it stays where the merchant left it.
 */
export function showSections (which: Sections, lead?: HTMLElement, follow = false): void {
  const focused = document.activeElement
  show(ui.uploadSection, which.upload === true)
  show(ui.processing, which.processing === true)
  show(ui.failed, which.failed === true)
  show(ui.results, which.results === true)
  if (lead === undefined) return
  const lost = focused instanceof HTMLElement && focused !== document.body && focused.closest('[hidden]') !== null
  if (follow || lost) focusHeading(lead)
}

/**
 * Disables these buttons while an action runs and returns the function that enables them again.
 * A disabled button drops the keyboard focus (it falls to the page's body, and the next Tab starts
 * over from the top), so the button that had the focus gets it back, unless the action has moved
 * the focus somewhere meanwhile (a new section's heading) or the button is now hidden.
 */
export function disableWhileBusy (...buttons: HTMLButtonElement[]): () => void {
  const focused = buttons.find(button => button === document.activeElement)
  for (const button of buttons) button.disabled = true
  return () => {
    for (const button of buttons) button.disabled = false
    const active = document.activeElement
    if (focused !== undefined && (active === null || active === document.body) && focused.closest('[hidden]') === null) focused.focus()
  }
}
