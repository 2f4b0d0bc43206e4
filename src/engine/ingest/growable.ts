// Append-only typed arrays that double when full: a million order lines cost a few flat buffers,
// not a million objects.

type TypedArray = Int32Array | Float64Array | Uint8Array | Uint16Array
type Ctor<T extends TypedArray> = new (length: number) => T

export class Growable<T extends TypedArray> {
  data: T
  length = 0
  constructor (private readonly ctor: Ctor<T>, capacity = 1024) {
    this.data = new ctor(capacity)
  }

  push (value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1)
    this.data[this.length++] = value
  }

  private grow (min: number): void {
    const next = new this.ctor(Math.max(min, this.data.length * 2))
    next.set(this.data as never)
    this.data = next
  }

  /** A right-sized copy of the contents. */
  toArray (): T {
    return this.data.slice(0, this.length) as T
  }
}
