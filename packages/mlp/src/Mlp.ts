/**
 * A multilayer perceptron as data: a spec and a readonly array of dense `{ W, b }` records. Prediction and gradients
 * come from @puregrad/grad's Backprop (the two textbook loops, as fast as a dense stack gets), and `objective` gives
 * the same network as a composable VJP; the chain rule is not derived again here.
 *
 * @since 0.1.0
 */

import { pipe } from 'fp-ts/lib/function.js'
import * as Act from '@puregrad/grad/Activation'
import * as Backprop from '@puregrad/grad/Backprop'
import { gradientStep } from '@puregrad/grad/internal/engine'
import type { DenseParams } from '@puregrad/grad/Dense'
import * as Loss from '@puregrad/grad/Loss'
import * as V from '@puregrad/grad/Vjp'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf } from '@puregrad/tensor/Matrix'
import { withDescend } from './internal/fusion.js'
import type { MlpSpec } from './Spec.js'
import { activationsOf, widthsOf } from './Spec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One `{ W, b }` per layer; W of layer l is widths[l+1] × widths[l]. Gradients have exactly this shape. */
export type Params = ReadonlyArray<DenseParams>

/** Inputs x (widths[0] × B) and targets y (widths[L] × B), one example per column. */
export interface Batch {
  readonly x: Matrix
  readonly y: Matrix
}

export interface LossAndGradients {
  readonly loss: number
  readonly grads: Params
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const checkParams = (widths: ReadonlyArray<number>, params: Params): void => {
  if (params.length !== widths.length - 1) {
    throw new ShapeError(`Mlp: the spec has ${widths.length - 1} layers, the parameters ${params.length}`)
  }
  // A plain loop: this runs on every training step.
  for (let l = 0; l < params.length; l++) {
    const { W, b } = params[l]!
    const out = widths[l + 1]!, inputs = widths[l]!
    if (W.rows !== out || W.cols !== inputs || b.rows !== out || b.cols !== 1) {
      throw new ShapeError(`Mlp: layer ${l} expects W ${out}×${inputs} and b ${out}×1, got W ${shapeOf(W)} and b ${shapeOf(b)}`)
    }
  }
}

/**
 * The hidden part of the network as a VJP: dense layers with their activations, then the output layer's affine map
 * (its activation is fused with the loss). The first layer does not differentiate its input: x is data.
 */
const body = (spec: MlpSpec): V.Differentiable<Params, Matrix, Matrix, null> => {
  const activations = activationsOf(spec)
  const last = activations.length - 1
  const layers = activations.map((name, l) => (l === last ? V.affine() : V.dense(Act.byName[name])))
  const first = last === 0 ? V.affine({ inputGradient: false }) : V.dense(Act.byName[activations[0]!], { inputGradient: false })
  return V.stack(first, ...layers.slice(1))
}

/** The spec's activations and loss, for Backprop. */
const denseStack = (spec: MlpSpec): Backprop.DenseStack => ({
  activations: activationsOf(spec).map((name) => Act.byName[name]),
  loss: Loss.byName[spec.loss],
  reduction: spec.reduction
})

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The network from inputs to the scalar loss against targets y, as one Differentiable: useful to compose further
 * (a regulariser, a bigger model) or to gradient-check.
 */
export const objective = (spec: MlpSpec): ((y: Matrix) => V.Differentiable<Params, Matrix, number, null>) => {
  const network = body(spec)
  const activations = activationsOf(spec)
  const output = Act.byName[activations[activations.length - 1]!]
  const outputLoss = V.outputLoss(output, Loss.byName[spec.loss], spec.reduction)
  return (y) => pipe(network, V.andThen(outputLoss(y)))
}

/** The network's outputs a_L (widths[L] × B) for inputs x (widths[0] × B). */
export const predict = (spec: MlpSpec, params: Params): ((x: Matrix) => Matrix) => {
  checkParams(widthsOf(spec), params)
  const run = Backprop.predict(denseStack(spec))
  return (x) => run(params, x)
}

/**
 * The loss on a batch and its gradients with respect to every parameter (same shape as params), bit-identical to
 * `valueAndGrad(objective(spec)(batch.y))`: an objective for `Train`. The network's pieces are looked up once per
 * spec, not once per batch. Train.step recognises it (privately) and, with plain SGD, folds each update into the
 * backward pass (Backprop.gradientStep: the same bits, no gradient tree kept).
 */
export const lossAndGradients = (spec: MlpSpec): ((params: Params, batch: Batch) => LossAndGradients) => {
  const stack = denseStack(spec)
  const widths = widthsOf(spec)
  const run = Backprop.lossAndGradients(stack)
  const descend = gradientStep(stack)
  return withDescend(
    (params: Params, batch: Batch): LossAndGradients => {
      checkParams(widths, params)
      return run(params, batch.x, batch.y)
    },
    (params: Params, batch: Batch, scale: number) => {
      checkParams(widths, params)
      return descend(params, batch.x, batch.y, scale)
    }
  )
}

/** The loss on a batch, without gradients. */
export const loss = (spec: MlpSpec): ((params: Params, batch: Batch) => number) => {
  const build = objective(spec)
  const widths = widthsOf(spec)
  return (params, batch) => {
    checkParams(widths, params)
    return V.forward(build(batch.y))(params, batch.x)
  }
}
