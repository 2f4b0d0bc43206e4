// The ranking score for co-purchases: a lower confidence bound on the leverage in orders, i.e. on
// the number of extra orders that contain the bundle beyond what chance predicts.
//
//   score = (count − expected) − z · se,   expected = n_a · n_b / N,
//   se = the delta-method standard error of that excess under multinomial sampling of orders.
//
// Why this and not lift or raw count:
//  - Two best-sellers meet in many orders by chance alone; their excess over `expected` is ~0,
//    so raw popularity earns nothing (raw count ranks them first).
//  - A one-off coincidence of two rare items has an enormous lift but an excess of a couple of
//    orders, and the z·se term (se ≈ √count for rare items) wipes that out; lift would rank it first.
//  - The excess is in orders: how many more co-purchases the bundle stands for, the quantity a
//    merchant profits from and the one the holdout evaluation (npm run evaluate) measures.
//  - The delta-method se accounts for `expected` being estimated from the same orders (for popular
//    items the count and the marginals move together, so the excess is steadier than √count).
// z = 1.64 is a one-sided 95% bound; a positive score means the co-purchase beats chance with that
// confidence, which is also the bar for being recommended at all.
import { binomialLowerBound } from './binomial-bound.js'

export const SCORE_Z = 1.64
/**
 * Sets of three or more are held to a one-sided 99% bound: a shop has far more candidate triples
 * than pairs, so at 95% a few triples seen together in 3-5 orders would pass by chance alone.
 */
export const LARGER_SET_Z = 2.33

/**
 * Lower bound of (count − n_a·n_b/N). `a` and `b` are the two sides' order counts (for a triple:
 * its best sub-pair's count and the third item's count), `count` the orders holding both.
 */
export function excessLowerBound (count: number, a: number, b: number, orders: number, z = SCORE_Z): number {
  return count - a * b / orders - z * Math.sqrt(excessVariance(count, a, b, orders))
}

/**
 * Variance of count − a·b/N by the delta method on the 2×2 table of orders (both, only A, only B,
 * neither): Var = N · (Σ g_i² p_i − (Σ g_i p_i)²) with gradient g_both = 1 − p_a − p_b,
 * g_onlyA = −p_b, g_onlyB = −p_a. Floored at 1 so a set seen in every order of both sides still
 * carries some doubt.
 */
export function excessVariance (count: number, a: number, b: number, orders: number): number {
  const pBoth = count / orders
  const pa = a / orders
  const pb = b / orders
  const pOnlyA = Math.max(0, pa - pBoth)
  const pOnlyB = Math.max(0, pb - pBoth)
  const gBoth = 1 - pa - pb
  const mean = gBoth * pBoth - pb * pOnlyA - pa * pOnlyB
  const v = orders * (gBoth * gBoth * pBoth + pb * pb * pOnlyA + pa * pa * pOnlyB - mean * mean)
  return Math.max(1, v)
}

/**
 * Lower bound of m − n·reference for m of n orders against a known reference rate, in orders:
 * n·(L − reference) with L the exact one-sided 95 % lower bound on the rate (binomial-bound.ts).
 * Positive only when m/n beats the reference with that confidence at any n; a normal
 * approximation is too lenient for the few orders of a rarely sold product (3 of 4 passed it
 * against 0.3, where P(X ≥ 3) = 0.084).
 */
export function proportionExcessLowerBound (m: number, n: number, reference: number): number {
  return n * (binomialLowerBound(m, n) - reference)
}
