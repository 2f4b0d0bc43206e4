// Interns byte strings without decoding them: a field (or two fields joined) maps to a dense id via
// an open-addressing hash table over a byte arena. Only the first sight of a key costs a decode;
// every repeat is a hash and a byte compare, with no string or object allocated per row.
import { Growable } from './growable.js'

const SEPARATOR = 0x1f // unit separator: cannot be confused with text inside a field

/** Hashes buf[s..e) four bytes per multiply (murmur-style mixing), continuing from `h`. */
function hashRange (buf: Uint8Array, s: number, e: number, h: number): number {
  let i = s
  for (; i + 4 <= e; i += 4) {
    let k = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24)
    k = Math.imul(k, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    h ^= Math.imul(k, 0x1b873593)
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64
  }
  for (; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193)
  h ^= e - s
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  return h ^ (h >>> 13)
}

export class ByteInterner {
  private arena = new Uint8Array(1 << 16)
  private arenaLength = 0
  private readonly offsets = new Growable(Int32Array)
  private readonly lengths = new Growable(Int32Array)
  private readonly hashes = new Growable(Int32Array)
  private table = new Int32Array(1 << 12) // id + 1, 0 = empty
  /** Whether the last lookup created a new id. */
  created = false

  get size (): number { return this.offsets.length }

  /**
   * The id of buf[s1..e1) followed (when s2 >= 0) by a separator and buf[s2..e2); `tag`
   * distinguishes keys that came from different columns.
   */
  intern (buf: Uint8Array, tag: number, s1: number, e1: number, s2 = -1, e2 = -1): number {
    let h = hashRange(buf, s1, e1, (0x811c9dc5 ^ tag) | 0)
    if (s2 >= 0) h = hashRange(buf, s2, e2, Math.imul(h ^ SEPARATOR, 0x01000193))
    const keyLength = 1 + (e1 - s1) + (s2 >= 0 ? 1 + (e2 - s2) : 0)
    const mask = this.table.length - 1
    let slot = h & mask
    for (;;) {
      const entry = this.table[slot]
      if (entry === 0) break
      const id = entry - 1
      if (this.hashes.data[id] === h && this.lengths.data[id] === keyLength && this.equals(id, buf, tag, s1, e1, s2, e2)) {
        this.created = false
        return id
      }
      slot = (slot + 1) & mask
    }
    const id = this.offsets.length
    this.store(buf, tag, s1, e1, s2, e2, keyLength)
    this.hashes.push(h)
    this.table[slot] = id + 1
    this.created = true
    if (this.offsets.length * 2 > this.table.length) this.rehash()
    return id
  }

  private equals (id: number, buf: Uint8Array, tag: number, s1: number, e1: number, s2: number, e2: number): boolean {
    const a = this.arena
    let p = this.offsets.data[id]
    if (a[p++] !== tag) return false
    for (let i = s1; i < e1; i++) if (a[p++] !== buf[i]) return false
    if (s2 >= 0) {
      if (a[p++] !== SEPARATOR) return false
      for (let i = s2; i < e2; i++) if (a[p++] !== buf[i]) return false
    }
    return true
  }

  private store (buf: Uint8Array, tag: number, s1: number, e1: number, s2: number, e2: number, keyLength: number): void {
    if (this.arenaLength + keyLength > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLength + keyLength))
      grown.set(this.arena.subarray(0, this.arenaLength))
      this.arena = grown
    }
    const a = this.arena
    let p = this.arenaLength
    this.offsets.push(p)
    this.lengths.push(keyLength)
    // Keys are short: a plain loop beats creating subarray views to copy them.
    a[p++] = tag
    for (let i = s1; i < e1; i++) a[p++] = buf[i]
    if (s2 >= 0) {
      a[p++] = SEPARATOR
      for (let i = s2; i < e2; i++) a[p++] = buf[i]
    }
    this.arenaLength = p
  }

  private rehash (): void {
    const table = new Int32Array(this.table.length * 2)
    const mask = table.length - 1
    for (let id = 0; id < this.offsets.length; id++) {
      let slot = this.hashes.data[id] & mask
      while (table[slot] !== 0) slot = (slot + 1) & mask
      table[slot] = id + 1
    }
    this.table = table
  }

  /** True when buf[s..e) equals the first part of key `id` (same tag, no second part). */
  sameAs (id: number, buf: Uint8Array, tag: number, s: number, e: number): boolean {
    return this.lengths.data[id] === 1 + (e - s) && this.equals(id, buf, tag, s, e, -1, -1)
  }
}
