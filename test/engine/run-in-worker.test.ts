import t from 'tap'
import { createReadStream, readFileSync } from 'node:fs'
import { engineThreadsAlive, EngineInputError, runEngine, runEngineInWorker } from '../../src/engine/index.js'
import type { EngineResult } from '../../src/engine/types.js'
import { genShop } from './helpers/gen-shop.js'

async function * bytes (text: string | Buffer, chunkSize = 1000): AsyncGenerator<Uint8Array> {
  const buf = typeof text === 'string' ? Buffer.from(text) : text
  for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, i + chunkSize)
}

/** The result without wall-clock timings, which differ run to run. */
function timeless (r: EngineResult): unknown {
  const { ms: _ms, ...summary } = r.summary
  return { summary, bundles: r.bundles }
}

t.test('the worker returns what runEngine returns', async t => {
  const { file } = genShop(t.testdir(), { orders: 800, seed: 4 })
  const inline = await runEngine(createReadStream(file))
  const threaded = await runEngineInWorker(createReadStream(file, { highWaterMark: 4096 }))
  t.ok(inline.bundles.length > 0, 'the shop yields bundles')
  t.same(timeless(threaded), timeless(inline))
  t.equal(typeof threaded.summary.ms.total, 'number', 'stage timings come back')
  t.notOk('ms_ingest' in threaded.summary, 'one ingest time per run: ms.ingest, not also ms_ingest')
  t.equal(engineThreadsAlive(), 0, 'no thread left behind')
})

t.test('a ThreadSource is read inside the thread, with the same result', async t => {
  const { file } = genShop(t.testdir(), { orders: 800, seed: 4 })
  const module = new URL('./helpers/file-thread-source.ts', import.meta.url).href
  const inline = await runEngine(createReadStream(file))
  const threaded = await runEngineInWorker({ module, input: { path: file } })
  t.same(timeless(threaded), timeless(inline))
  const err = await runEngineInWorker({ module, input: { path: file, failAfterHeader: true } }).then(() => null, (e: unknown) => e)
  t.match(err, { message: 'the thread lost its source' }, 'the source\'s error comes back')
  t.equal(engineThreadsAlive(), 0, 'no thread left behind')
})

t.test('engine input errors cross the thread with code and details', async t => {
  const err = await runEngineInWorker(bytes('colour,shape\nred,round\nblue,square\n')).then(() => null, (e: unknown) => e)
  t.ok(err instanceof EngineInputError, 'rebuilt as EngineInputError')
  if (!(err instanceof EngineInputError)) return
  t.equal(err.code, 'UNRECOGNISED_FORMAT')
  t.ok(Object.keys(err.details).length > 0, 'details survive')

  const lonely = 'order_id,product_id,quantity\n1,A,1\n2,B,1\n3,C,1\n'
  const none = await runEngineInWorker(bytes(lonely)).then(() => null, (e: unknown) => e)
  t.ok(none instanceof EngineInputError && none.code === 'NO_BUNDLES', 'NO_BUNDLES from a file with single-item orders')
  if (none instanceof EngineInputError) t.match(none.message, /No order had two or more products/)
})

t.test('a failing source rejects the run', async t => {
  async function * broken (): AsyncGenerator<Uint8Array> {
    yield Buffer.from('order_id,product_id,quantity\n1,A,1\n')
    throw new Error('disk went away')
  }
  await t.rejects(runEngineInWorker(broken()), /disk went away/)
})

t.test('abort terminates the worker', async t => {
  const controller = new AbortController()
  let pulled = 0
  async function * endless (): AsyncGenerator<Uint8Array> {
    yield Buffer.from('order_id,product_id,quantity\n')
    for (;;) {
      pulled++
      if (pulled === 20) controller.abort(new Error('merchant cancelled'))
      yield Buffer.from(`${pulled},A,1\n${pulled},B,2\n`)
    }
  }
  await t.rejects(runEngineInWorker(endless(), {}, controller.signal), /merchant cancelled/)
  t.equal(engineThreadsAlive(), 0, 'the thread has exited when the promise rejects')
  t.ok(pulled < 30, `the source stopped being read (${pulled} chunks)`)
  await t.rejects(runEngineInWorker(endless(), {}, controller.signal), /merchant cancelled/, 'an aborted signal refuses at once')
})

t.test('chunks are copied: the caller keeps its buffers', async t => {
  const { file } = genShop(t.testdir(), { orders: 300, seed: 2 })
  const whole = readFileSync(file)
  await runEngineInWorker(bytes(whole, 8192))
  t.ok(whole.byteLength > 0 && whole[0] !== undefined, 'the source buffer is not detached')
})
