// Numbers in the environment are read as decimals only: Number() alone took PORT=0x50 as port 80
// and MAX_UPLOAD_MB=1e3 as 1000, a value nobody wrote.
import t from 'tap'
import { loadConfig } from '../../src/config.js'

t.test('a number variable takes decimals only', async (t) => {
  for (const [key, value] of [['PORT', '0x50'], ['PORT', '0b1010000'], ['PORT', '0o120'], ['MAX_UPLOAD_MB', '1e3'], ['PORT', 'Infinity'], ['PORT', '8 080']]) {
    t.throws(() => loadConfig({ [key]: value }), new RegExp(`${key} must be a number \\(got "${value}"\\)`), `${key}=${value}`)
  }
  t.equal(loadConfig({ PORT: ' 9000 ' }).PORT, 9000, 'surrounding spaces are fine')
  t.equal(loadConfig({ MAX_UPLOAD_MB: '1.5' }).MAX_UPLOAD_MB, 1.5, 'a decimal fraction')
  t.equal(loadConfig({ MAX_UPLOAD_MB: '.5' }).MAX_UPLOAD_MB, 0.5, 'a leading dot')
  t.equal(loadConfig({ WORKER_POLL_SECONDS: '2.' }).WORKER_POLL_SECONDS, 2, 'a trailing dot')
  t.throws(() => loadConfig({ PORT: '-1' }), /PORT must be a whole number, >= 1/, 'a sign is read, then range-checked')
})
