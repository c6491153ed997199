/**
 * A stack of dense layers as the fused loops see it (backprop.ts, smallStep.ts): its activations and loss, with their
 * kernels looked up once, and what a fused gradient step returns.
 */

import type { Activation } from '../Activation.js'
import type { DenseParams } from '../Dense.js'
import type { Loss, Reduction } from '../Loss.js'
import { ShapeError } from '@puregrad/tensor/Matrix'
import type { ActivationKernels, LossKernels } from './kernels.js'
import { activationKernels, lossKernels } from './kernels.js'

/** What the network computes: one activation per layer (the last is the output activation), then a loss. */
export interface DenseStack {
  readonly activations: ReadonlyArray<Activation>
  readonly loss: Loss
  readonly reduction: Reduction
}

/**
 * A stack with its activations' and loss's kernels looked up once, when a function of the stack is made, not on every
 * layer of every call (a WeakMap read each).
 */
export interface Resolved extends DenseStack {
  readonly kernels: ReadonlyArray<ActivationKernels | undefined>
  readonly lossKernels: LossKernels | undefined
}

export const resolve = (stack: DenseStack): Resolved => {
  const activations = [...stack.activations]
  return { activations, loss: stack.loss, reduction: stack.reduction, kernels: activations.map(activationKernels), lossKernels: lossKernels(stack.loss) }
}

/** A ShapeError naming `op` unless there is one layer per activation, and at least one. */
export const checkDepth = (op: string, stack: DenseStack, params: ReadonlyArray<DenseParams>): void => {
  if (params.length !== stack.activations.length || params.length === 0) {
    throw new ShapeError(`${op}: ${stack.activations.length} activations need as many layers, got ${params.length}`)
  }
}

/** What a fused gradient step returns. */
export interface GradientStep {
  /** The loss at the parameters the step started from. */
  readonly loss: number
  /** θ + scale·∂C/∂θ for every W and b. */
  readonly params: ReadonlyArray<DenseParams>
}

/** list[l] when it has `size` entries (its contents are overwritten whole), else a new buffer, kept in list when there is one. */
export const buffer = (list: Array<Float64Array> | undefined, l: number, size: number): Float64Array => {
  if (list === undefined) return new Float64Array(size)
  const kept = list[l]
  if (kept !== undefined && kept.length === size) return kept
  return (list[l] = new Float64Array(size))
}
