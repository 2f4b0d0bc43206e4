// The merchant page's controller: finds out who it speaks for, asks the status endpoint what this
// shop's quick install is doing, and shows the upload form, the progress, the failure or the bundles.
import type { BundlesPage, QuickInstallStatus } from './api-types.js'
import { ApiError, downloadExport, exportUrl, getJson, uploadFile } from './api.js'
import { authModeFrom, normaliseShop } from './auth-mode.js'
import { Session, initialShop, rememberShop } from './auth.js'
import { byId, show } from './dom.js'
import { cooldownSentence, formatBytes, formatElapsed, formatTime, plural, uploadRefusal } from './messages.js'
import { createPoller, type Poller } from './poller.js'
import { renderBundles, renderSummary } from './render.js'

const STATUS_URL = '/api/bundles/quick-install/status'
const SESSION_REFUSED = 'The service did not accept your session. Open the app again from your Shopify admin.'
const NO_SESSION = 'This service needs a Shopify session: open the app from your Shopify admin, ' +
  'or add ?token=<session token> to this page\'s address.'
const POLL_MS = 2000

const ui = {
  shopForm: byId<HTMLFormElement>('shop-form'),
  shop: byId<HTMLInputElement>('shop'),
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
  resultsMeta: byId('results-meta'),
  exportLink: byId<HTMLAnchorElement>('export-link'),
  bundlesBody: byId<HTMLTableSectionElement>('bundles-body'),
  summary: byId('summary')
}

let session = new Session('development', '')
let poller: Poller | null = null
let completedJob: string | null = null
let elapsedTimer: ReturnType<typeof setInterval> | null = null
let elapsedOrigin = 0 // Date.now() at which the job started, by the server's elapsed_seconds
// Bumped when the shop changes or an upload starts, so late answers meant for the old view are dropped.
let view = 0

function announce (text: string): void {
  ui.status.textContent = text
}

/**
 * Shows one message, or clears them. Answers to an upload appear beside the upload button, where the
 * merchant is looking; the rest at the top of the page. Both are role="alert" regions.
 */
