// The merchant page's polling logic, with an injected clock and fetch.
import t from 'tap'
import { createPoller, backoffDelay } from '../../web/src/poller.js'
import { FakeClock, flush } from './fake-clock.js'

interface Status { status: string }

/** A fetch that answers from a script: a state name, or an Error to throw. */
function scripted (answers: Array<string | Error>) {
  const calls: number[] = []
  let i = 0
  return {
    calls,
    fetch: async (clock: FakeClock): Promise<Status> => {
      calls.push(clock.now)
      const answer = answers[Math.min(i++, answers.length - 1)]
      if (answer instanceof Error) throw answer
      return { status: answer }
    }
  }
}

t.test('polls every 2 s and stops on COMPLETED', async t => {
  const clock = new FakeClock()
  const script = scripted(['PROCESSING', 'PROCESSING', 'COMPLETED', 'PROCESSING'])
  const changes: string[] = []
  const poller = createPoller<Status>({
    fetchStatus: async () => await script.fetch(clock),
    stateOf: s => s.status,
    onStateChange: (state, _s, prev) => changes.push(`${prev ?? '-'}>${state}`),
    clock
  })
  poller.start()
  await flush()
  t.same(script.calls, [0], 'first fetch happens at once')
  await clock.advance(1999)
  t.equal(script.calls.length, 1, 'no second fetch before 2 s')
  await clock.advance(1)
  t.same(script.calls, [0, 2000])
  await clock.advance(2000)
  t.same(script.calls, [0, 2000, 4000], 'third fetch sees COMPLETED')
  t.equal(poller.running, false, 'poller stopped on COMPLETED')
  await clock.advance(60_000)
  t.equal(script.calls.length, 3, 'no fetch after the terminal state')
  t.same(clock.pending, [], 'no timer left behind')
  t.same(changes, ['->PROCESSING', 'PROCESSING>COMPLETED'], 'each state change reported once')
})

t.test('stops on FAILED and reports the status carrying the error', async t => {
  const clock = new FakeClock()
  const seen: Status[] = []
  const poller = createPoller<Status>({
    fetchStatus: async () => ({ status: 'FAILED' }),
    stateOf: s => s.status,
    onStatus: s => seen.push(s),
    clock
  })
  poller.start()
  await clock.advance(10_000)
  t.equal(poller.running, false)
  t.same(seen, [{ status: 'FAILED' }])
})

t.test('backs off on network errors, capped, and recovers', async t => {
  const clock = new FakeClock()
  const fail = new TypeError('Failed to fetch')
  const script = scripted(['PROCESSING', fail, fail, fail, fail, fail, fail, 'PROCESSING', 'PROCESSING', 'COMPLETED'])
  const retries: Array<number | null> = []
  const poller = createPoller<Status>({
    fetchStatus: async () => await script.fetch(clock),
    stateOf: s => s.status,
    onError: (_e, retryIn) => retries.push(retryIn),
    intervalMs: 2000,
    maxBackoffMs: 20_000,
    clock
  })
  poller.start()
  await clock.advance(200_000)
  t.same(retries, [4000, 8000, 16000, 20000, 20000, 20000], 'delay doubles per failure up to the cap')
  const gaps = script.calls.slice(1).map((at, i) => at - script.calls[i])
  t.same(gaps, [2000, 4000, 8000, 16000, 20000, 20000, 20000, 2000, 2000],
    'after a success the interval is back to 2 s')
  t.equal(poller.running, false)
  t.equal(poller.failures, 0)
})

t.test('a fatal error stops polling instead of retrying', async t => {
  const clock = new FakeClock()
  const unauthorized = Object.assign(new Error('401'), { status: 401 })
  const script = scripted([unauthorized])
  const retries: Array<number | null> = []
  const poller = createPoller<Status>({
    fetchStatus: async () => await script.fetch(clock),
    stateOf: s => s.status,
    isFatal: e => (e as { status?: number }).status === 401,
    onError: (_e, retryIn) => retries.push(retryIn),
    clock
  })
  poller.start()
  await clock.advance(60_000)
  t.same(retries, [null], 'reported once, with no retry')
  t.equal(script.calls.length, 1)
  t.equal(poller.running, false)
})

t.test('stop() drops an answer in flight; start() resumes', async t => {
  const clock = new FakeClock()
  let release: (s: Status) => void = () => {}
  let calls = 0
  const seen: string[] = []
  const poller = createPoller<Status>({
    fetchStatus: async () => { calls++; return await new Promise<Status>(resolve => { release = resolve }) },
    stateOf: s => s.status,
    onStatus: s => seen.push(s.status),
    clock
  })
  poller.start()
  await flush()
  poller.stop()
  release({ status: 'COMPLETED' })
  await clock.advance(10_000)
  t.same(seen, [], 'the answer that arrived after stop() is ignored')
  t.equal(calls, 1)
  t.same(clock.pending, [], 'nothing scheduled while stopped')

  poller.start({ delayFirst: true, knownState: 'PROCESSING' })
  poller.start()
  t.same(clock.pending, [2000], 'a second start() while running adds no timer')
  await clock.advance(2000)
  release({ status: 'PROCESSING' })
  await flush()
  t.equal(calls, 2, 'resumed after the interval')
  t.same(seen, ['PROCESSING'])
  t.equal(poller.running, true)
  poller.stop()
  t.same(clock.pending, [])
})

t.test('knownState suppresses the repeated change report on resume', async t => {
  const clock = new FakeClock()
  const changes: string[] = []
  const poller = createPoller<Status>({
    fetchStatus: async () => ({ status: 'PROCESSING' }),
    stateOf: s => s.status,
    onStateChange: state => changes.push(state),
    clock
  })
  poller.start({ knownState: 'PROCESSING' })
  await clock.advance(6000)
  t.same(changes, [], 'PROCESSING was already shown')
  poller.stop()
})

t.test('a callback may restart the poller without doubling the timers', async t => {
  const clock = new FakeClock()
  let n = 0
  const answers = ['COMPLETED', 'PROCESSING', 'PROCESSING']
  const poller = createPoller<Status>({
    fetchStatus: async () => ({ status: answers[Math.min(n++, answers.length - 1)] }),
    stateOf: s => s.status,
    onStateChange: state => { if (state === 'COMPLETED') poller.start({ delayFirst: true }) },
    clock
  })
  poller.start()
  await flush()
  t.same(clock.pending, [2000], 'one timer after the restart from inside the callback')
  await clock.advance(2000)
  t.same(clock.pending, [2000])
  poller.stop()
})

t.test('backoffDelay', async t => {
  t.equal(backoffDelay(0, 2000, 30_000), 2000)
  t.equal(backoffDelay(1, 2000, 30_000), 4000)
  t.equal(backoffDelay(4, 2000, 30_000), 30_000)
  t.equal(backoffDelay(1000, 2000, 30_000), 30_000, 'no overflow on long outages')
})
