/**
 * Explicit, splittable pseudo-randomness, as in JAX: a {@link Key} is a value, never global state. Split a key into
 * independent keys, give one to each consumer, and never use a key twice. No `Math.random` anywhere.
 *
 * The generator is Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011),
 * a counter-based generator built only from 32-bit additions, rotations and xors: every JavaScript engine produces
 * the same stream. The one transcendental step (the logarithm in the normal sampler) is computed here from IEEE
 * arithmetic only, so normals are bit-identical on every engine too.
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import type { Matrix } from './Matrix.js'
import { ShapeError, unsafeWrap } from './Matrix.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A PRNG key: two unsigned 32-bit words. Use each key once; split it to get more. */
export interface Key {
  readonly k0: number
  readonly k1: number
}

// -------------------------------------------------------------------------------------
// Threefry-2x32
// -------------------------------------------------------------------------------------

/** x rotated left by n bits, as an int32. */
const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n))

/**
 * Threefry-2x32-20 of the counter (c0, c1) under `key`; writes the two output words into `out`. Five blocks of four
 * rounds (x0 += x1, x1 = rotl(x1, r) ^ x0; rotations 13 15 26 6 in even blocks, 17 29 16 24 in odd ones), block b
 * followed by the key injection x0 += k[(b + 1) mod 3], x1 += k[(b + 2) mod 3] + b + 1 from the schedule
 * (k0, k1, k2 = k0 ^ k1 ^ 0x1BD11BDA). Unrolled, with words kept as int32 (`| 0`): the same bits as unsigned words
 * mod 2^32, without the doubles V8 makes of uint32 values from 2^31 up.
 */
const threefry = (key: Key, c0: number, c1: number, out: Uint32Array): void => {
  const k0 = key.k0 | 0, k1 = key.k1 | 0, k2 = k0 ^ k1 ^ 0x1bd11bda
  let x0 = (c0 + key.k0) | 0
  let x1 = (c1 + key.k1) | 0
  // block 0, then k1 and k2 + 1
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 1) | 0
  // block 1, then k2 and k0 + 2
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 2) | 0
  // block 2, then k0 and k1 + 3
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0
  x0 = (x0 + k0) | 0; x1 = (x1 + k1 + 3) | 0
  // block 3, then k1 and k2 + 4
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 17) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 29) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 16) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 24) ^ x0
  x0 = (x0 + k1) | 0; x1 = (x1 + k2 + 4) | 0
  // block 4, then k2 and k0 + 5
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 13) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 15) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 26) ^ x0
  x0 = (x0 + x1) | 0; x1 = rotl(x1, 6) ^ x0
  x0 = (x0 + k2) | 0; x1 = (x1 + k0 + 5) | 0
  out[0] = x0
  out[1] = x1
}

// Domains of the second counter word, so draws, splits and fold-ins never share a counter.
const DRAW = 0
const SPLIT = 1
const FOLD = 2

const deriveKey = (key: Key, index: number, domain: number): Key => {
  const out = new Uint32Array(2)
  threefry(key, index, domain, out)
  return { k0: out[0], k1: out[1] }
}

const isWord = (u: unknown): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u < 2 ** 32

/**
 * Every function that takes a key checks it: two integers in [0, 2^32). Without the check, `{}`, NaN, strings, 2^32
 * or 1.9 would be coerced by the 32-bit arithmetic into the words of `key(0)` or `key(1)` and silently collide.
 */
const checkKey = (op: string, key: Key): void => {
  if (typeof key !== 'object' || key === null || !isWord(key.k0) || !isWord(key.k1)) {
    throw new TypeError(`${op}: expected a key { k0, k1 } of two integers in [0, 2^32) (make one with key(seed)), got ${describeKey(key)}`)
  }
}

const describeWord = (w: unknown): string =>
  typeof w === 'number' ? String(w) : typeof w === 'string' ? JSON.stringify(w.slice(0, 20)) : w === undefined ? 'nothing' : typeof w

const describeKey = (u: unknown): string => {
  if (typeof u !== 'object' || u === null) return u === null ? 'null' : typeof u
  const { k0, k1 } = u as { k0?: unknown; k1?: unknown }
  return `{ k0: ${describeWord(k0)}, k1: ${describeWord(k1)} }`
}

/** Checks matrix dimensions before anything is allocated: a ShapeError naming the op, as Matrix's constructors do. */
const checkDims = (op: string, rows: number, cols: number): void => {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 1 || cols < 1) {
    throw new ShapeError(`${op}: dimensions must be positive integers, got ${rows}×${cols}`)
  }
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * The key for a seed: any safe integer ≥ 0 (seeds up to 2^53 − 1 map to distinct keys).
 * Throws RangeError otherwise: seeds from users are decoded at the edge first.
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`key: the seed must be a safe integer ≥ 0, got ${seed}`)
  }
  return { k0: Math.floor(seed / 2 ** 32) >>> 0, k1: seed >>> 0 }
}

/**
 * A key from untrusted data (a file, a message): `{ "k0": a, "k1": b }` with a and b integers in [0, 2^32).
 * Left names the field; never throws, whatever it is given.
 */
export const decodeKey = (u: unknown): E.Either<string, Key> => {
  try {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return E.left(`expected a key { k0, k1 }, got ${Array.isArray(u) ? 'an array' : describeKey(u)}`)
    const { k0, k1 } = u as { k0?: unknown; k1?: unknown }
    if (!isWord(k0)) return E.left(`k0: expected an integer in [0, 2^32), got ${describeWord(k0)}`)
    if (!isWord(k1)) return E.left(`k1: expected an integer in [0, 2^32), got ${describeWord(k1)}`)
    return E.right({ k0, k1 })
  } catch {
    return E.left('expected a key { k0, k1 }, got an object that could not be read')
  }
}

