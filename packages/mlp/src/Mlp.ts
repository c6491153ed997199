/**
 * A network as data: a spec and a readonly array of `{ W, b }` records, one per layer with parameters. A stack of
 * dense layers runs on @puregrad/grad's Backprop (the two textbook loops, as fast as a dense stack gets); any other
 * mix of kinds (convolution, pooling, layer norm, dropout) runs its layers' forward rules under Ad, which
 * differentiates them. `objective` gives the network as a composable VJP; the chain rule is not derived again here.
 *
 * @since 0.1.0
 */

import { pipe } from 'fp-ts/lib/function.js'
import * as Act from '@puregrad/grad/Activation'
import * as Backprop from '@puregrad/grad/Backprop'
import { gradientStep } from '@puregrad/grad/internal/engine'
import type { DenseParams } from '@puregrad/grad/Dense'
import * as Loss from '@puregrad/grad/Loss'
import * as Ad from '@puregrad/grad/Ad'
import * as V from '@puregrad/grad/Vjp'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, scale, shapeOf } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { withDescend } from './internal/fusion.js'
import * as Network from './layers/network.js'
import type { LayeredSpec, MlpSpec } from './Spec.js'
import { activationsOf, isLayered, widthsOf } from './Spec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One `{ W, b }` per layer with parameters (Spec.parameterisedLayersOf): a dense layer l's W is widths[l+1] ×
 * widths[l]; a conv2d's is filters × (C·kh·kw); a layerNorm's W and b are γ and β. Gradients have exactly this shape.
 */
export type Params = ReadonlyArray<DenseParams>

/**
 * Inputs x (widths[0] × B) and targets y (widths[L] × B), one example per column. With a `key`, dropout layers are on
 * (training); without one they pass their input through (evaluation). Give each training batch its own key.
 */
export interface Batch {
  readonly x: Matrix
  readonly y: Matrix
  readonly key?: Key
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

/** Whether a spec is a stack of dense layers, which Backprop's loops run (any other runs under Ad). */
const isDenseStack = (spec: MlpSpec): boolean => !isLayered(spec) || spec.layers.every((layer) => layer.kind === 'dense')

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
  if (!isDenseStack(spec)) {
    const run = Ad.valueAndGrad(Network.loss(spec as LayeredSpec))
    const check = Network.checkParams(spec as LayeredSpec)
    return (y) => (params, x) => {
      check(params)
      const { value, grads } = run(params, x, y, undefined)
      return [value, (g: number) => [grads.map(({ W, b }) => ({ W: scale(g)(W), b: scale(g)(b) })), null]]
    }
  }
  const network = body(spec)
  const activations = activationsOf(spec)
  const output = Act.byName[activations[activations.length - 1]!]
  const outputLoss = V.outputLoss(output, Loss.byName[spec.loss], spec.reduction)
  return (y) => pipe(network, V.andThen(outputLoss(y)))
}

/** The network's outputs a_L (widths[L] × B) for inputs x (widths[0] × B). */
export const predict = (spec: MlpSpec, params: Params): ((x: Matrix) => Matrix) => {
  if (!isDenseStack(spec)) {
    Network.checkParams(spec as LayeredSpec)(params)
    const run = Network.forward(spec as LayeredSpec)
    return (x) => run(params, x, undefined, false)
  }
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
  if (!isDenseStack(spec)) {
    const run = Ad.valueAndGrad(Network.loss(spec as LayeredSpec))
    const check = Network.checkParams(spec as LayeredSpec)
    const dropout = (spec as LayeredSpec).layers.some((layer) => layer.kind === 'dropout' && layer.rate > 0)
    return (params, batch) => {
      check(params)
      if (dropout && batch.key === undefined) {
        throw new TypeError('Mlp.lossAndGradients: the spec has dropout, so each training batch needs its own key (batch.key); evaluate with Mlp.loss')
      }
      const { value, grads } = run(params, batch.x, batch.y, batch.key)
      return { loss: value, grads }
    }
  }
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
  if (!isDenseStack(spec)) {
    const run = Network.loss(spec as LayeredSpec)
    const check = Network.checkParams(spec as LayeredSpec)
    return (params, batch) => {
      check(params)
      return Ad.stopGradient(run(params, batch.x, batch.y, batch.key)).data[0]!
    }
  }
  const build = objective(spec)
  const widths = widthsOf(spec)
  return (params, batch) => {
    checkParams(widths, params)
    return V.forward(build(batch.y))(params, batch.x)
  }
}
