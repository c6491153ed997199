/**
 * The layer kinds a spec may name, by `kind`: one line each.
 */

import type { DenseLayerSpec } from './dense.js'
import { dense } from './dense.js'
import type { LayerKind } from './kind.js'

/** Every layer a spec can hold. */
export type LayerSpec = DenseLayerSpec

export const registry: { readonly [K in LayerSpec['kind']]: LayerKind<Extract<LayerSpec, { readonly kind: K }>> } = {
  dense
}

/** The kind of a layer spec, or undefined for a kind no module registered. */
export const kindOf = (layer: { readonly kind: unknown }): LayerKind<LayerSpec> | undefined =>
  typeof layer.kind === 'string' && Object.hasOwn(registry, layer.kind) ? (registry[layer.kind as LayerSpec['kind']] as LayerKind<LayerSpec>) : undefined
