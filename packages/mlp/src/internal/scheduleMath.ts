/**
 * The powers and the cosine the optimizers and schedules need, from IEEE arithmetic and @puregrad/tensor's Exp and Log
 * only: ECMAScript leaves `**`, Math.pow and Math.cos implementation-defined, and V8 and JavaScriptCore disagree on
 * their last bit for about 10% (pow) and 1% (cos) of arguments, which would make a seeded run with a schedule differ
 * between engines. Each result here is the same on every engine.
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

// fdlibm's kernels (k_sin.c, k_cos.c) for |x| ≤ π/4, with no tail (y = 0): V8's Math.sin and Math.cos are these
// polynomials on that interval, so on V8 the results are Math's bit for bit there (tested).
const S1 = -1.66666666666666324348e-1
const S2 = 8.33333333332248946124e-3
const S3 = -1.98412698298579493134e-4
const S4 = 2.75573137070700676789e-6
const S5 = -2.50507602534068634195e-8
const S6 = 1.58969099521155010221e-10
const C1 = 4.16666666666666019037e-2
const C2 = -1.38888888888741095749e-3
const C3 = 2.48015872894767294178e-5
const C4 = -2.75573143513906633035e-7
const C5 = 2.08757232129817482790e-9
const C6 = -1.13596475577881948265e-11
const TINY = 7.450580596923828125e-9 // 2^−27: below it sin x rounds to x and cos x to 1
// fdlibm compares upper words: these are the doubles whose upper words are 0x3FD33333 and 0x3FE90001, low words 0.
const SMALL = 0.29999995231628417969 // below: cos x = 1 − (z/2 − z·r)
const LARGE = 0.78125047683715820313 // from here: qx = 0.28125

/** sin x for 0 ≤ x ≤ π/4. */
export const sinKernel = (x: number): number => {
  if (x < TINY) return x
  const z = x * x
  const v = z * x
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))
  return x + v * (S1 + z * r)
}

/** cos x for 0 ≤ x ≤ π/4. */
export const cosKernel = (x: number): number => {
  if (x < TINY) return 1
  const z = x * x
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))))
  if (x < SMALL) return 1 - (0.5 * z - z * r)
  // fdlibm's qx: x/4 with its low 32 bits cleared (its upper word less 2 in the exponent), or 0.28125 above 0.78125
  const q = x / 4
  const unit = q >= 0.125 ? 1.1920928955078125e-7 : 5.9604644775390625e-8 // 2^−23, 2^−24: the upper word's last bit
  const qx = x >= LARGE ? 0.28125 : Math.floor(q / unit) * unit
  const hz = 0.5 * z - qx
  const a = 1 - qx
  return a - (hz - z * r)
}

/**
 * cos(π·t) for 0 ≤ t ≤ 1, by exact reductions to an argument of at most π/4 (1 − t and ½ − t are exact where they are
 * taken): −cos(π(1 − t)) above ½, sin(π(½ − t)) above ¼. Within a few ulps of the true value.
 */
export const cosPi = (t: number): number => {
  if (t > 0.5) return -cosPi(1 - t)
  return t > 0.25 ? sinKernel(Math.PI * (0.5 - t)) : cosKernel(Math.PI * t)
}