/** `n` independent keys derived from `key`. */
export const split = (key: Key, n = 2): ReadonlyArray<Key> => {
  checkKey('split', key)
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`split: n must be in [1, 2^32], got ${n}`)
  return Array.from({ length: n }, (_, i) => deriveKey(key, i, SPLIT))
}

/** A key derived from `key` and an integer `data` in [0, 2^32), e.g. a step or a restart number. */
export const foldIn = (key: Key, data: number): Key => {
  checkKey('foldIn', key)
  if (!Number.isInteger(data) || data < 0 || data >= 2 ** 32) {
    throw new RangeError(`foldIn: data must be an integer in [0, 2^32), got ${data}`)
  }
  return deriveKey(key, data, FOLD)
}

// -------------------------------------------------------------------------------------
// sampling
// -------------------------------------------------------------------------------------

/**
 * `count` uniform doubles in [0, 1), each built from the 53 high bits of one Threefry block:
 * (hi >>> 5)·2^26 + (lo >>> 6), over 2^53. Exact integer arithmetic: the same on every engine.
 */
export const uniforms = (key: Key, count: number): Float64Array => {
  checkKey('uniforms', key)
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`uniforms: count must be an integer ≥ 0, got ${count}`)
  const out = new Float64Array(count)
  const words = new Uint32Array(2)
  for (let i = 0; i < count; i++) {
    threefry(key, i, DRAW, words)
    out[i] = ((words[0] >>> 5) * 67108864 + (words[1] >>> 6)) / 9007199254740992
  }
  return out
}

/** A rows×cols matrix of independent draws from U[low, high). */
export const uniform = <R extends number = number, C extends number = number>(
  key: Key,
  rows: NoInfer<R>,
  cols: NoInfer<C>,
  low = 0,
  high = 1
): Matrix<R, C> => {
  checkKey('uniform', key)
  checkDims('uniform', rows, cols)
  const out = uniforms(key, rows * cols)
  const width = high - low
  for (let i = 0; i < out.length; i++) out[i] = low + width * out[i]
  return unsafeWrap(rows, cols, out)
}

/**
 * A rows×cols matrix of independent standard normals N(0, 1), by Marsaglia's polar method:
 * draw u, v ∈ (−1, 1) until 0 < s = u² + v² < 1, then u·√(−2 ln s / s) and v·√(−2 ln s / s) are independent normals.
 */
export const normal = <R extends number = number, C extends number = number>(key: Key, rows: NoInfer<R>, cols: NoInfer<C>): Matrix<R, C> => {
  checkKey('normal', key)
  checkDims('normal', rows, cols)
  const count = rows * cols
  const out = new Float64Array(count)
  const words = new Uint32Array(2)
  let counter = 0
  const nextSigned = (): number => {
    threefry(key, counter++, DRAW, words)
    return (((words[0] >>> 5) * 67108864 + (words[1] >>> 6)) / 9007199254740992) * 2 - 1
  }
  for (let i = 0; i < count; ) {
    const u = nextSigned()
    const v = nextSigned()
    const s = u * u + v * v
    if (s >= 1 || s === 0) continue
    const factor = Math.sqrt((-2 * logUnit(s)) / s) // sqrt is correctly rounded (IEEE 754): same everywhere
    out[i++] = u * factor
    if (i < count) out[i++] = v * factor
  }
  return unsafeWrap(rows, cols, out)
}

/** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
export const permutation = (key: Key, n: number): ReadonlyArray<number> => {
  checkKey('permutation', key)
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`permutation: n must be an integer ≥ 0, got ${n}`)
  const order = Array.from({ length: n }, (_, i) => i)
  const u = uniforms(key, n)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1))
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}

// -------------------------------------------------------------------------------------
// internal: an engine-independent logarithm
// -------------------------------------------------------------------------------------

const LN2_HI = 6.93147180369123816490e-1
const LN2_LO = 1.90821492927058770002e-10
const LG1 = 6.666666666666735130e-1
const LG2 = 3.999999999940941908e-1
const LG3 = 2.857142874366239149e-1
const LG4 = 2.222219843214978396e-1
const LG5 = 1.818357216161805012e-1
const LG6 = 1.531383769920937332e-1
const LG7 = 1.479819860511658591e-1

/**
 * ln(x) for 0 < x < 1, from +, −, ×, ÷ only (fdlibm's __ieee754_log reduction and polynomial, error < 1 ulp).
 * `Math.log` is implementation-defined in ECMAScript; this is the same on every engine.
 * x = 2^k·m with m ∈ [√½, √2) (scaling by 2 is exact), f = m − 1, s = f / (2 + f),
 * ln(m) = f − ½f² + s·(½f² + R(s²)), ln(x) = k·ln 2 + ln(m).
 */
/** Exported for its test; not part of the package's index. */
export const logUnit = (x: number): number => {
  let m = x
  let k = 0
  while (m < Math.SQRT1_2) {
    m *= 2
    k--
  }
  const f = m - 1
  const s = f / (2 + f)
  const z = s * s
  const w = z * z
  const t1 = w * (LG2 + w * (LG4 + w * LG6))
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)))
  const r = t2 + t1
  const hfsq = 0.5 * f * f
  return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f)
}
