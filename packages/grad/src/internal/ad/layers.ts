/**
 * Fused primitives with closed-form VJPs: the dense layer (part 1 of the notebook), log-softmax, and the losses from
 * logits. Each is built on the same rules Backprop runs (affineThen with the kernels' epilogues, the activations'
 * backward, the losses' fromLogits), so a dense stack differentiated by Ad gives Backprop's bits.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, axpy, matmulTranspose, scale, shapeOf, sumColumns, transposeMatmul, unsafeWrap } from '@puregrad/tensor/Matrix'
import { exp } from '@puregrad/tensor/Exp'
import type { Activation } from '../../Activation.js'
import { affineThen } from '../affine.js'
import { stepBias, stepWeights } from '../backprop.js'
import type { Loss, Reduction } from '../../Loss.js'
import * as L from '../../Loss.js'
import { activationKernels } from '../kernels.js'
import type { Primitive } from './tape.js'
import { scalar } from './tape.js'
import { log } from '@puregrad/tensor/Log'

// -------------------------------------------------------------------------------------
// dense
// -------------------------------------------------------------------------------------

interface DenseSaved {
  readonly W: Matrix
  readonly b: Matrix
  readonly x: Matrix
  /** z = W·x + b, or a itself when σ' reads only a (then z's buffer became a). */
  readonly z: Matrix
  readonly a: Matrix
  readonly σ: Activation
}

/**
 * a = σ(W·x + b) with W out × in, b out × 1, x in × batch. With dz = g ⊙ σ'(z) (σ.backward):
 *   ∂/∂W = dz·xᵀ,  ∂/∂b = Σ_batch dz (for one example, ∂C/∂b = ∂C/∂z),  ∂/∂x = Wᵀ·dz.
 * Forward as Backprop's layers run it: σ inside the matmul kernel where it is one of its epilogues (sigmoid), else
 * over W·x + b's own fresh buffer; inputs are [W, b, x].
 */
export const dense: Primitive<Activation, DenseSaved> = {
  name: 'dense',
  forward: ([W, b, x], σ) => {
    if (b!.cols !== 1 || b!.rows !== W!.rows) throw new ShapeError(`Ad.dense: b must be ${W!.rows}×1 for W ${shapeOf(W!)}, got ${shapeOf(b!)}`)
    if (W!.cols !== x!.rows) throw new ShapeError(`Ad.dense: (${shapeOf(W!)})·(${shapeOf(x!)}): inner dimensions ${W!.cols} ≠ ${x!.rows}`)
    const p = { W: W!, b: b! }
    const kernels = activationKernels(σ)
    if (σ.name === 'identity') {
      const z = affineThen(p, x!)
      return [z, { W: W!, b: b!, x: x!, z, a: z, σ }]
    }
    if (kernels?.epilogue !== undefined && !kernels.needsZ) {
      const a = affineThen(p, x!, kernels.epilogue)
      return [a, { W: W!, b: b!, x: x!, z: a, a, σ }]
    }
    const z = affineThen(p, x!)
    if (kernels !== undefined && !kernels.needsZ) {
      kernels.forward(z.data, z.data as Float64Array, z.rows, z.cols) // z is ours alone: it becomes a
      return [z, { W: W!, b: b!, x: x!, z, a: z, σ }]
    }
    const a = σ.forward(z)
    return [a, { W: W!, b: b!, x: x!, z, a, σ }]
  },
  vjp: ({ W, x, z, a, σ }, g, needs) => {
    const dz = σ.name === 'identity' ? g : σ.backward(z, a, g)
    return [needs[0] ? matmulTranspose(x)(dz) : undefined, needs[1] ? sumColumns(dz) : undefined, needs[2] ? transposeMatmul(dz)(W) : undefined]
  },
  // With SGD fused: W + factor·dz·xᵀ in the product’s epilogue and b + factor·Σ dz in one pass, Backprop's own step
  // (so the dW and db arrays are never made); x, rarely a parameter, is stepped after its cotangent.
  vjpStep: ({ W, b, x, z, a, σ }, g, needs, step, factor) => {
    const dz = σ.name === 'identity' ? g : σ.backward(z, a, g)
    const dx = needs[2] ? transposeMatmul(dz)(W) : undefined
    return [
      (step & 1) !== 0 ? stepWeights(dz, x, factor, W) : needs[0] ? matmulTranspose(x)(dz) : undefined,
      (step & 2) !== 0 ? stepBias(dz, factor, b) : needs[1] ? sumColumns(dz) : undefined,
      (step & 4) !== 0 && dx !== undefined ? axpy(factor, dx)(x) : dx
    ]
  }
}

