/**
 * sin(π·x) and cos(π·x) from IEEE arithmetic alone, so that what is computed from angles (a data set's points, a
 * cosine schedule) gives the same bits on every engine: ECMAScript leaves `Math.sin` and `Math.cos` to the engine, and
 * V8 and JavaScriptCore disagree on the last bit of `Math.cos` for about 1% of arguments; Chromium 156 and Node 20
 * already gave a seeded playground data set different points.
 *
 * Angles are given in half-turns (x = 1 is π radians), which makes the reduction exact: x is taken modulo 2 (`%` is
 * exact on doubles), folded by the symmetries of sin and cos onto an argument of at most ¼ half-turn (each fold is an
 * exact subtraction), and only then multiplied by π, once, for fdlibm's polynomial kernels (k_sin.c and k_cos.c on
 * [0, π/4], which are V8's Math.sin and Math.cos there, bit for bit). Results are within a few ulps of the true values
 * (the one rounding of π·t), and exact at the half turns: sinPi(1) is 0, cosPi(½) is 0, not 1.2e−16 as
 * Math.sin(Math.PI) is.
 *
 * @since 0.4.0
 */

// fdlibm's kernels for |x| ≤ π/4 with no tail (y = 0).
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

/** sin x for 0 ≤ x ≤ π/4 (fdlibm's __kernel_sin with y = 0). */
export const sinKernel = (x: number): number => {
  if (x < TINY) return x
  const z = x * x
  const v = z * x
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)))
  return x + v * (S1 + z * r)
}

/** cos x for 0 ≤ x ≤ π/4 (fdlibm's __kernel_cos with y = 0). */
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

/** cos(π·t) for 0 ≤ t ≤ 1: −cos(π(1 − t)) above ½, sin(π(½ − t)) above ¼ (1 − t and ½ − t are exact there). */
const cosHalfTurn = (t: number): number => {
  if (t > 0.5) return -cosHalfTurn(1 - t)
  return t > 0.25 ? sinKernel(Math.PI * (0.5 - t)) : cosKernel(Math.PI * t)
}

/**
 * cos(π·x). Even in x; NaN for NaN and ±∞; 1 for every even integer, −1 for every odd one, 0 at the half-integers,
 * ±√½ at the odd quarters.
 */
export const cosPi = (x: number): number => {
  if (!Number.isFinite(x)) return NaN
  const t = Math.abs(x) % 2 // exact: [0, 2)
  return cosHalfTurn(t > 1 ? 2 - t : t) // cos(π·t) = cos(π(2 − t)); 2 − t is exact for t in (1, 2)
}

/** sin(π·x). Odd in x (sinPi(−0) is −0); NaN for NaN and ±∞; 0 at every integer, ±1 at the half-integers. */
export const sinPi = (x: number): number => {
  if (!Number.isFinite(x)) return NaN
  const t = Math.abs(x) % 2 // exact: [0, 2)
  const h = t > 1 ? t - 1 : t // sin(π·t) = −sin(π(t − 1)) for t > 1, exactly subtracted
  const u = h > 0.5 ? 1 - h : h // sin(π·h) = sin(π(1 − h)): u in [0, ½]
  const s = u >= 0.25 ? cosKernel(Math.PI * (0.5 - u)) : sinKernel(Math.PI * u)
  return (t > 1) !== (x < 0) ? -s : x === 0 ? x : s
}
