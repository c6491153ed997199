/**
 * The pooling kinds: `{ kind: 'maxPool2d' | 'avgPool2d', kernel, stride? }` over an image input (stride defaults to
 * the kernel). No parameters; the output is an image with the same channels.
 */

import * as Ad from '@puregrad/grad/Ad'
import type { Pair } from '@puregrad/grad/Ad'
import type { LayerKind } from './kind.js'
import { needsImage, pairOf } from './kind.js'

export interface MaxPool2dLayerSpec {
  readonly kind: 'maxPool2d'
  readonly kernel: Pair
  readonly stride?: Pair
}

export interface AvgPool2dLayerSpec {
  readonly kind: 'avgPool2d'
  readonly kernel: Pair
  readonly stride?: Pair
}

const pooling = <L extends MaxPool2dLayerSpec | AvgPool2dLayerSpec>(kind: L['kind'], op: typeof Ad.maxPool2d): LayerKind<L> => {
  const optionsOf = (layer: L, image: Ad.ImageShape): Ad.Pool2dOptions => ({
    ...image,
    kernel: layer.kernel,
    ...(layer.stride === undefined ? {} : { stride: layer.stride })
  })
  return {
    kind,
    check: (layer) => [...pairOf('kernel', layer.kernel, 1, false), ...pairOf('stride', layer.stride, 1, true)],
    output: (layer, input) => {
      if (input.image === undefined) return needsImage(kind)
      try {
        const image = Ad.pool2dShape(optionsOf(layer, input.image))
        return { rows: image.channels * image.height * image.width, image }
      } catch (e) {
        return (e as Error).message.replace(/^Ad\.pool2d: /, '')
      }
    },
    parameters: () => undefined,
    activation: () => 'identity',
    init: () => {
      throw new Error(`${kind} has no parameters`)
    },
    forward: (layer, input, _, x) => op(x, optionsOf(layer, input.image!))
  }
}

export const maxPool2d: LayerKind<MaxPool2dLayerSpec> = pooling('maxPool2d', Ad.maxPool2d)
export const avgPool2d: LayerKind<AvgPool2dLayerSpec> = pooling('avgPool2d', Ad.avgPool2d)
