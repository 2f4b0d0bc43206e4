// Calls to the service. Uploads go through XMLHttpRequest, the one browser API that reports the
// bytes sent; everything else uses fetch.
import type { Session } from './auth.js'

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor (readonly status: number, readonly body: unknown) {
    super(`HTTP ${status}`)
  }
}

async function readBody (res: Response): Promise<unknown> {
  const text = await res.text()
  try { return JSON.parse(text) } catch { return text }
}

export async function getJson<T> (session: Session | null, path: string): Promise<T> {
  const headers = { Accept: 'application/json', ...(session === null ? {} : await session.headers()) }
  const res = await fetch(path, { headers, cache: 'no-store' })
  const body = await readBody(res)
  if (!res.ok) throw new ApiError(res.status, body)
  return body as T
}

export interface UploadResult { status: number, body: unknown }

/** POSTs the file as multipart field `file`. Resolves with any HTTP answer; status 0 = no answer. */
export async function uploadFile (
  session: Session,
  file: File,
  onProgress: (sent: number, total: number) => void
): Promise<UploadResult> {
  const headers = await session.headers()
  return await new Promise<UploadResult>(resolve => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/bundles/quick-install')
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v)
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.addEventListener('progress', e => { onProgress(e.loaded, e.lengthComputable ? e.total : file.size) })
    xhr.addEventListener('load', () => {
      let body: unknown = xhr.responseText
      try { body = JSON.parse(xhr.responseText) } catch { /* not JSON: keep the text */ }
      resolve({ status: xhr.status, body })
    })
    xhr.addEventListener('error', () => { resolve({ status: 0, body: null }) })
    xhr.addEventListener('abort', () => { resolve({ status: 0, body: null }) })
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/** Downloads the export with the session's headers (a plain link cannot carry them). */
export async function downloadExport (session: Session, jobId: string | null): Promise<void> {
  const url = exportUrl(jobId)
  const res = await fetch(url, { headers: await session.headers(), cache: 'no-store' })
  if (!res.ok) throw new ApiError(res.status, await readBody(res))
  const blob = await res.blob()
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'bundles.csv'
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => { URL.revokeObjectURL(href) }, 10_000)
}

export function exportUrl (jobId: string | null): string {
  return jobId === null ? '/api/bundles/export.csv' : `/api/bundles/export.csv?job_id=${encodeURIComponent(jobId)}`
}
