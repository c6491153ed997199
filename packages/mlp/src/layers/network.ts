/**
 * Any layered network as Ad code: its forward pass through each kind's forward rule, and its loss against targets.
 * Ad differentiates it, so a CNN (or any mix of kinds) trains with no backward pass written here; a stack of dense
 * layers keeps Backprop's fused loops (Mlp decides).
 */

import * as Ad from '@puregrad/grad/Ad'
import type { DenseParams } from '@puregrad/grad/Dense'
import * as Loss from '@puregrad/grad/Loss'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { foldIn } from '@puregrad/tensor/Random'
import type { LayeredSpec } from '../Spec.js'
import { parameterisedLayersOf, shapesOf } from '../Spec.js'
import type { LayerKind, Shape } from './kind.js'
import type { LayerSpec } from './registry.js'
import { kindOf } from './registry.js'

interface Step {
  readonly layer: LayerSpec
  readonly kind: LayerKind<LayerSpec>
  readonly input: Shape
  /** Its index in params, or −1 for a layer without parameters. */
  readonly param: number
}

/** The layers of a valid spec with what each is fed and where its parameters are, looked up once. */
const stepsOf = (spec: LayeredSpec): ReadonlyArray<Step> => {
  const shapes = shapesOf(spec)
  const params = parameterisedLayersOf(spec)
  return spec.layers.map((layer, l) => ({ layer, kind: kindOf(layer)!, input: shapes[l]!, param: params.findIndex((p) => p.layer === l) }))
}

/** Throws a ShapeError naming the first parameter that does not have its layer's shape. */
export const checkParams = (spec: LayeredSpec): ((params: ReadonlyArray<DenseParams>) => void) => {
  const expected = parameterisedLayersOf(spec)
  return (params) => {
    if (!Array.isArray(params) || params.length !== expected.length) {
      throw new ShapeError(`Mlp: the spec has ${expected.length} layers with parameters, the parameters ${Array.isArray(params) ? params.length : 'are not an array'}`)
    }
    for (let k = 0; k < expected.length; k++) {
      const { layer, out, in: inputs } = expected[k]!
      const { W, b } = params[k]!
      if (W.rows !== out || W.cols !== inputs || b.rows !== out || b.cols !== 1) {
        throw new ShapeError(`Mlp: parameters ${k} (layer ${layer}, ${spec.layers[layer]!.kind}) expect W ${out}×${inputs} and b ${out}×1, got W ${shapeOf(W)} and b ${shapeOf(b)}`)
      }
    }
  }
}

/**
 * The network's output for x, or its logits (the last layer before its activation) with `logits`. With a key, the
 * dropout layers are on, layer l drawing from foldIn(key, l); without one they are the identity.
 */
export const forward = (spec: LayeredSpec): ((params: ReadonlyArray<DenseParams>, x: Matrix, key: Key | undefined, logits: boolean) => Matrix) => {
  const steps = stepsOf(spec)
  const last = steps.length - 1
  return (params, x, key, logits) => {
    let h = x
    for (let l = 0; l <= last; l++) {
      const { layer, kind, input, param } = steps[l]!
      h = kind.forward(layer, input, param < 0 ? undefined : params[param], h, { key: key === undefined ? undefined : foldIn(key, l), logits: logits && l === last })
    }
    return h
  }
}

/**
 * The loss of the network's output against targets y, with the output activation fused into the loss where they are
 * a canonical pair (sigmoid + binary cross-entropy, softmax + cross-entropy: from the logits, as Backprop does).
 */
export const loss = (spec: LayeredSpec): ((params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix, key: Key | undefined) => Matrix) => {
  const run = forward(spec)
  const reduction = spec.reduction
  switch (Loss.byName[spec.loss].name) {
    case 'binaryCrossEntropy':
      return (params, x, y, key) => Ad.binaryCrossEntropyWithLogits(run(params, x, key, true), y, reduction)
    case 'softmaxCrossEntropy':
      return (params, x, y, key) => Ad.softmaxCrossEntropy(run(params, x, key, true), y, reduction)
    default:
      return (params, x, y, key) => Ad.squaredError(run(params, x, key, false), y, reduction)
  }
}
