/**
 * The layer kinds a spec may name, by `kind`: one line each.
 */

import type { Conv2dLayerSpec } from './conv2d.js'
import { conv2d } from './conv2d.js'
import type { DenseLayerSpec } from './dense.js'
import { dense } from './dense.js'
import type { DropoutLayerSpec } from './dropout.js'
import { dropout } from './dropout.js'
import type { LayerKind } from './kind.js'
import type { LayerNormLayerSpec } from './layerNorm.js'
import { layerNorm } from './layerNorm.js'
import type { AvgPool2dLayerSpec, MaxPool2dLayerSpec } from './pool2d.js'
import { avgPool2d, maxPool2d } from './pool2d.js'

/** Every layer a spec can hold. */
export type LayerSpec = DenseLayerSpec | Conv2dLayerSpec | MaxPool2dLayerSpec | AvgPool2dLayerSpec | LayerNormLayerSpec | DropoutLayerSpec

export const registry: { readonly [K in LayerSpec['kind']]: LayerKind<Extract<LayerSpec, { readonly kind: K }>> } = {
  dense,
  conv2d,
  maxPool2d,
  avgPool2d,
  layerNorm,
  dropout
}

/** The kind of a layer spec, or undefined for a kind no module registered. */
export const kindOf = (layer: { readonly kind: unknown }): LayerKind<LayerSpec> | undefined =>
  typeof layer.kind === 'string' && Object.hasOwn(registry, layer.kind) ? (registry[layer.kind as LayerSpec['kind']] as LayerKind<LayerSpec>) : undefined
