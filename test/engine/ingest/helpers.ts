// Shared helpers for the ingest tests: byte sources split into chosen chunk sizes, gen-shop runs.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url))
export const REAL = join(SHARED, 'data/real')
export const BASKETS = join(SHARED, 'data/baskets')

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Splits bytes into chunks: a fixed size, or pseudo-random sizes from 1 to max when size is 'random'. */
export function chunked (bytes: Uint8Array, size: number | 'random', seed = 1): Uint8Array[] {
  const out: Uint8Array[] = []
  let s = seed
  const next = (): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return 1 + (s % 97) }
  for (let i = 0; i < bytes.length;) {
    const n = size === 'random' ? next() : size
    out.push(bytes.slice(i, i + n))
    i += n
  }
  return out
}

export async function * source (chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const c of chunks) yield c
}

export function sourceOf (text: string | Uint8Array, size: number | 'random' = 1 << 16): AsyncIterable<Uint8Array> {
  return source(chunked(typeof text === 'string' ? enc(text) : text, size))
}

/** Runs gen-shop once per argument set into a per-process temp dir and returns the file paths. */
export function genShop (format: string, orders: number, seed: number): { csv: string, truth: string } {
  const dir = join(tmpdir(), `ingest-tests-${process.pid}`)
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true })
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
  const csv = join(dir, `${format}-${orders}-${seed}.csv`)
  const truth = join(dir, `${format}-${orders}-${seed}.json`)
  if (!existsSync(csv)) {
    execFileSync(process.execPath, [join(SHARED, 'tools/gen-shop.mjs'), '--orders', String(orders), '--seed', String(seed),
      '--format', format, '--out', csv, '--truth', truth])
  }
  return { csv, truth }
}

/** Baskets as sorted "title×quantity" lists, comparable across formats and product numbering. */
export function basketsByTitle (r: { products: Array<{ title: string }>, basketOffsets: Int32Array, basketItems: Int32Array, basketQuantities: Int32Array }): string[] {
  const out: string[] = []
  for (let b = 0; b + 1 < r.basketOffsets.length; b++) {
    const items: string[] = []
    for (let k = r.basketOffsets[b]; k < r.basketOffsets[b + 1]; k++) items.push(`${r.products[r.basketItems[k]].title}×${r.basketQuantities[k]}`)
    out.push(items.sort().join(' | '))
  }
  return out
}

/** The result without its timing, for comparing runs. */
export function comparable<T extends { summary: { ms_ingest: number } }> (r: T): unknown {
  return { ...r, summary: { ...r.summary, ms_ingest: 0 } }
}
