// Request helpers: multipart bodies built by hand (exact bytes, any filename), uploads, and polling
// with a deadline instead of sleeps.
import net from 'node:net'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

export interface FilePart { field?: string, filename: string, content: string | Buffer, contentType?: string }

export const BOUNDARY = '----bundle-api-test-boundary'

export function multipartBody (files: FilePart[], fields: Record<string, string> = {}): Buffer {
  const chunks: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  for (const f of files) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${f.field ?? 'file'}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType ?? 'text/csv'}\r\n\r\n`))
    chunks.push(Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

export const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }

export async function upload (app: FastifyInstance, file: FilePart | FilePart[], headers: Record<string, string> = {}, url = '/api/bundles/quick-install'): Promise<LightMyRequestResponse> {
  return await app.inject({
    method: 'POST',
    url,
    payload: multipartBody(Array.isArray(file) ? file : [file]),
    headers: { ...multipartHeaders, ...headers }
  })
}

export const TINY_CATALOG = 'product_id,name\n1,Product A\n'

/** Polls `probe` until it returns a value, failing with `what` at the deadline. */
export async function waitFor<T> (what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

/** Waits until a job leaves PROCESSING and returns its status body. */
export async function waitForJob (app: FastifyInstance, jobId: string, headers: Record<string, string> = {}, timeoutMs = 20_000): Promise<Record<string, any>> {
  return await waitFor(`job ${jobId} to finish`, async () => {
    const res = await app.inject({ url: `/api/bundles/status/${jobId}`, headers })
    const body = res.json()
    return body.status === 'PROCESSING' ? undefined : body
  }, timeoutMs)
}

/** Sends `GET <target>` over a real socket exactly as written (no client normalises it): status and body. */
export async function rawGet (port: number, target: string): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    })
    let text = ''
    socket.setEncoding('latin1').on('data', (chunk: string) => { text += chunk }).once('error', reject)
    socket.once('end', () => resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) }))
  })
}
