// The merchant page's controller: finds out who it speaks for, asks the status endpoint what this
// shop's quick install is doing, and shows the upload form, the progress, the failure or the bundles.
import type { BundlesPage, QuickInstallStatus } from './api-types.js'
import { ApiError, downloadExport, getJson, uploadFile } from './api.js'
import { authModeFrom, normaliseShop } from './auth-mode.js'
import { Session, SessionUnavailableError, initialShop, rememberShop, showShopInAddress } from './auth.js'
import { show } from './dom.js'
import {
  ALREADY_COMPLETED_SHOWN, NO_SESSION, SESSION_REFUSED, SESSION_UNAVAILABLE, completedSentence, downloadFailure, formatBytes, formatElapsed,
  lostContactNote, plural, previousBundlesSentence, stoppedChecking, uploadRefusal
} from './messages.js'
import { backoffDelay, createPoller, type Poller } from './poller.js'
import { renderBundles, renderSummary } from './render.js'
import { canRunAgain, stateOf } from './status.js'
import { announce, disableWhileBusy, setAlert, showSections, ui } from './ui.js'

const STATUS_URL = '/api/bundles/quick-install/status'
const POLL_MS = 2000
const MAX_BACKOFF_MS = 30_000
const PROCESSING_NOTE = 'Checking every 2 seconds. You can leave or reload this page: it picks up where it is.'

let session = new Session('development', '')
let poller: Poller | null = null
let completedJob: string | null = null
let elapsedTimer: ReturnType<typeof setInterval> | null = null
let elapsedOrigin = 0 // Date.now() at which the job started, by the server's elapsed_seconds
let statusRetry: ReturnType<typeof setTimeout> | null = null
let bundlesRetry: ReturnType<typeof setTimeout> | null = null // loading a completed install's bundles again
let lostContact = false
let uploading = false
// Bumped when the shop changes or an upload starts, so late answers meant for the old view are dropped.
let view = 0

/** What the page shows; a new object per state shown, so a late answer can tell it is stale. */
interface Shown { state: string, jobId: string | null, canRun: boolean }
let shown: Shown = { state: '', jobId: null, canRun: true }

/** The service refused the request itself (4xx other than 429): asking again gets the same answer. */
function refusedByService (e: unknown): e is ApiError {
  return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429
}

function sessionRefused (e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.status === 403)
}

/** Stops every status check: the poller, the elapsed clock, a pending retry of the first load or of the bundles. */
function stopPolling (): void {
  poller?.stop()
  if (elapsedTimer !== null) clearInterval(elapsedTimer)
  elapsedTimer = null
  if (statusRetry !== null) clearTimeout(statusRetry)
  statusRetry = null
  if (bundlesRetry !== null) clearTimeout(bundlesRetry)
  bundlesRetry = null
}

// ---- processing -------------------------------------------------------------------------------

function updateElapsed (): void {
  ui.procElapsed.textContent = formatElapsed((Date.now() - elapsedOrigin) / 1000)
}

function showProcessing (jobId: string | undefined, elapsedSeconds: number | undefined, startedAt: string | undefined, follow: boolean): void {
  shown = { state: 'PROCESSING', jobId: jobId ?? null, canRun: false }
  lostContact = false
  ui.procState.textContent = 'Processing'
  ui.procJob.textContent = jobId ?? ''
  ui.procNote.textContent = PROCESSING_NOTE
  syncElapsed(elapsedSeconds, startedAt)
  showSections({ processing: true }, ui.processing, follow)
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

/** Polling gave up (e.g. 401: the session ended): the card must not go on saying "Checking every 2 seconds". */
function showStoppedChecking (httpStatus: number): void {
  const stopped = stoppedChecking(httpStatus)
  updateElapsed()
  ui.procElapsed.textContent = `${ui.procElapsed.textContent ?? ''} when checking stopped`
  ui.procState.textContent = stopped.state
  ui.procNote.textContent = stopped.note
  announce(stopped.status)
  setAlert(stopped.alert)
}

function startPolling (knownState: string | undefined, delayFirst: boolean): void {
  poller?.stop()
  const current = view
  poller = createPoller<QuickInstallStatus>({
    fetchStatus: async () => await getJson<QuickInstallStatus>(session, STATUS_URL),
    stateOf,
    terminalStates: ['COMPLETED', 'FAILED', 'NONE'],
    intervalMs: POLL_MS,
    maxBackoffMs: MAX_BACKOFF_MS,
    isFatal: refusedByService, // a token App Bridge failed to give is retried: the next may come
    onStatus: s => {
      if (current !== view || stateOf(s) !== 'PROCESSING') return
      ui.procState.textContent = 'Processing'
      if (s.job_id !== undefined && s.job_id !== shown.jobId) { // another tab may have started a newer one
        ui.procJob.textContent = s.job_id
        shown = { ...shown, jobId: s.job_id }
      }
      ui.procNote.textContent = PROCESSING_NOTE
      syncElapsed(s.elapsed_seconds, s.started_at ?? s.created_at)
      if (lostContact) announce('Back in contact with the service: bundles are still being generated.')
      lostContact = false
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
        showStoppedChecking((error as ApiError).status) // only refusedByService errors stop polling
        return
      }
      // Said in the status line too: a screen reader hears that the page is no longer up to date.
      lostContact = true
      const note = lostContactNote(retryInMs, error instanceof SessionUnavailableError ? 'session' : 'network')
      ui.procNote.textContent = note
      announce(note)
    }
  })
  poller.start({ knownState, delayFirst })
}

