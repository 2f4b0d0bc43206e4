// The exact binomial lower bound behind VOLUME scores, against closed forms and a brute-force tail sum.
import t from 'tap'
import { binomialLowerBound, binomialUpperTail, regularizedBeta } from '../../src/engine/bundles/binomial-bound.js'
import { mulberry32 } from './helpers/random-baskets.js'

/** P(X ≥ m) for X ~ Binomial(n, p), summed term by term. */
function bruteUpperTail (m: number, n: number, p: number): number {
  let logChoose = 0
  let sum = 0
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log(n - k + 1) - Math.log(k)
    if (k >= m) sum += Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p))
  }
  return sum
}

t.test('known Clopper–Pearson one-sided 95 % lower bounds', async t => {
  // 3 of 4: the root of I_x(3, 2) = 4x³ − 3x⁴ = 0.05.
  const l34 = binomialLowerBound(3, 4)
  t.ok(Math.abs(l34 - 0.2486046) < 1e-6, `3 of 4: ${l34}, expected 0.2486`)
  t.ok(Math.abs(4 * l34 ** 3 - 3 * l34 ** 4 - 0.05) < 1e-12, '3 of 4: the bound solves 4x³ − 3x⁴ = 0.05')
  for (const n of [1, 2, 5, 40, 1000]) {
    t.equal(binomialLowerBound(0, n), 0, `0 of ${n}: 0`)
    t.ok(Math.abs(binomialLowerBound(n, n) - 0.05 ** (1 / n)) < 1e-12, `${n} of ${n}: 0.05^(1/${n})`)
    const one = binomialLowerBound(1, n)
    if (n > 1) t.ok(Math.abs(one - (1 - 0.95 ** (1 / n))) < 1e-10, `1 of ${n}: ${one}, expected 1 − 0.95^(1/${n})`)
  }
  t.equal(binomialLowerBound(0, 0), 0, 'no trials: 0')
})

t.test('the bound puts exactly 5 % of the tail at or above the count (brute-force sums, random small cases)', async t => {
  const rnd = mulberry32(17)
  let worst = 0
  let worstCase = ''
  for (let i = 0; i < 3000; i++) {
    const n = 2 + Math.floor(rnd() * 150)
    const m = 1 + Math.floor(rnd() * (n - 1))
    const bound = binomialLowerBound(m, n)
    const err = Math.abs(bruteUpperTail(m, n, bound) - 0.05)
    if (err > worst) { worst = err; worstCase = `${m} of ${n}: L = ${bound}` }
  }
  t.ok(worst < 1e-9, `P(X ≥ m | n, L) = 0.05 within 1e-9; worst ${worst} at ${worstCase}`)
})

t.test('the upper tail matches a brute-force sum', async t => {
  const rnd = mulberry32(5)
  let worst = 0
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(rnd() * 200)
    const m = Math.floor(rnd() * (n + 2))
    const p = rnd()
    worst = Math.max(worst, Math.abs(binomialUpperTail(m, n, p) - (m > n ? 0 : bruteUpperTail(m, n, p))))
  }
  t.ok(worst < 1e-10, `worst difference ${worst}`)
  t.equal(regularizedBeta(0, 2, 3), 0)
  t.equal(regularizedBeta(1, 2, 3), 1)
})

t.test('large counts: the bound stays inside the normal approximation\'s neighbourhood', async t => {
  for (const [m, n] of [[300_000, 1_000_000], [750_000, 1_000_000], [5_000, 20_000]]) {
    const p = m / n
    const normal = p - 1.6449 * Math.sqrt(p * (1 - p) / n)
    const exact = binomialLowerBound(m, n)
    t.ok(Math.abs(exact - normal) < 1e-5 && exact < p, `${m} of ${n}: exact ${exact}, normal ${normal}`)
  }
})
