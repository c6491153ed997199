/**
 * The powers the optimizers and schedules need, from IEEE arithmetic and @puregrad/tensor's Exp and Log only: ECMAScript
 * leaves `**` and Math.pow implementation-defined, and V8 and JavaScriptCore disagree on their last bit for about 10%
 * of arguments, which would make a seeded run with a schedule differ between engines. Each result here is the same on
 * every engine. (The cosine of cosineDecay is @puregrad/tensor's Trig.cosPi.)
 */

import { exp } from '@puregrad/tensor/Exp'
import { log } from '@puregrad/tensor/Log'

/** bⁿ for an integer n ≥ 0 by binary exponentiation: the same products in the same order everywhere. */
export const powerOf = (b: number, n: number): number => {
  let result = 1
  for (let base = b, e = n; e > 0; e = Math.floor(e / 2), base *= base) if (e % 2 === 1) result *= base
  return result
}

/**
 * bᵖ for b > 0 and a finite p: b^⌊p⌋ by binary exponentiation (exact powers stay exact: 0.5² is 0.25) times
 * b^(p − ⌊p⌋) = e^((p − ⌊p⌋)·ln b), whose argument is below |ln b| in size: within a few ulps of the true value.
 */
export const realPower = (b: number, p: number): number => {
  const n = Math.floor(p)
  const whole = n >= 0 ? powerOf(b, n) : 1 / powerOf(b, -n)
  const f = p - n // exact: p and n share their leading bits
  return f === 0 ? whole : whole * exp(f * log(b))
}
