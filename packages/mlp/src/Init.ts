/**
 * Parameter initialisation from an explicit key: the same key gives the same parameters, bit for bit.
 * Layer l draws from the l-th key of split(key, L), W from its first half and b from its second. A convolution draws
 * as a dense layer with fan-in C·kh·kw and fan-out its filters; a layer norm starts at γ = 1, β = 0 (as PyTorch).
 *
 * @since 0.1.0
 */

import * as M from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { normal, split, uniform } from '@puregrad/tensor/Random'
import type { DenseParams } from '@puregrad/grad/Dense'
import type { Params } from './Mlp.js'
import type { MlpSpec } from './Spec.js'
import { layersOf, shapesOf } from './Spec.js'
import { kindOf } from './layers/registry.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type InitName = 'standardNormal' | 'glorotUniform' | 'heNormal'

/** Draws one layer's { W (out × in), b (out × 1) } from a key. */
export type LayerInit = (key: Key, fanIn: number, fanOut: number) => DenseParams

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/** W and b from N(0, 1), as the notebook does (`np.random.randn`). */
export const standardNormal: LayerInit = (key, fanIn, fanOut) => {
  const [kw, kb] = split(key, 2)
  return { W: normal(kw!, fanOut, fanIn), b: normal(kb!, fanOut, 1) }
}

/** W from U[−r, r] with r = √(6 / (fanIn + fanOut)) (Glorot & Bengio, 2010); b = 0. */
export const glorotUniform: LayerInit = (key, fanIn, fanOut) => {
  const r = Math.sqrt(6 / (fanIn + fanOut))
  return { W: uniform(split(key, 2)[0]!, fanOut, fanIn, -r, r), b: M.zeros(fanOut, 1) }
}

/** W from N(0, 2 / fanIn) (He et al., 2015), suited to relu layers; b = 0. */
export const heNormal: LayerInit = (key, fanIn, fanOut) => {
  const std = Math.sqrt(2 / fanIn)
  return { W: M.scale(std)(normal(split(key, 2)[0]!, fanOut, fanIn)), b: M.zeros(fanOut, 1) }
}

export const byName: Readonly<Record<InitName, LayerInit>> = { standardNormal, glorotUniform, heNormal }

export const names: ReadonlyArray<InitName> = Object.keys(byName) as Array<InitName>

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Parameters for every layer of `spec` that has them (Spec.parameterisedLayersOf), from one key. */
export const init =
  (layerInit: LayerInit) =>
  (key: Key, spec: MlpSpec): Params => {
    const shapes = shapesOf(spec)
    const { layers } = layersOf(spec)
    const keys = split(key, layers.length)
    const params: Array<DenseParams> = []
    layers.forEach((layer, l) => {
      const kind = kindOf(layer)!
      if (kind.parameters(layer, shapes[l]!) !== undefined) params.push(kind.init(layer, shapes[l]!, keys[l]!, layerInit))
    })
    return params
  }
