// The HTTP client side of the proof tests and load benchmarks: uploads (streamed multipart), status
// polling, and the helpers that read answers. Speaks to a real listening server over loopback.
import { createReadStream } from 'node:fs'
import { request } from 'undici'
import { multipart, type Bytes, type Part } from './multipart.js'

export interface Answer { status: number, body: any, headers: Record<string, string | string[] | undefined>, ms: number }

export type AuthHeaders = Record<string, string>

/** Development mode: the shop is the X-Shop-Domain header. */
export const asShop = (shop: string): AuthHeaders => ({ 'x-shop-domain': shop })

async function readAnswer (res: Awaited<ReturnType<typeof request>>, t0: number): Promise<Answer> {
  const text = await res.body.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch {}
  return { status: res.statusCode, body, headers: res.headers, ms: performance.now() - t0 }
}

export async function get (base: string, path: string, headers: AuthHeaders = {}): Promise<Answer> {
  const t0 = performance.now()
  return await readAnswer(await request(`${base}${path}`, { headers }), t0)
}

export async function post (base: string, path: string, headers: AuthHeaders = {}, body?: string): Promise<Answer> {
  const t0 = performance.now()
  return await readAnswer(await request(`${base}${path}`, { method: 'POST', headers, body }), t0)
}

/** POSTs a multipart body built from `parts`; a server that answers early (413) is read, not an error. */
export async function postMultipart (base: string, headers: AuthHeaders, parts: Part[], opts: { boundary?: string, contentType?: string } = {}): Promise<Answer> {
  const body = multipart(parts, opts.boundary)
  const t0 = performance.now()
  const res = await request(`${base}/api/bundles/quick-install`, {
    method: 'POST',
    headers: { ...headers, 'content-type': opts.contentType ?? body.contentType },
    body: body.stream(),
    headersTimeout: 600_000,
    bodyTimeout: 600_000
  })
  return await readAnswer(res, t0)
}

export async function upload (base: string, headers: AuthHeaders, file: Bytes, filename = 'orders.csv', contentType = 'text/csv'): Promise<Answer> {
  return await postMultipart(base, headers, [{ name: 'file', filename, contentType, body: file }])
}

export function fileBytes (path: string): () => AsyncIterable<Buffer> {
  return () => createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>
}

export interface JobStatus { job_id: string, status: string, processed_count: number, error_count: number, error_message: string | null, created_at: string, processed_at: string | null }

/** Polls GET /api/bundles/status/:id until the job leaves PROCESSING. */
export async function waitForTerminal (base: string, headers: AuthHeaders, jobId: string, timeoutMs = 120_000, everyMs = 100): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const res = await get(base, `/api/bundles/status/${jobId}`, headers)
    if (res.status !== 200) throw new Error(`status of ${jobId}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
    if (res.body.status !== 'PROCESSING') return res.body as JobStatus
    if (Date.now() > deadline) throw new Error(`job ${jobId} still PROCESSING after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

export function percentile (values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
