/**
 * The convolution kind: `{ kind: 'conv2d', filters, kernel, stride?, padding?, activation }` over an image input,
 * a = σ(conv(W, x) + b) with W filters × (C·kh·kw) (PyTorch's `weight.reshape(filters, -1)`) and b filters × 1.
 * Its output is an image of `filters` channels.
 */

import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Ad from '@puregrad/grad/Ad'
import type { Pair } from '@puregrad/grad/Ad'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { LayerKind } from './kind.js'
import { describeValue, needsImage, pairOf, positive } from './kind.js'

export interface Conv2dLayerSpec {
  readonly kind: 'conv2d'
  /** Output channels (W's rows). */
  readonly filters: number
  readonly kernel: Pair
  /** Default 1. */
  readonly stride?: Pair
  /** Zero padding, default 0. */
  readonly padding?: Pair
  readonly activation: ActivationName
}

const optionsOf = (layer: Conv2dLayerSpec, image: Ad.ImageShape): Ad.Conv2dOptions => ({
  ...image,
  kernel: layer.kernel,
  ...(layer.stride === undefined ? {} : { stride: layer.stride }),
  ...(layer.padding === undefined ? {} : { padding: layer.padding })
})

const kernelArea = (kernel: Pair): number => (typeof kernel === 'number' ? kernel * kernel : kernel[0] * kernel[1])

export const conv2d: LayerKind<Conv2dLayerSpec> = {
  kind: 'conv2d',
  check: (layer) => [
    ...positive('filters', layer.filters),
    ...pairOf('kernel', layer.kernel, 1, false),
    ...pairOf('stride', layer.stride, 1, true),
    ...pairOf('padding', layer.padding, 0, true),
    ...(typeof layer.activation === 'string' && Object.hasOwn(Act.byName, layer.activation) && layer.activation !== 'softmax'
      ? []
      : [`activation: expected one of ${Act.names.filter((a) => a !== 'softmax').join(', ')}, got ${describeValue(layer.activation)}`])
  ],
  output: (layer, input) => {
    if (input.image === undefined) return needsImage('conv2d')
    try {
      const image = Ad.conv2dShape(optionsOf(layer, input.image), layer.filters)
      return { rows: image.channels * image.height * image.width, image }
    } catch (e) {
      return (e as Error).message.replace(/^Ad\.conv2d: /, '')
    }
  },
  parameters: (layer, input) => ({ out: layer.filters, in: input.image!.channels * kernelArea(layer.kernel) }),
  activation: (layer) => layer.activation,
  /** Fan-in C·kh·kw (the inputs of one output), fan-out the filters. */
  init: (layer, input, key, draw) => draw(key, input.image!.channels * kernelArea(layer.kernel), layer.filters),
  forward: (layer, input, p, x, mode) => {
    const z = Ad.conv2d(p!, x, optionsOf(layer, input.image!))
    return mode.logits ? z : activate(layer.activation, z)
  }
}

/**
 * σ applied entrywise as an op, from the Activation's own rules: forward σ(z), VJP σ.backward(z, a, g) = g ⊙ σ'(z)
 * (softmax is refused by `check`: it would mix positions and channels).
 */
const activations = Object.fromEntries(
  Act.names.map((name) => {
    const σ = Act.byName[name]
    const forward = (z: Matrix) => {
      const a = σ.forward(z)
      return [a, { z, a }] as const
    }
    return [name, Ad.customVjp({ name, forward: (z) => forward(z!), vjp: ({ z, a }, g) => [σ.backward(z, a, g)] })]
  })
) as Record<ActivationName, (z: Matrix) => Matrix>

const activate = (name: ActivationName, z: Matrix): Matrix => (name === 'identity' ? z : activations[name](z))
