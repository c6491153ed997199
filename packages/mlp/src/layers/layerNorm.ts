/**
 * The layer normalisation kind: `{ kind: 'layerNorm', eps? }`, γ ⊙ (x − μ)/√(σ² + ε) + β over each example's values
 * (PyTorch's LayerNorm over the features, eps default 1e-5). Its parameters are W = γ (weight) and b = β (bias), each
 * rows × 1, initialised to 1 and 0 as PyTorch does. The output keeps the input's shape, image included.
 */

import * as Ad from '@puregrad/grad/Ad'
import * as M from '@puregrad/tensor/Matrix'
import type { LayerKind } from './kind.js'
import { describeValue } from './kind.js'

export interface LayerNormLayerSpec {
  readonly kind: 'layerNorm'
  readonly eps?: number
}

export const layerNorm: LayerKind<LayerNormLayerSpec> = {
  kind: 'layerNorm',
  check: (layer) =>
    layer.eps === undefined || (typeof layer.eps === 'number' && layer.eps >= 0 && Number.isFinite(layer.eps))
      ? []
      : [`eps: expected a finite number ≥ 0, got ${describeValue(layer.eps)}`],
  output: (_, input) => input,
  parameters: (_, input) => ({ out: input.rows, in: 1 }),
  activation: () => 'identity',
  init: (_, input) => ({ W: M.fill(input.rows, 1, 1), b: M.zeros(input.rows, 1) }),
  forward: (layer, _, p, x) => Ad.layerNorm({ gamma: p!.W, beta: p!.b }, x, layer.eps === undefined ? {} : { eps: layer.eps })
}