// ---- the states -------------------------------------------------------------------------------

/** Shows a status. `follow`: the merchant caused this, so the keyboard goes to the new section. */
function applyStatus (s: QuickInstallStatus, follow = false): void {
  const state = stateOf(s)
  if (state !== 'PROCESSING') stopPolling()
  switch (state) {
    case 'PROCESSING':
      showProcessing(s.job_id, s.elapsed_seconds, s.started_at ?? s.created_at, follow)
      if (poller?.running !== true) startPolling('PROCESSING', true)
      return
    case 'COMPLETED':
      void showCompleted(s, follow)
      return
    case 'FAILED':
      showFailed(s, follow)
      return
    default:
      showIdle(follow)
  }
}

function showIdle (follow: boolean): void {
  shown = { state: 'NONE', jobId: null, canRun: true }
  ui.uploadButton.textContent = 'Start quick install'
  showSections({ upload: true }, ui.uploadSection, follow)
  announce('Ready: choose your order export to start.')
}

function showFailed (s: QuickInstallStatus, follow: boolean): void {
  const mine: Shown = { state: 'FAILED', jobId: s.job_id ?? null, canRun: true }
  shown = mine
  completedJob = null
  ui.failedMessage.textContent = s.error_message ?? s.message ?? 'The run stopped without an error message.'
  ui.uploadButton.textContent = 'Start quick install'
  showSections({ upload: true, failed: true }, ui.failed, follow)
  announce('Quick install failed. The reason and a retry button are below.')
  // null: no install of this shop ever completed, so there is nothing to show (and no 404 to ask for).
  if (s.last_completed_job_id !== null) void showPreviousBundles(mine, s.last_completed_job_id)
}

/**
 * A failed run replaces nothing: GET /api/bundles still serves the shop's last completed install.
 * Those bundles are shown under the failure, labelled. `jobId` undefined (a service that does not
 * say which install that is): the latest, where a 404 (none ever completed) shows nothing.
 */
async function showPreviousBundles (mine: Shown, jobId: string | undefined): Promise<void> {
  const current = view
  let page: BundlesPage
  try {
    page = await getJson<BundlesPage>(session, bundlesUrl(jobId ?? null))
  } catch {
    return // 404: no earlier install; anything else: the failure alone is the news
  }
  if (current !== view || shown !== mine || page.bundles.length === 0) return
  completedJob = page.job_id ?? null
  ui.resultsHeading.textContent = 'Your bundles from the previous install'
  ui.resultsMeta.textContent = previousBundlesSentence(page.completed_at)
  const total = fillResults(page)
  show(ui.results, true)
  announce(`Quick install failed. The reason and a retry button are below, then your ${plural(total, 'bundle')} from the previous install.`)
}

async function showCompleted (s: QuickInstallStatus, follow: boolean): Promise<void> {
  const current = view
  const canRun = canRunAgain(s)
  const mine: Shown = { state: 'COMPLETED', jobId: s.job_id ?? null, canRun }
  shown = mine
  completedJob = mine.jobId
  ui.resultsHeading.textContent = 'Your bundles'
  ui.resultsMeta.textContent = completedSentence(s)
  ui.uploadButton.textContent = 'Run quick install again'
  ui.bundlesBody.replaceChildren()
  ui.summary.replaceChildren()
  // Within the cooldown an upload would only be refused: no form; the sentence above says when.
  showSections({ upload: canRun, results: true }, ui.results, follow)
  announce('Completed: loading your bundles…')
  await loadCompletedBundles(mine, current, 0)
}

