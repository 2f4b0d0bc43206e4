// A ThreadSource module for tests: the engine thread reads a file itself, or fails after the header.
import { createReadStream } from 'node:fs'

export async function * openThreadSource (input: { path: string, failAfterHeader?: boolean }): AsyncGenerator<Uint8Array> {
  if (input.failAfterHeader === true) {
    yield Buffer.from('order_id,product_id,quantity\n')
    throw new Error('the thread lost its source')
  }
  yield * createReadStream(input.path, { highWaterMark: 4096 })
}
