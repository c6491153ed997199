/**
 * Losses C(a, y) over a batch (examples as columns), each with its gradient ∂C/∂a, and the fused ∂C/∂z for the
 * canonical output pairs (sigmoid + binary cross-entropy, softmax + cross-entropy, identity + squared error).
 *
 * Reduction: 'sum' adds the per-example losses; 'mean' divides that sum by the batch size B (the number of
 * columns), and every gradient is divided by B exactly like the value. Because the factor lives in ∂C/∂z, a dense
 * layer's dW = dz·xᵀ and db = Σ_batch dz are reduced identically, by construction.
 *
 * @since 0.1.0
 */

import { exp } from '@puregrad/tensor/Exp'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Activation } from './Activation.js'
import type { LossKernels } from './internal/kernels.js'
import { withLossKernels } from './internal/kernels.js'
import { softplusScalar } from './Activation.js'
import { log, log1p } from '@puregrad/tensor/Log'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Reduction = 'sum' | 'mean'

/** The losses by name. `meanSquaredError` is the former name of `squaredError` (½‖a − y‖², not a mean over outputs). */
export type LossName = 'binaryCrossEntropy' | 'squaredError' | 'softmaxCrossEntropy' | 'meanSquaredError'

/** The loss and ∂C/∂z of an output layer. */
export interface OutputGradient<R extends number = number, C extends number = number> {
  readonly loss: number
  readonly dz: Matrix<R, C>
}