/**
 * Loads a completed install's bundles. While the service cannot be reached (no answer, a 5xx, a
 * 429) it tries again, backing off like polling: the poll that saw COMPLETED may be the last answer
 * before a restart, and the page must not stay on an empty table until the merchant reloads it.
 */
async function loadCompletedBundles (mine: Shown, current: number, failures: number): Promise<void> {
  try {
    const page = await getJson<BundlesPage>(session, bundlesUrl(mine.jobId))
    if (current !== view || shown !== mine) return
    if (failures > 0) setAlert(null)
    const total = fillResults(page)
    announce(`Completed: ${plural(total, 'bundle')} ready.`)
  } catch (error) {
    if (current !== view || shown !== mine) return
    announce('Completed, but the bundles could not be loaded.')
    if (refusedByService(error)) {
      setAlert(`The bundles could not be loaded (HTTP ${error.status}). Reload the page to try again.`)
      return
    }
    if (failures === 0) {
      setAlert(error instanceof ApiError
        ? `The bundles could not be loaded (HTTP ${error.status}). This page keeps trying.`
        : 'The bundles could not be loaded: the service did not answer. This page keeps trying.')
    }
    bundlesRetry = setTimeout(() => {
      bundlesRetry = null
      void loadCompletedBundles(mine, current, failures + 1)
    }, backoffDelay(failures, POLL_MS, MAX_BACKOFF_MS))
  }
}

/** Fills the table and the run summary; returns how many bundles the install has in all. */
function fillResults (page: BundlesPage): number {
  renderBundles(ui.bundlesBody, page.bundles)
  renderSummary(ui.summary, page.summary)
  const total = page.total ?? page.bundles.length
  if (total > page.bundles.length) {
    ui.resultsMeta.textContent += ` Showing the best ${page.bundles.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}; the CSV has them all.`
  }
  return total
}

function bundlesUrl (jobId: string | null): string {
  // The service's largest page; an install makes at most 100 bundles by default.
  const q = new URLSearchParams({ page_size: '200', sort: 'rank' })
  if (jobId !== null) q.set('job_id', jobId)
  return `/api/bundles?${q.toString()}`
}

/** A button, not a link: the export needs the session's headers, which a link opened any other way would lack. */
async function downloadCsv (): Promise<void> {
  const done = disableWhileBusy(ui.exportButton)
  announce('Preparing the CSV download…')
  try {
    await downloadExport(session, completedJob)
    announce('The CSV download has started.')
  } catch (error) {
    announce('The CSV download failed.')
    setAlert(error instanceof SessionUnavailableError
      ? SESSION_UNAVAILABLE
      : downloadFailure(error instanceof ApiError ? error.status : null))
  } finally {
    done()
  }
}

// ---- upload -----------------------------------------------------------------------------------

function describeFile (file: File | undefined): void {
  ui.fileInfo.textContent = file === undefined ? '' : `${file.name} (${formatBytes(file.size)})`
}

/** A file chosen or dropped: what was said about the last one ("The upload was not accepted.") is old news. */
function fileChosen (file: File | undefined): void {
  describeFile(file)
  setAlert(null)
  announce(file === undefined ? 'No file chosen.' : `${file.name} chosen: ready to upload.`)
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
  uploading = true
  // The shop too: the upload is the shown shop's, and a view for another (or the same) shop would
  // drop its answer, so the page would say "Ready" while the install it started runs.
  const done = disableWhileBusy(ui.uploadButton, ui.retry, ui.shopButton)
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
      showProcessing(body.job_id, 0, undefined, true)
      startPolling('PROCESSING', true)
      return
    }
    const refusal = uploadRefusal(result.status, result.body)
    if (refusal.kind === 'already-processing') {
      setAlert(refusal.text, 'info')
      showProcessing(refusal.jobId, (result.body as { detail?: { elapsed_seconds?: number } }).detail?.elapsed_seconds, undefined, true)
      startPolling('PROCESSING', false)
      return
    }
    if (refusal.kind === 'already-completed') {
      // Another tab (or person) finished an install since this page last looked: show it, with its
      // bundles and cooldown, instead of the stale state. At the top: the form may go with the cooldown.
      setAlert(refusal.text, 'info')
      const before = shown
      await refreshStatus({ follow: true, keepAlert: true })
      // Now shown, the sentence above its bundles says what the alert said: say it once.
      if (current === view && shown !== before && shown.state === 'COMPLETED') setAlert(ALREADY_COMPLETED_SHOWN, 'info')
      return
    }
    setAlert(refusal.text, 'error', 'upload')
    announce('The upload was not accepted.')
  } catch (error) {
    if (current !== view) return
    // Nothing was sent: App Bridge gave no session token, or the request could not be made.
    setAlert(error instanceof SessionUnavailableError ? SESSION_UNAVAILABLE : uploadRefusal(0, null).text, 'error', 'upload')
    announce('The upload did not start.')
  } finally {
    uploading = false
    done()
    show(ui.progress, false)
  }
}

