/**
 * ln x and ln(1 + x) computed from IEEE arithmetic alone, so that a run gives the same bits on every engine and in
 * every version of one: ECMAScript leaves `Math.log` and `Math.log1p` implementation-defined (Chromium 150 and Node 20
 * agreed on 600,000 sampled doubles, but their `Math.tanh` did not: see Tanh).
 *
 * The algorithms are fdlibm's (FreeBSD msun's e_log.c and s_log1p.c, the ones V8 ports), so they agree bit for bit
 * with Node 20's Math.log and Math.log1p (property-tested on many doubles). Both reduce x (or 1 + x) to 2^k·(1 + f)
 * with √2/2 ≤ 1 + f < √2, then ln(1 + f) = 2s + 2s³/3 + … = f − (½f² − s·(½f² + R(s²))) with s = f/(2 + f) and R a
 * Remez polynomial of degree 14 in s (error below 2^−58.45), and add k·ln 2 in two parts (k·ln2_hi is exact).
 * Error below 1 ulp. ln(±0) = −∞, ln of a negative number is NaN, ln(+∞) = +∞.
 *
 * @since 0.3.0
 */

import { twoTo } from './internal/powersOfTwo.js'
import { highWord } from './internal/words.js'

const LN2_HI = 6.93147180369123816490e-1 // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10 // 0x3dea39ef 35793c76
const TWO54 = 1.80143985094819840000e16 // 2^54
const LG1 = 6.666666666666735130e-1
const LG2 = 3.999999999940941908e-1
const LG3 = 2.857142874366239149e-1
const LG4 = 2.222219843214978396e-1
const LG5 = 1.818357216161805012e-1
const LG6 = 1.531383769920937332e-1
const LG7 = 1.479819860511658591e-1

/** ln x, bit for bit fdlibm's (V8's Math.log on Node 20). */
export const log = (x: number): number => {
  let hx = highWord(x)
  let k = 0
  if (hx < 0x00100000) {
    // x < 2^−1022: zero, negative, or subnormal (scaled up by 2^54).
    if (x === 0) return -Infinity
    if (hx < 0) return NaN
    k -= 54
    x *= TWO54
    hx = highWord(x)
  }
  if (hx >= 0x7ff00000) return x + x
  const e = (hx >> 20) - 1023 // x's exponent: x = 2^e·(1 + fraction)
  hx &= 0x000fffff
  const i = (hx + 0x95f64) & 0x100000 // 0x100000 where 1 + fraction ≥ √2 (to about 2^−20), else 0
  const scale = e + (i >> 20) // x or x/2 into [√2/2, √2)
  x *= twoTo(-scale) // normalised: fdlibm writes the exponent bits, exactly this
  k += scale
  const f = x - 1
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO
    const R = f * f * (0.5 - 0.33333333333333333 * f)
    return k === 0 ? f - R : k * LN2_HI - (R - k * LN2_LO - f)
  }
  const s = f / (2 + f)
  const z = s * s
  const w = z * z
  const t1 = w * (LG2 + w * (LG4 + w * LG6))
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
  const R = t2 + t1
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f
    return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f)
  }
  return k === 0 ? f - s * (f - R) : k * LN2_HI - (s * (f - R) - k * LN2_LO - f)
}

const LP1 = 6.666666666666735130e-1
const LP2 = 3.999999999940941908e-1
const LP3 = 2.857142874366239149e-1
const LP4 = 2.222219843214978396e-1
const LP5 = 1.818357216161805012e-1
const LP6 = 1.531383769920937332e-1
const LP7 = 1.479819860511658591e-1

/**
 * ln(1 + x), accurate for tiny x (where 1 + x would round), bit for bit fdlibm's (V8's Math.log1p on Node 20).
 * The rounding of u = 1 + x is corrected by c = (1 − (u − x))/u or (x − (u − 1))/u.
 */
export const log1p = (x: number): number => {
  const hx = highWord(x)
  const ax = hx & 0x7fffffff
  let k = 1
  let f = 0
  let hu = 0
  let c = 0
  if (hx < 0x3fda827a) {
    // 1 + x < √2
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN // x ≤ −1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5 // |x| < 2^−29
    if (hx > 0 || hx <= (0xbfd2bec4 | 0)) {
      // √2/2 ≤ 1 + x < √2: no reduction
      k = 0
      f = x
      hu = 1
    }
  }
  if (hx >= 0x7ff00000) return x + x
  if (k !== 0) {
    let u: number
    if (hx < 0x43400000) {
      u = 1 + x
      hu = highWord(u)
      k = (hu >> 20) - 1023
      c = k > 0 ? 1 - (u - x) : x - (u - 1) // the rounding error of 1 + x
      c /= u
    } else {
      u = x
      hu = highWord(u)
      k = (hu >> 20) - 1023
      c = 0
    }
    hu &= 0x000fffff
    if (hu >= 0x6a09e) {
      // normalise u/2 rather than u
      k += 1
      hu = (0x00100000 - hu) >> 2
    }
    f = u * twoTo(-k) - 1 // u or u/2 normalised into [√2/2, √2): fdlibm writes the exponent bits, exactly this
  }
  const hfsq = 0.5 * f * f
  if (hu === 0) {
    // |f| < 2^−20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO)
    const R = hfsq * (1 - 0.66666666666666666 * f)
    return k === 0 ? f - R : k * LN2_HI - (R - (k * LN2_LO + c) - f)
  }
  const s = f / (2 + f)
  const z = s * s
  const R = z * (LP1 + z * (LP2 + z * (LP3 + z * (LP4 + z * (LP5 + z * (LP6 + z * LP7))))))
  return k === 0 ? f - (hfsq - s * (hfsq + R)) : k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f)
}
