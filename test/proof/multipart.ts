// Builds multipart/form-data request bodies as streams, so tests can send tens of megabytes (or a
// deliberately broken body) without holding the file in memory twice.
import { Readable } from 'node:stream'
import { randomBytes } from 'node:crypto'

export type Bytes = Buffer | string | (() => AsyncIterable<Buffer | string>)

export interface Part {
  name: string
  filename?: string
  contentType?: string
  body: Bytes
}

export interface MultipartBody {
  contentType: string
  boundary: string
  stream: () => Readable
}

export function multipart (parts: Part[], boundary = `----bundleapi${randomBytes(8).toString('hex')}`): MultipartBody {
  async function * generate (): AsyncGenerator<Buffer> {
    for (const part of parts) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`
      if (part.filename !== undefined) head += `; filename="${part.filename.replace(/"/g, '%22')}"`
      head += '\r\n'
      if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`
      yield Buffer.from(head + '\r\n', 'utf8')
      yield * bytesOf(part.body)
      yield Buffer.from('\r\n')
    }
    yield Buffer.from(`--${boundary}--\r\n`)
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, boundary, stream: () => Readable.from(generate(), { objectMode: false }) }
}

export async function * bytesOf (body: Bytes): AsyncGenerator<Buffer> {
  if (typeof body === 'string') yield Buffer.from(body, 'utf8')
  else if (Buffer.isBuffer(body)) yield body
  else for await (const c of body()) yield typeof c === 'string' ? Buffer.from(c, 'utf8') : c
}

/** `total` bytes made by repeating `unit`, yielded in ~1 MiB chunks. */
export function repeated (unit: string, total: number, prefix = '', suffix = ''): () => AsyncGenerator<Buffer> {
  return async function * () {
    if (prefix !== '') yield Buffer.from(prefix)
    const unitBuf = Buffer.from(unit)
    const chunk = Buffer.alloc(Math.max(unitBuf.length, Math.floor((1 << 20) / unitBuf.length) * unitBuf.length))
    for (let i = 0; i < chunk.length; i += unitBuf.length) unitBuf.copy(chunk, i)
    let left = total
    while (left > 0) {
      const n = Math.min(left, chunk.length)
      yield n === chunk.length ? chunk : chunk.subarray(0, n)
      left -= n
    }
    if (suffix !== '') yield Buffer.from(suffix)
  }
}

/** Collects a stream of bytes (for small generated inputs such as a gzip bomb's compressed form). */
export async function collect (body: Bytes): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of bytesOf(body)) chunks.push(c)
  return Buffer.concat(chunks)
}
