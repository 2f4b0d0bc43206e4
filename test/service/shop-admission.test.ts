// The per-shop admission of upload transactions (src/services/shop-admission.ts), without a database:
// one at a time per shop, in arrival order, shops independent, each waiter bounded by its own wait.
import t from 'tap'
import { shopAdmission } from '../../src/services/shop-admission.js'

const later = async (): Promise<void> => await new Promise(resolve => setImmediate(resolve))

t.test('one at a time per shop, in order; another shop is not held up', async (t) => {
  const gate = shopAdmission()
  const order: string[] = []
  let releaseFirst = (): void => {}
  const first = gate.run('a', 5000, async () => { order.push('a1 start'); await new Promise<void>(resolve => { releaseFirst = resolve }); order.push('a1 end') })
  const second = gate.run('a', 5000, async (msLeft) => { order.push('a2'); return msLeft })
  await gate.run('b', 5000, async () => { order.push('b1') })
  await later()
  t.same(order, ['a1 start', 'b1'], 'shop b ran while shop a\'s first held its turn; a2 waits')
  releaseFirst()
  await first
  const left = await second
  t.same(order, ['a1 start', 'b1', 'a1 end', 'a2'])
  t.ok(left > 0 && left <= 5000, `the second gets what is left of its wait (${left} ms)`)
  await later()
  t.equal(gate.size(), 0, 'nothing kept once every shop is done')
})

t.test('a waiter whose wait runs out answers busy without running, and the line moves on', async (t) => {
  const gate = shopAdmission()
  let release = (): void => {}
  const holder = gate.run('a', 5000, async () => { await new Promise<void>(resolve => { release = resolve }) })
  let ran = false
  await t.rejects(gate.run('a', 30, async () => { ran = true }), { code: 'BUNDLES_DATABASE_BUSY', statusCode: 503 }, 'busy after its own wait')
  t.notOk(ran, 'it never ran')
  const third = gate.run('a', 5000, async () => 'third ran')
  release()
  await holder
  t.equal(await third, 'third ran', 'the next one runs after the holder, not blocked by the one that gave up')
})

t.test('a shutdown signal ends the wait with its reason', async (t) => {
  const gate = shopAdmission()
  let release = (): void => {}
  const holder = gate.run('a', 5000, async () => { await new Promise<void>(resolve => { release = resolve }) })
  const stop = new AbortController()
  const waiting = gate.run('a', 5000, async () => 'ran', stop.signal)
  stop.abort(new Error('upload interrupted'))
  await t.rejects(waiting, /upload interrupted/)
  release()
  await holder
})
