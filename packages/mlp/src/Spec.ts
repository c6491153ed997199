/**
 * The description of a multilayer perceptron: layer widths, an activation per layer, a loss and its reduction.
 * `validateSpec` is the boundary for specs built from user input (CLI flags, files).
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Loss from '@puregrad/grad/Loss'
import type { LossName, Reduction } from '@puregrad/grad/Loss'
import type { ImageShape } from '@puregrad/grad/Ad'
import type { ParameterShape, Shape } from './layers/kind.js'
import { describeValue } from './layers/kind.js'
import type { LayerSpec } from './layers/registry.js'
import { kindOf, registry } from './layers/registry.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A network as a list of layers read through the layer registry (`layers/registry.ts`): `inputs` features in (a
 * number, or an image's `{ channels, height, width }`, a column of C·H·W values in (c, h, w) order), then each layer
 * in order, e.g. `{ inputs: 2, layers: [{ kind: 'dense', units: 2, activation: 'sigmoid' }, …], … }`. Kinds: dense,
 * conv2d, maxPool2d, avgPool2d (image in, image out), layerNorm, dropout (shape kept).
 */
export interface LayeredSpec {
  readonly inputs: number | ImageShape
  readonly layers: ReadonlyArray<LayerSpec>
  readonly loss: LossName
  readonly reduction: Reduction
}

/**
 * A dense stack by its widths: widths[0] inputs, widths[L] outputs; layer l (1 ≤ l ≤ L) maps widths[l−1] to
 * widths[l] with activations[l−1]. The notebook's XOR net:
 * `{ widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }`.
 */
export interface WidthsSpec {
  readonly widths: ReadonlyArray<number>
  readonly activations: ReadonlyArray<ActivationName>
  readonly loss: LossName
  readonly reduction: Reduction
}

/** An MLP's spec, in either form: a list of layers, or widths and activations (the same network as dense layers). */
export type MlpSpec = LayeredSpec | WidthsSpec

export type { LayerSpec } from './layers/registry.js'
export type { DenseLayerSpec } from './layers/dense.js'
export type { Conv2dLayerSpec } from './layers/conv2d.js'
export type { AvgPool2dLayerSpec, MaxPool2dLayerSpec } from './layers/pool2d.js'
export type { LayerNormLayerSpec } from './layers/layerNorm.js'
export type { DropoutLayerSpec } from './layers/dropout.js'
export type { ParameterShape, Shape } from './layers/kind.js'

/** Whether a spec is written as a list of layers. */
export const isLayered = (spec: MlpSpec): spec is LayeredSpec => Object.hasOwn(spec, 'layers')

/** A spec as a list of layers (a widths spec becomes its dense layers). */
export const layersOf = (spec: MlpSpec): LayeredSpec =>
  isLayered(spec)
    ? spec
    : {
        inputs: spec.widths[0]!,
        layers: spec.activations.map((activation, l) => ({ kind: 'dense', units: spec.widths[l + 1]!, activation })),
        loss: spec.loss,
        reduction: spec.reduction
      }

/** What a spec's inputs are: a number of features, or an image. */
const inputShapeOf = (inputs: number | ImageShape): Shape =>
  typeof inputs === 'number' ? { rows: inputs } : { rows: inputs.channels * inputs.height * inputs.width, image: inputs }

/**
 * What flows between the layers of a valid spec: its inputs, then each layer's output (rows per example, and the
 * image they form after an image layer).
 */
export const shapesOf = (spec: MlpSpec): ReadonlyArray<Shape> => {
  if (!isLayered(spec)) return spec.widths.map((rows) => ({ rows }))
  const shapes = [inputShapeOf(spec.inputs)]
  for (const layer of spec.layers) {
    const out = kindOf(layer)!.output(layer, shapes[shapes.length - 1]!)
    if (typeof out === 'string') throw new RangeError(`Spec: ${layer.kind}: ${out} (validateSpec checks this)`)
    shapes.push(out)
  }
  return shapes
}

/** The rows flowing between layers: inputs, then each layer's outputs. */
export const widthsOf = (spec: MlpSpec): ReadonlyArray<number> => (isLayered(spec) ? shapesOf(spec).map((s) => s.rows) : spec.widths)

/** A layer with parameters: its index in the spec's layers, and the shapes of its W (out × in) and b (out × 1). */
export interface ParameterisedLayer extends ParameterShape {
  readonly layer: number
}

/**
 * The layers that have parameters, in order: a model's params hold one `{ W, b }` for each (pooling and dropout have
 * none), as a PyTorch state_dict holds a weight and a bias for each.
 */
export const parameterisedLayersOf = (spec: MlpSpec): ReadonlyArray<ParameterisedLayer> => {
  const shapes = shapesOf(spec)
  const out: Array<ParameterisedLayer> = []
  layersOf(spec).layers.forEach((layer, l) => {
    const p = kindOf(layer)!.parameters(layer, shapes[l]!)
    if (p !== undefined) out.push({ layer: l, out: p.out, in: p.in })
  })
  return out
}

/** Weights and biases of a valid spec: Σ over its parameterised layers of (in + 1)·out. */
export const parameterCountOf = (spec: MlpSpec): number => parameterisedLayersOf(spec).reduce((n, p) => n + (p.in + 1) * p.out, 0)

/** Each layer's activation, in order. */
export const activationsOf = (spec: MlpSpec): ReadonlyArray<ActivationName> =>
  isLayered(spec) ? spec.layers.map((layer) => kindOf(layer)!.activation(layer)) : spec.activations

