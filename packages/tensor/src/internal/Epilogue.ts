/**
 * Element-wise epilogues a matrix-multiply kernel applies to its product before handing it back: a dense layer's
 * bias and activation (σ(W·x + b)) and the derivative of an activation known from its output a = σ(z)
 * (da ⊙ σ'(a) with da = Wᵀ·dz).
 *
 * These loops are the one definition of each rule. The JS kernels run them after the product; the WebAssembly module
 * (wasm/gemm.wat) performs the same operations in the same order on its copy of the product; @puregrad/grad's
 * activations call them. So every path gives the same bits.
 *
 * @since 0.1.0
 */

import { exp } from '../Exp.js'

/** The activations the kernels can apply to W·x + b (identity: none). */
export type Forward = 'identity' | 'sigmoid'

/** The activations whose derivative is a function of their output a alone, and that the kernels know. */
export type Derivative = 'sigmoid' | 'tanh' | 'relu'

/** Each rule's number in the WebAssembly module (its `derivative` export). */
export const derivativeCode: Readonly<Record<Derivative, number>> = { sigmoid: 0, tanh: 1, relu: 2 }

/** out[i·n + j] += bias[i] for i < m, j < n: the bias of a dense layer over its m×n product (one column per example). */
export const addBias = (out: Float64Array, bias: ArrayLike<number>, m: number, n: number): void => {
  for (let i = 0; i < m; i++) {
    const bi = bias[i]
    for (let j = 0; j < n; j++) out[i * n + j] += bi
  }
}

/**
 * σ(z) = 1 / (1 + e^(−z)), evaluated from e = e^(−|z|) (Exp.exp) as 1 / (1 + e) for z ≥ 0 and e / (1 + e) below:
 * e ≤ 1, so nothing overflows. Exact 0 and 1 only where the true value rounds to them (z < ~−745, z > ~37).
 */
export const sigmoid = (z: number): number => {
  const e = exp(-Math.abs(z))
  return z >= 0 ? 1 / (1 + e) : e / (1 + e)
}

/** out[q] = σ(z[q]) for q < length (`out` may be z). */
export const applySigmoid = (z: ArrayLike<number>, out: Float64Array, length: number): void => {
  for (let q = 0; q < length; q++) out[q] = sigmoid(z[q])
}

/**
 * g·σ'(a) for one entry, σ' written from the activation's output a = σ(z):
 *   sigmoid  σ' = a·(1 − a)   as g·a·(1 − a)
 *   tanh     σ' = 1 − a²      as g·(1 − a·a)
 *   relu     σ' = [a > 0]     as a > 0 ? g : +0  (a > 0 exactly where z > 0)
 * The one definition of each rule: the loops below and the kernels' small products apply it entry by entry.
 */
export const derivativeRule: Readonly<Record<Derivative, (g: number, a: number) => number>> = {
  sigmoid: (g, a) => g * a * (1 - a),
  tanh: (g, a) => g * (1 - a * a),
  relu: (g, a) => (a > 0 ? g : 0)
}

/**
 * out[q] = g[q]·σ'(a[q]) for q < length (derivativeRule's rules). `out` may be g or a itself: each entry is read
 * before it is written.
 */
export const timesDerivative: Readonly<
  Record<Derivative, (g: ArrayLike<number>, a: ArrayLike<number>, out: Float64Array, length: number) => void>
> = {
  sigmoid: (g, a, out, length) => {
    const rule = derivativeRule.sigmoid
    for (let q = 0; q < length; q++) out[q] = rule(g[q], a[q])
  },
  tanh: (g, a, out, length) => {
    const rule = derivativeRule.tanh
    for (let q = 0; q < length; q++) out[q] = rule(g[q], a[q])
  },
  relu: (g, a, out, length) => keepWherePositive(a, g, out, length)
}

/** From this length up, keepWherePositive masks bits instead of branching (the views cost more than a short loop). */
const MASK_FROM = 256

/**
 * out[q] = test[q] > 0 ? src[q] : +0 for q < length (`out` may be test or src: each entry is read before it is
 * written): relu's forward (test = src = z) and its derivative (test = a, src = g).
 *
 * On data whose signs are random (a layer's pre-activations), a branch per entry is mispredicted half the time, so
 * long runs take src's two 32-bit words ANDed with a mask that is all ones where test[q] > 0 and zeros elsewhere
 * (−(+(test > 0)) compiles to a compare and a set, not a jump): the same bits (+0 where the test fails, NaN tests
 * included, src copied exactly where it holds), at about half the time (measured on 65,536 normal values).
 */
export const keepWherePositive = (test: ArrayLike<number>, src: ArrayLike<number>, out: Float64Array, length: number): void => {
  if (length < MASK_FROM || !(src instanceof Float64Array)) {
    for (let q = 0; q < length; q++) out[q] = test[q] > 0 ? src[q] : 0
    return
  }
  const from = new Int32Array(src.buffer, src.byteOffset, 2 * length)
  const to = new Int32Array(out.buffer, out.byteOffset, 2 * length)
  for (let q = 0; q < length; q++) {
    const mask = -+(test[q] > 0)
    to[2 * q] = from[2 * q] & mask
    to[2 * q + 1] = from[2 * q + 1] & mask
  }
}