// ---- reading the status -----------------------------------------------------------------------

/** Blanks the page and asks where this shop's install is (start-up, another shop chosen). */
async function loadStatus (follow: boolean): Promise<void> {
  stopPolling()
  const current = ++view
  shown = { state: '', jobId: null, canRun: true }
  setAlert(null)
  announce('Checking this shop\'s quick install…')
  showSections({})
  await readStatus(current, follow, 0)
}

/** One try at the first status; while the service cannot be reached it tries again, backing off. */
async function readStatus (current: number, follow: boolean, failures: number): Promise<void> {
  try {
    const s = await getJson<QuickInstallStatus>(session, STATUS_URL)
    if (current !== view) return
    if (failures > 0) setAlert(null)
    applyStatus(s, follow)
  } catch (error) {
    if (current !== view) return
    const noSession = error instanceof SessionUnavailableError || sessionRefused(error)
    // Without a session an upload would be refused too; otherwise let the merchant try anyway.
    showSections({ upload: !noSession })
    announce('Could not read the quick install status.')
    if (noSession) {
      setAlert(!session.hasCredentials ? NO_SESSION : error instanceof SessionUnavailableError ? SESSION_UNAVAILABLE : SESSION_REFUSED)
    } else if (refusedByService(error)) {
      setAlert(`Could not read the quick install status (HTTP ${error.status}). Reload the page to try again.`)
    } else {
      if (failures === 0) setAlert('The service did not answer. This page keeps trying; you can also upload your file now.')
      statusRetry = setTimeout(() => {
        statusRetry = null
        void readStatus(current, follow, failures + 1)
      }, backoffDelay(failures, POLL_MS, MAX_BACKOFF_MS))
    }
  }
}

/**
 * Re-reads the status without blanking the page and shows it when it differs from what is on
 * screen (another tab may have run, finished or retried an install). A failed read changes nothing.
 */
async function refreshStatus ({ follow = false, keepAlert = false } = {}): Promise<void> {
  const current = view
  const before = shown
  let s: QuickInstallStatus
  try {
    s = await getJson<QuickInstallStatus>(session, STATUS_URL)
  } catch {
    return
  }
  if (current !== view || shown !== before) return
  const state = stateOf(s)
  const same = state === shown.state && (s.job_id ?? null) === shown.jobId &&
    (state !== 'COMPLETED' || canRunAgain(s) === shown.canRun)
  // A processing card whose polling stopped (e.g. on a 401) resumes when the status reads again.
  if (same && !(state === 'PROCESSING' && poller?.running !== true)) return
  if (!keepAlert) setAlert(null)
  applyStatus(s, follow)
}

// ---- events and start-up ----------------------------------------------------------------------

function wireEvents (): void {
  ui.shopForm.addEventListener('submit', e => {
    e.preventDefault()
    if (uploading) return // the button is disabled meanwhile; Enter in the field must not get round it
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
    showShopInAddress(shop)
    void loadStatus(true)
  })

  ui.uploadForm.addEventListener('submit', e => { e.preventDefault(); void startUpload() })
  ui.file.addEventListener('change', () => { fileChosen(ui.file.files?.[0]) })
  ui.retry.addEventListener('click', () => {
    if (ui.file.files?.[0] !== undefined) { void startUpload(); return }
    setAlert('Choose the file to upload again.', 'info', 'upload')
    ui.file.focus()
  })

  ui.exportButton.addEventListener('click', () => { void downloadCsv() })

  // A tab left in the background may show a state another tab has since changed (a failure since
  // retried, an install since finished): look again when it comes back, unless it is already looking.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || uploading || poller?.running === true || statusRetry !== null) return
    void refreshStatus()
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
    fileChosen(files[0])
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
  await loadStatus(false)
}

void boot()