/** The output activations a loss is defined for (BCE needs outputs in (0, 1), CE needs a distribution). */
const allowedOutputs: Readonly<Record<LossName, ReadonlyArray<ActivationName>>> = {
  binaryCrossEntropy: ['sigmoid'],
  softmaxCrossEntropy: ['softmax'],
  squaredError: Act.names,
  meanSquaredError: Act.names
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Checks a spec; Left lists every problem with its path. A list of layers: inputs a positive integer, at least one
 * layer, each of a registered kind whose own checks pass (`layers[1].units: …`). Widths: fewer than two widths, a
 * width that is not a positive integer, an activation count that is not widths.length − 1, an unknown activation.
 * Either form: an unknown loss or reduction, a loss that does not fit the output activation.
 */
export const validateSpec = (spec: MlpSpec): E.Either<ReadonlyArray<string>, MlpSpec> => {
  if (isLayered(spec)) {
    const errors = layeredErrors(spec)
    if (errors.length > 0) return E.left(errors)
    const asWidths = validateSpec({ widths: widthsOf(spec), activations: activationsOf(spec), loss: spec.loss, reduction: spec.reduction })
    return E.isLeft(asWidths) ? E.left(asWidths.left.map((e) => e.replace(/^widths: /, 'layers: '))) : E.right(spec)
  }
  const errors: Array<string> = []
  const { widths, activations, loss, reduction } = spec
  if (!Array.isArray(widths) || widths.length < 2) {
    errors.push(`widths: expected at least two widths (inputs and outputs), got ${Array.isArray(widths) ? widths.length : typeof widths}`)
  } else {
    widths.forEach((w, i) => {
      if (!Number.isSafeInteger(w) || w < 1) errors.push(`widths[${i}]: expected a positive integer, got ${String(w)}`)
    })
  }
  if (!Array.isArray(activations)) errors.push('activations: expected an array of activation names')
  else {
    if (Array.isArray(widths) && widths.length >= 2 && activations.length !== widths.length - 1) {
      errors.push(`activations: expected ${widths.length - 1} (one per layer), got ${activations.length}`)
    }
    activations.forEach((a, i) => {
      if (!Object.hasOwn(Act.byName, a)) errors.push(`activations[${i}]: expected one of ${Act.names.join(', ')}, got ${JSON.stringify(a)}`)
    })
  }
  if (!Object.hasOwn(Loss.byName, loss)) errors.push(`loss: expected one of ${Loss.names.join(', ')}, got ${JSON.stringify(loss)}`)
  if (reduction !== 'sum' && reduction !== 'mean') errors.push(`reduction: expected sum or mean, got ${JSON.stringify(reduction)}`)
  const output = Array.isArray(activations) ? activations[activations.length - 1] : undefined
  if (errors.length === 0 && output !== undefined && !allowedOutputs[loss].includes(output)) {
    errors.push(`loss: ${loss} needs a ${allowedOutputs[loss].join(' or ')} output layer, got ${output}`)
  }
  if (errors.length === 0 && loss === 'softmaxCrossEntropy' && widths[widths.length - 1] === 1) {
    errors.push('widths: softmaxCrossEntropy needs at least two outputs (softmax of one output is constant)')
  }
  return errors.length === 0 ? E.right(spec) : E.left(errors)
}

/** The layer-list checks: inputs, and each layer's kind and fields. */
const layeredErrors = (spec: LayeredSpec): ReadonlyArray<string> => {
  const errors: Array<string> = [...inputErrors(spec.inputs)]
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) return [...errors, 'layers: expected at least one layer']
  spec.layers.forEach((layer, l) => {
    const kind = typeof layer === 'object' && layer !== null ? kindOf(layer) : undefined
    if (kind === undefined) {
      const named = typeof layer === 'object' && layer !== null ? describeValue((layer as { kind?: unknown }).kind) : describeValue(layer)
      errors.push(`layers[${l}].kind: expected one of ${Object.keys(registry).join(', ')}, got ${named}`)
    } else errors.push(...kind.check(layer).map((e) => `layers[${l}].${e}`))
  })
  if (errors.length > 0) return errors
  // Each layer fits what the one before gives (an image layer needs an image; a kernel must fit it).
  let shape = inputShapeOf(spec.inputs)
  for (let l = 0; l < spec.layers.length; l++) {
    const layer = spec.layers[l]!
    const out = kindOf(layer)!.output(layer, shape)
    if (typeof out === 'string') return [`layers[${l}]: ${out}`]
    shape = out
  }
  return []
}

const inputErrors = (inputs: unknown): ReadonlyArray<string> => {
  if (typeof inputs === 'object' && inputs !== null && !Array.isArray(inputs)) {
    const image = inputs as Record<string, unknown>
    return (['channels', 'height', 'width'] as const).flatMap((field) =>
      Number.isSafeInteger(image[field]) && (image[field] as number) >= 1 ? [] : [`inputs.${field}: expected a positive integer, got ${describeValue(image[field])}`]
    )
  }
  return Number.isSafeInteger(inputs) && (inputs as number) >= 1
    ? []
    : [`inputs: expected a positive integer or an image { channels, height, width }, got ${describeValue(inputs)}`]
}

/** The notebook's XOR network: [2, 2, 1], sigmoid on every layer, binary cross-entropy summed over the batch. */
export const notebookXor: WidthsSpec = {
  widths: [2, 2, 1],
  activations: ['sigmoid', 'sigmoid'],
  loss: 'binaryCrossEntropy',
  reduction: 'sum'
}

/** A spec with the same activation everywhere, e.g. `uniform([2, 4, 1], 'sigmoid', 'binaryCrossEntropy', 'mean')`. */
export const uniform = (widths: ReadonlyArray<number>, activation: ActivationName, loss: LossName, reduction: Reduction): WidthsSpec => ({
  widths,
  activations: widths.slice(1).map(() => activation),
  loss,
  reduction
})