export interface Loss {
  readonly name: LossName
  /** C(a, y), reduced over the batch. Finite for every a the matching output activation can produce. */
  readonly value: (a: Matrix, y: Matrix, reduction: Reduction) => number
  /** ∂C/∂a, same shape as a. */
  readonly gradient: <R extends number, C extends number>(a: Matrix<R, C>, y: Matrix<R, C>, reduction: Reduction) => Matrix<R, C>
  /**
   * The output activation whose pairing with this loss has the fused gradient ∂C/∂z = (a − y)/k
   * (k = 1 for 'sum', B for 'mean'), and whose value is computed from z without rounding a to 0 or 1.
   */
  readonly canonical: Activation['name']
  /** C computed from the pre-activation z of the canonical activation: exact where a would round to 0 or 1. */
  readonly valueFromLogits: (z: Matrix, y: Matrix, reduction: Reduction) => number
  /**
   * C and the fused ∂C/∂z through the canonical activation, from z and y in one pass: C equals `valueFromLogits`
   * and ∂C/∂z equals (σ(z) − y)/k bit for bit (softmax CE: ((Σ y)·a − y)/k per column), without allocating σ(z).
   */
  readonly fromLogits: <R extends number, C extends number>(z: Matrix<R, C>, y: Matrix<R, C>, reduction: Reduction) => OutputGradient<R, C>
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const checkPair = (op: string, a: Matrix, y: Matrix): void => {
  if (a.rows !== y.rows || a.cols !== y.cols) {
    throw new ShapeError(`${op}: prediction and target shapes differ: ${shapeOf(a)} and ${shapeOf(y)}`)
  }
}

/** 1 for 'sum', the batch size for 'mean'. */
export const divisor = (reduction: Reduction, batch: number): number => (reduction === 'mean' ? batch : 1)

/**
 * Probabilities are kept in [ε, 1 − ε] inside logarithms, so an output that rounded to exactly 0 or 1 costs
 * at most −ln ε ≈ 36.7 instead of Infinity, and 0·ln 0 never makes a NaN.
 */
const EPSILON = 1e-16
const safeLog = (p: number): number => log(p < EPSILON ? EPSILON : p)

/** `fromLogits` as the loss's kernel run into a fresh buffer. */
const fromLogitsBy =
  (op: string, kernels: LossKernels): Loss['fromLogits'] =>
  (z, y, reduction) => {
    checkPair(op, z, y)
    const out = new Float64Array(z.data.length)
    const loss = kernels.fromLogits(z.data, y.data, out, z.rows, z.cols, reduction)
    return { loss, dz: unsafeWrap(z.rows, z.cols, out) }
  }

// -------------------------------------------------------------------------------------
// kernels
// -------------------------------------------------------------------------------------

/** Sigmoid + BCE: C = Σ softplus(z) − y·z and dz = (σ(z) − y)/k, sharing e = e^(−|z|) between softplus and σ. */
const bceKernels: LossKernels = {
  fromLogits: (x, t, out, _, cols, reduction) => {
    const k = divisor(reduction, cols)
    let total = 0
    for (let i = 0; i < x.length; i++) {
      // softplusScalar and sigmoidScalar written out around one exp: the same operations as theirs.
      const zi = x[i], e = exp(-Math.abs(zi))
      total += Math.max(zi, 0) + log1p(e) - t[i] * zi
      out[i] = ((zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - t[i]) / k
    }
    return total / k
  }
}

/** Identity + squared error: C = ½Σ(z − y)² and dz = (z − y)/k. */
const squaredErrorKernels: LossKernels = {
  fromLogits: (p, t, out, _, cols, reduction) => {
    const k = divisor(reduction, cols)
    let total = 0
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - t[i]
      total += d * d
      out[i] = d / k
    }
    return (0.5 * total) / k
  }
}

/**
 * Softmax + CE per column: C = (Σᵢ yᵢ)·logsumexp(z) − Σᵢ yᵢ·zᵢ and dzᵢ = ((Σⱼ yⱼ)·aᵢ − yᵢ)/k, with
 * aᵢ = e^(zᵢ − m) / Σⱼ e^(zⱼ − m) computed as softmax.forward computes it and the exponentials shared with C.
 */
const softmaxCrossEntropyKernels: LossKernels = {
  fromLogits: (x, t, out, rows, cols, reduction) => {
    const k = divisor(reduction, cols)
    let total = 0
    for (let j = 0; j < cols; j++) {
      let max = -Infinity
      for (let i = 0; i < rows; i++) max = Math.max(max, x[i * cols + j])
      let sumExp = 0
      let mass = 0
      let dot = 0
      for (let i = 0; i < rows; i++) {
        const zi = x[i * cols + j], ti = t[i * cols + j]
        const e = exp(zi - max)
        out[i * cols + j] = e
        sumExp += e
        mass += ti
        dot += ti * zi
      }
      total += mass * (max + log(sumExp)) - dot
      for (let i = 0; i < rows; i++) out[i * cols + j] = (mass * (out[i * cols + j] / sumExp) - t[i * cols + j]) / k
    }
    return total / k
  }
}

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * Binary cross-entropy, as in the notebook: C(a, y) = Σ (y − 1)·ln(1 − a) − y·ln(a).
 * ∂C/∂a = (a − y) / (a·(1 − a)); with a = σ(z), ∂C/∂z = a − y.
 * From logits: C = Σ softplus(z) − y·z, exact for every finite z.
 */
export const binaryCrossEntropy: Loss = withLossKernels({
  name: 'binaryCrossEntropy',
  canonical: 'sigmoid',
  value: (a, y, reduction) => {
    checkPair('binaryCrossEntropy', a, y)
    const p = a.data, t = y.data
    let total = 0
    for (let i = 0; i < p.length; i++) {
      // Each term is skipped when its weight is exactly 0, so 0·ln(0) never arises.
      if (t[i] !== 1) total -= (1 - t[i]) * safeLog(1 - p[i])
      if (t[i] !== 0) total -= t[i] * safeLog(p[i])
    }
    return total / divisor(reduction, a.cols)
  },
  gradient: (a, y, reduction) => {
    checkPair('binaryCrossEntropy.gradient', a, y)
    const p = a.data, t = y.data, out = new Float64Array(p.length)
    const k = divisor(reduction, a.cols)
    for (let i = 0; i < out.length; i++) {
      const q = Math.min(Math.max(p[i], EPSILON), 1 - EPSILON)
      out[i] = (q - t[i]) / (q * (1 - q) * k)
    }
    return unsafeWrap(a.rows, a.cols, out)
  },
  valueFromLogits: (z, y, reduction) => {
    checkPair('binaryCrossEntropy', z, y)
    const x = z.data, t = y.data
    let total = 0
    for (let i = 0; i < x.length; i++) total += softplusScalar(x[i]) - t[i] * x[i]
    return total / divisor(reduction, z.cols)
  },
  fromLogits: fromLogitsBy('binaryCrossEntropy', bceKernels)
}, bceKernels)

/** Squared error C(a, y) = ½‖a − y‖² (summed over outputs and batch); ∂C/∂a = a − y. */
export const squaredError: Loss = withLossKernels({
  name: 'squaredError',
  canonical: 'identity',
  value: (a, y, reduction) => {
    checkPair('squaredError', a, y)
    const p = a.data, t = y.data
    let total = 0
    for (let i = 0; i < p.length; i++) total += (p[i] - t[i]) * (p[i] - t[i])
    return (0.5 * total) / divisor(reduction, a.cols)
  },
  gradient: (a, y, reduction) => {
    checkPair('squaredError.gradient', a, y)
    const p = a.data, t = y.data, out = new Float64Array(p.length)
    const k = divisor(reduction, a.cols)
    for (let i = 0; i < out.length; i++) out[i] = (p[i] - t[i]) / k
    return unsafeWrap(a.rows, a.cols, out)
  },
  valueFromLogits: (z, y, reduction) => squaredError.value(z, y, reduction),
  fromLogits: fromLogitsBy('squaredError', squaredErrorKernels)
}, squaredErrorKernels)

/**
 * Cross-entropy against a distribution per column: C(a, y) = −Σ y·ln(a); ∂C/∂a = −y / a.
 * With a = softmax(z) and columns of y summing to 1, ∂C/∂z = a − y.
 * From logits: C = Σ_columns (Σᵢ yᵢ)·logsumexp(z) − Σᵢ yᵢ·zᵢ, with logsumexp shifted by the column max.
 */
export const softmaxCrossEntropy: Loss = withLossKernels({
  name: 'softmaxCrossEntropy',
  canonical: 'softmax',
  value: (a, y, reduction) => {
    checkPair('softmaxCrossEntropy', a, y)
    const p = a.data, t = y.data
    let total = 0
    for (let i = 0; i < p.length; i++) if (t[i] !== 0) total -= t[i] * safeLog(p[i])
    return total / divisor(reduction, a.cols)
  },
  gradient: (a, y, reduction) => {
    checkPair('softmaxCrossEntropy.gradient', a, y)
    const p = a.data, t = y.data, out = new Float64Array(p.length)
    const k = divisor(reduction, a.cols)
    for (let i = 0; i < out.length; i++) out[i] = t[i] === 0 ? 0 : -t[i] / (Math.max(p[i], EPSILON) * k)
    return unsafeWrap(a.rows, a.cols, out)
  },
  valueFromLogits: (z, y, reduction) => softmaxCrossEntropy.fromLogits(z, y, reduction).loss,
  fromLogits: fromLogitsBy('softmaxCrossEntropy', softmaxCrossEntropyKernels)
}, softmaxCrossEntropyKernels)

/** The former name of {@link squaredError}: the same loss (model files and specs that say it still work). */
export const meanSquaredError: Loss = squaredError

export const byName: Readonly<Record<LossName, Loss>> = { binaryCrossEntropy, squaredError, softmaxCrossEntropy, meanSquaredError }

/** The losses' names (the canonical ones; `meanSquaredError` is accepted as `squaredError`'s former name). */
export const names: ReadonlyArray<LossName> = ['binaryCrossEntropy', 'squaredError', 'softmaxCrossEntropy']

// -------------------------------------------------------------------------------------
// output layer: loss after activation, fused where the pair is canonical
// -------------------------------------------------------------------------------------

/**
 * C and ∂C/∂z for an output layer a = σ(z) followed by a loss, from z and the targets y.
 * Canonical pairs take the fused path (`loss.fromLogits`): C from the logits, ∂C/∂z = (a − y)/k in the same pass
 * (no division by a(1 − a), so no blow-up at saturated outputs, and a loss that stays finite where a rounds to 0
 * or 1). Other pairs compute a = σ(z) and chain the loss gradient through the activation.
 */
export const outputGradient =
  (activation: Activation, loss: Loss, reduction: Reduction) =>
  <R extends number, C extends number>(z: Matrix<R, C>, y: Matrix<R, C>): OutputGradient<R, C> => {
    if (activation.name === loss.canonical) return loss.fromLogits(z, y, reduction)
    const a = activation.forward(z)
    return { loss: loss.value(a, y, reduction), dz: activation.backward(z, a, loss.gradient(a, y, reduction)) }
  }
