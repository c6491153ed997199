/**
 * e^x computed from IEEE arithmetic alone, so that the JS kernels and the WebAssembly module (wasm/gemm.wat, which
 * performs the same operations lane by lane) give the same bits, on every engine.
 *
 * The algorithm is fdlibm's, the one V8's Math.exp runs, so on V8 (Node, Chromium) the two agree bit for bit
 * (property-tested); other engines' Math.exp may round differently in the last place, this does not.
 *
 *   1. reduce: x = k·ln2 + r with |r| ≤ ln2/2, r = hi − lo carried in two parts (ln2 split so k·ln2_hi is exact);
 *   2. approximate: e^r = 1 + r + r·c/(2 − c) with c = r − r²·(P1 + r²·(P2 + … + r²·P5)), a Remez fit
 *      of r·(e^r + 1)/(e^r − 1) with error below 2^−59;
 *   3. scale: e^x = 2^k·e^r, 2^k written into the exponent bits (as 2^(k+1000)·2^−1000 where 2^k alone would be
 *      subnormal, and 2·2^1023 for k = 1024).
 * Error below 1 ulp. e^x overflows to +∞ above 709.78…, underflows to +0 below −745.13…; e^NaN is NaN.
 *
 * @since 0.1.0
 */

import { twoTo } from './internal/powersOfTwo.js'

const LN2_HI = 6.93147180369123816490e-1 // ln2's upper 32 bits: k·LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10 // ln2 − LN2_HI
const INV_LN2 = 1.44269504088896338700
const P1 = 1.66666666666666019037e-1
const P2 = -2.77777777770155933842e-3
const P3 = 6.61375632143793436117e-5
const P4 = -1.65339022054652515390e-6
const P5 = 4.13813679705723846039e-8
const OVERFLOW = 7.09782712893383973096e2 // above: e^x > the largest double
const UNDERFLOW = -7.45133219101941108420e2 // below: e^x < half the smallest subnormal
const TWO_M1000 = 9.33263618503218878990e-302 // 2^−1000 (decimal literals convert exactly, on every engine)
const TWO_1023 = 8.98846567431158e307 // 2^1023

/** The positive double whose upper 32 bits are `high` and lower 32 bits zero: fdlibm states its thresholds so. */
const fromUpperWord = (high: number): number => 2 ** ((high >>> 20) - 1023) * (1 + (high & 0xfffff) / 1048576)

/** |x| from here up may overflow or underflow (upper word 0x40862E42). */
const LARGE = fromUpperWord(0x40862e42)
/** |x| from here up needs reduction, k ≠ 0 (upper word above 0x3FD62E42: about ln2/2). */
const HALF_LN2 = fromUpperWord(0x3fd62e43)
/** |x| below here has k = ±1 (upper word 0x3FF0A2B2: about 1.5·ln2). */
const THREE_HALVES_LN2 = fromUpperWord(0x3ff0a2b2)
/** |x| below 2^−28: e^x rounds to 1 + x. */
const TINY = 3.7252902984619140625e-9

/** e^x, bit for bit V8's Math.exp (fdlibm), from IEEE arithmetic only. */
export const exp = (x: number): number => {
  const ax = Math.abs(x)
  if (ax < TINY) return 1 + x
  if (!(ax < LARGE)) {
    if (x !== x) return x + x // NaN
    if (x > OVERFLOW) return Infinity
    if (x < UNDERFLOW) return 0
  }
  // k = round(x / ln2), away from zero at halves; ±1 directly near ln2; 0 below ln2/2 (then hi = x, lo = 0)
  let k = 0, hi = x, lo = 0
  if (ax >= HALF_LN2) {
    if (ax >= THREE_HALVES_LN2) k = (INV_LN2 * x + (x < 0 ? -0.5 : 0.5)) | 0
    else if (x === 1) return Math.E // fdlibm's own special case: the formula's last bit is off at 1
    else k = x < 0 ? -1 : 1
    hi = x - k * LN2_HI
    lo = k * LN2_LO
  }
  const r = hi - lo
  const t = r * r
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))))
  if (k === 0) return 1 - ((r * c) / (c - 2) - r)
  const y = 1 - ((lo - (r * c) / (2 - c)) - hi)
  if (k < -1021) return y * twoTo(k + 1000) * TWO_M1000
  return k === 1024 ? y * 2 * TWO_1023 : y * twoTo(k)
}