// -------------------------------------------------------------------------------------
// log-softmax
// -------------------------------------------------------------------------------------

/**
 * Per column: yᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m) (m the column's max, so no e^x overflows).
 * ∂/∂x = g − softmax(x) ⊙ Σᵢ gᵢ (per column), with softmax(x) = e^y.
 */
export const logSoftmax: Primitive<undefined, Matrix> = {
  name: 'logSoftmax',
  forward: ([x]) => {
    const { rows, cols, data } = x!
    const out = new Float64Array(rows * cols)
    for (let j = 0; j < cols; j++) {
      let max = -Infinity
      for (let i = 0; i < rows; i++) max = Math.max(max, data[i * cols + j]!)
      let sumExp = 0
      for (let i = 0; i < rows; i++) sumExp += exp(data[i * cols + j]! - max)
      const shift = max + log(sumExp)
      for (let i = 0; i < rows; i++) out[i * cols + j] = data[i * cols + j]! - shift
    }
    const y = unsafeWrap(rows, cols, out)
    return [y, y]
  },
  vjp: (y, g) => {
    const { rows, cols } = y
    const out = new Float64Array(rows * cols)
    for (let j = 0; j < cols; j++) {
      let total = 0
      for (let i = 0; i < rows; i++) total += g.data[i * cols + j]!
      for (let i = 0; i < rows; i++) out[i * cols + j] = g.data[i * cols + j]! - exp(y.data[i * cols + j]!) * total
    }
    return [unsafeWrap(rows, cols, out)]
  }
}

// -------------------------------------------------------------------------------------
// losses from logits
// -------------------------------------------------------------------------------------

/**
 * A loss of grad's `Loss` through its canonical activation, from logits z and targets y (a constant): the value and
 * ∂C/∂z come from `loss.fromLogits` in one pass, the fused rule Backprop's output layer runs, so the bits agree.
 * ∂/∂z = g·(σ(z) − y)/k (k = 1 for 'sum', the batch size for 'mean'); the targets get no gradient.
 */
export const fromLogits = (name: string, loss: Loss): Primitive<Reduction, Matrix> => ({
  name,
  forward: ([z, y], reduction) => {
    checkReduction(name, reduction)
    if (z!.rows !== y!.rows || z!.cols !== y!.cols) throw new ShapeError(`Ad.${name}: logits ${shapeOf(z!)} and targets ${shapeOf(y!)} differ in shape`)
    const { loss: value, dz } = loss.fromLogits(z!, y!, reduction)
    return [scalar(value), dz]
  },
  vjp: (dz, g, needs) => {
    if (needs[1]) throw new Error(`Ad.${name}: the targets must be constants (differentiate with respect to the logits)`)
    const k = g.data[0]!
    return [k === 1 ? dz : scale(k)(dz), undefined]
  }
})

const checkReduction = (op: string, reduction: unknown): void => {
  if (reduction !== 'sum' && reduction !== 'mean') throw new RangeError(`Ad.${op}: reduction must be 'sum' or 'mean', got ${String(reduction)}`)
}

/** Sigmoid + binary cross-entropy from logits: C = Σ softplus(z) − y·z (÷B for 'mean'); ∂/∂z = (σ(z) − y)/k. */
export const binaryCrossEntropyWithLogits = fromLogits('binaryCrossEntropyWithLogits', L.binaryCrossEntropy)

/** Softmax + cross-entropy per column (one-hot y): C = Σ_cols logsumexp(z) − Σ y·z; ∂/∂z = (softmax(z) − y)/k. */
export const softmaxCrossEntropy = fromLogits('softmaxCrossEntropy', L.softmaxCrossEntropy)

/** ½‖a − y‖² per example, summed (÷B for 'mean'): ∂/∂a = (a − y)/k. */
export const squaredError = fromLogits('squaredError', L.squaredError)

/** Integer labels (1×B, each in [0, classes)) as the one-hot n×B targets of softmaxCrossEntropy. */
export const oneHot = (labels: Matrix, classes: number): Matrix => {
  if (labels.rows !== 1) throw new ShapeError(`Ad.softmaxCrossEntropyWithIntegerLabels: labels must be 1×B, got ${shapeOf(labels)}`)
  const out = new Float64Array(classes * labels.cols)
  for (let j = 0; j < labels.cols; j++) {
    const c = labels.data[j]!
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`Ad.softmaxCrossEntropyWithIntegerLabels: label ${j} is ${c}, not an integer in [0, ${classes})`)
    }
    out[c * labels.cols + j] = 1
  }
  return unsafeWrap(classes, labels.cols, out)
}