function setAlert (text: string | null, kind: 'info' | 'error' = 'error', where: 'page' | 'upload' = 'page'): void {
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

function stopPolling (): void {
  poller?.stop()
  if (elapsedTimer !== null) clearInterval(elapsedTimer)
  elapsedTimer = null
}

function showSections (which: { upload?: boolean, processing?: boolean, failed?: boolean, results?: boolean }): void {
  show(ui.uploadSection, which.upload === true)
  show(ui.processing, which.processing === true)
  show(ui.failed, which.failed === true)
  show(ui.results, which.results === true)
}

// ---- processing -------------------------------------------------------------------------------

function updateElapsed (): void {
  ui.procElapsed.textContent = formatElapsed((Date.now() - elapsedOrigin) / 1000)
}

function showProcessing (jobId: string | undefined, elapsedSeconds: number | undefined, startedAt: string | undefined): void {
  showSections({ processing: true })
  ui.procState.textContent = 'Processing'
  ui.procJob.textContent = jobId ?? ''
  ui.procNote.textContent = 'Checking every 2 seconds. You can leave or reload this page: it picks up where it is.'
  syncElapsed(elapsedSeconds, startedAt)
  announce('Processing: bundles are being generated from your file.')
  if (elapsedTimer === null) elapsedTimer = setInterval(updateElapsed, 1000)
}

function syncElapsed (elapsedSeconds: number | undefined, startedAt: string | undefined): void {
  // The server's elapsed_seconds avoids trusting this computer's clock against the server's.
  if (typeof elapsedSeconds === 'number') elapsedOrigin = Date.now() - elapsedSeconds * 1000
  else if (startedAt !== undefined && !Number.isNaN(Date.parse(startedAt))) elapsedOrigin = Date.parse(startedAt)
  else if (elapsedOrigin === 0) elapsedOrigin = Date.now()
  updateElapsed()
}

function stateOf (s: QuickInstallStatus): string {
  return s.has_quick_install ? (s.status ?? 'UNKNOWN') : 'NONE'
}

function startPolling (knownState: string | undefined, delayFirst: boolean): void {
  poller?.stop()
  const current = view
  poller = createPoller<QuickInstallStatus>({
    fetchStatus: async () => await getJson<QuickInstallStatus>(session, STATUS_URL),
    stateOf,
    terminalStates: ['COMPLETED', 'FAILED', 'NONE'],
    intervalMs: POLL_MS,
    maxBackoffMs: 30_000,
    isFatal: e => e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429,
    onStatus: s => {
      if (current !== view) return
      if (stateOf(s) === 'PROCESSING') {
        ui.procState.textContent = 'Processing'
        ui.procJob.textContent = s.job_id ?? ui.procJob.textContent // another tab may have started a newer one
        ui.procNote.textContent = 'Checking every 2 seconds. You can leave or reload this page: it picks up where it is.'
        syncElapsed(s.elapsed_seconds, s.started_at ?? s.created_at)
      }
    },
    onStateChange: (_state, s) => {
      if (current !== view) return
      setAlert(null) // e.g. "already running": no longer true once it ended
      applyStatus(s)
    },
    onError: (error, retryInMs) => {
      if (current !== view) return
      if (retryInMs === null) {
        stopPolling()
        setAlert(error instanceof ApiError && (error.status === 401 || error.status === 403)
          ? SESSION_REFUSED
          : 'Could not read the quick install status. Reload the page to try again.')
        return
      }
      ui.procNote.textContent = `Lost contact with the service; trying again in ${Math.round(retryInMs / 1000)} s.`
    }
  })
  poller.start({ knownState, delayFirst })
}

// ---- the states -------------------------------------------------------------------------------

function applyStatus (s: QuickInstallStatus): void {
  const state = stateOf(s)
  if (state !== 'PROCESSING') stopPolling()
  switch (state) {
    case 'PROCESSING':
      showProcessing(s.job_id, s.elapsed_seconds, s.started_at ?? s.created_at)
      if (poller?.running !== true) startPolling('PROCESSING', true)
      return
    case 'COMPLETED':
      void showCompleted(s)
      return
    case 'FAILED':
      showFailed(s.error_message ?? s.message ?? 'The run stopped without an error message.')
      return
    default:
      showIdle()
  }
}

function showIdle (): void {
  showSections({ upload: true })
  ui.uploadButton.textContent = 'Start quick install'
  announce('Ready: choose your order export to start.')
}

function showFailed (message: string): void {
  showSections({ upload: true, failed: true })
  ui.failedMessage.textContent = message
  ui.uploadButton.textContent = 'Start quick install'
  announce('Quick install failed. The reason and a retry button are below.')
}

async function showCompleted (s: QuickInstallStatus): Promise<void> {
  const current = view
  completedJob = s.job_id ?? null
  ui.exportLink.href = exportUrl(completedJob)
  const when = formatTime(s.completed_at)
  const made = typeof s.bundles_created === 'number' ? `made ${plural(s.bundles_created, 'bundle')}` : 'finished'
  ui.resultsMeta.textContent = `Quick install ${made}${when === null ? '' : ` on ${when}`}. ${cooldownSentence(s.can_retry_in_days)}`.trim()
  ui.uploadButton.textContent = 'Run quick install again'
  announce('Completed: loading your bundles…')
  showSections({ upload: true, results: true })
  ui.bundlesBody.replaceChildren()
  ui.summary.replaceChildren()
  try {
    const page = await getJson<BundlesPage>(session, bundlesUrl(completedJob))
    if (current !== view) return
    renderBundles(ui.bundlesBody, page.bundles)
    renderSummary(ui.summary, page.summary)
    const total = page.total ?? page.bundles.length
    if (total > page.bundles.length) {
      ui.resultsMeta.textContent += ` Showing the best ${page.bundles.length} of ${total}; the CSV has them all.`
    }
    announce(`Completed: ${plural(total, 'bundle')} ready.`)
  } catch (error) {
    if (current !== view) return
    announce('Completed, but the bundles could not be loaded.')
    setAlert(error instanceof ApiError
      ? `The bundles could not be loaded (HTTP ${error.status}). Reload the page to try again.`
      : 'The bundles could not be loaded: the service did not answer. Reload the page to try again.')
  }
}

function bundlesUrl (jobId: string | null): string {
  // The service's largest page; an install makes at most 100 bundles by default.
  const q = new URLSearchParams({ page_size: '200', sort: 'rank' })
  if (jobId !== null) q.set('job_id', jobId)
  return `/api/bundles?${q.toString()}`
}

// ---- upload -----------------------------------------------------------------------------------

function describeFile (file: File | undefined): void {
  ui.fileInfo.textContent = file === undefined ? '' : `${file.name} (${formatBytes(file.size)})`
}

async function startUpload (): Promise<void> {
  const file = ui.file.files?.[0]
  if (file === undefined) {
    setAlert('Choose your order export first (.csv or .csv.gz).', 'error', 'upload')
    ui.file.focus()
    return
  }
  setAlert(null)
  const current = ++view
  stopPolling()
  ui.uploadButton.disabled = true
  ui.retry.disabled = true
  show(ui.progress, true)
  ui.progressBar.value = 0
  ui.progressText.textContent = `0 of ${formatBytes(file.size)} sent`
  announce(`Uploading ${file.name}…`)
  try {
    const result = await uploadFile(session, file, (sent, total) => {
      ui.progressBar.max = Math.max(total, 1)
      ui.progressBar.value = sent
      ui.progressText.textContent = `${formatBytes(sent)} of ${formatBytes(total)} sent (${Math.floor((sent / Math.max(total, 1)) * 100)}%)`
    })
    if (current !== view) return
    if (result.status === 200 || result.status === 202) {
      const body = result.body as { job_id?: string, is_retry?: boolean }
      ui.progressText.textContent = `${formatBytes(file.size)} sent. The file was accepted.`
      showProcessing(body.job_id, 0, undefined)
      startPolling('PROCESSING', true)
      return
    }
    const refusal = uploadRefusal(result.status, result.body)
    if (refusal.kind === 'already-processing') {
      setAlert(refusal.text, 'info')
      showProcessing(refusal.jobId, (result.body as { detail?: { elapsed_seconds?: number } }).detail?.elapsed_seconds, undefined)
      startPolling('PROCESSING', false)
      return
    }
    setAlert(refusal.text, refusal.kind === 'already-completed' ? 'info' : 'error', 'upload')
    announce(refusal.kind === 'already-completed' ? 'Quick install already done for this shop.' : 'The upload was not accepted.')
  } finally {
    ui.uploadButton.disabled = false
    ui.retry.disabled = false
    show(ui.progress, false)
  }
}

// ---- start-up ---------------------------------------------------------------------------------

async function loadStatus (): Promise<void> {
  stopPolling()
  const current = ++view
  setAlert(null)
  announce('Checking this shop\'s quick install…')
  showSections({})
  try {
    const s = await getJson<QuickInstallStatus>(session, STATUS_URL)
    if (current === view) applyStatus(s)
  } catch (error) {
    if (current !== view) return
    const refused = error instanceof ApiError && (error.status === 401 || error.status === 403)
    // Without a session an upload would be refused too; otherwise let the merchant try anyway.
    showSections({ upload: !refused })
    announce('Could not read the quick install status.')
    setAlert(refused
      ? (session.hasCredentials ? SESSION_REFUSED : NO_SESSION)
      : 'The service did not answer. Check your connection and reload the page.')
  }
}

function wireEvents (): void {
  ui.shopForm.addEventListener('submit', e => {
    e.preventDefault()
    const typed = ui.shop.value
    const shop = typed.trim() === '' ? '' : normaliseShop(typed)
    if (shop === null) {
      setAlert(`"${typed}" is not a shop domain. Expected something like demo-shop.myshopify.com.`)
      ui.shop.focus()
      return
    }
    ui.shop.value = shop
    session.shop = shop
    rememberShop(shop)
    void loadStatus()
  })

  ui.uploadForm.addEventListener('submit', e => { e.preventDefault(); void startUpload() })
  ui.file.addEventListener('change', () => { describeFile(ui.file.files?.[0]); setAlert(null) })
  ui.retry.addEventListener('click', () => {
    if (ui.file.files?.[0] !== undefined) { void startUpload(); return }
    setAlert('Choose the file to upload again.', 'info', 'upload')
    ui.file.focus()
  })

  ui.exportLink.addEventListener('click', e => {
    e.preventDefault()
    downloadExport(session, completedJob).catch(() => {
      setAlert('The CSV download failed. Reload the page and try again.')
    })
  })

  // Dropping a file anywhere on the zone puts it in the file input, so the form has one source.
  for (const type of ['dragenter', 'dragover'] as const) {
    ui.dropZone.addEventListener(type, e => { e.preventDefault(); ui.dropZone.classList.add('dragging') })
  }
  for (const type of ['dragleave', 'drop'] as const) {
    ui.dropZone.addEventListener(type, () => { ui.dropZone.classList.remove('dragging') })
  }
  ui.dropZone.addEventListener('drop', e => {
    e.preventDefault()
    const files = e.dataTransfer?.files
    if (files === undefined || files.length === 0) return
    ui.file.files = files
    describeFile(files[0])
    setAlert(null)
    ui.uploadButton.focus()
  })
  // A file dropped beside the zone must not navigate away from the page.
  window.addEventListener('dragover', e => { e.preventDefault() })
  window.addEventListener('drop', e => { e.preventDefault() })
}

async function boot (): Promise<void> {
  const readyz = await getJson<unknown>(null, '/readyz').catch((e: unknown) => e instanceof ApiError ? e.body : null)
  const params = new URLSearchParams(location.search)
  const mode = authModeFrom(readyz, window.shopify !== undefined, params.get('token') !== null)
  session = new Session(mode, mode === 'development' ? initialShop() : '')
  if (mode === 'development') {
    ui.shop.value = session.shop
    if (session.shop !== '') rememberShop(session.shop)
    show(ui.shopForm, true)
  }
  document.body.dataset.authMode = mode
  wireEvents()
  await loadStatus()
}

void boot()
