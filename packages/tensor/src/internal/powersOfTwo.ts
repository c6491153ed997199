/**
 * Exact powers of two as doubles, for scaling by 2^k in fdlibm's algorithms (Exp, Log, Tanh), where the C code writes
 * the exponent bits. Scaling a normal double by a power of two is exact whenever the result is normal, and a multiply
 * keeps the value in registers: composing a double from its words through memory (a 4-byte store, then an 8-byte
 * load) defeats the CPU's store-to-load forwarding, which made Log.log1p take twice as long (measured on AMD EPYC).
 */

const MIN = -1074 // the smallest subnormal, 2^−1074
const MAX = 1023

/** 2^k for k in [MIN, MAX] at index k − MIN, by exact doublings and halvings of 1. */
const POWERS: Float64Array = (() => {
  const powers = new Float64Array(MAX - MIN + 1)
  powers[-MIN] = 1
  for (let i = -MIN + 1; i < powers.length; i++) powers[i] = powers[i - 1]! * 2
  for (let i = -MIN - 1; i >= 0; i--) powers[i] = powers[i + 1]! / 2
  return powers
})()

/** 2^k, exactly, for an integer k in [−1074, 1023] (callers keep k in range: outside it, undefined). */
export const twoTo = (k: number): number => POWERS[k - MIN]!
