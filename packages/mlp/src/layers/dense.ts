/**
 * The dense layer kind: `{ kind: 'dense', units, activation }`, a = σ(W·x + b) with W units × inputs and b units × 1.
 * After an image layer it reads the image's column as is: PyTorch's `flatten` order (c, h, w).
 */

import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Ad from '@puregrad/grad/Ad'
import type { LayerKind } from './kind.js'
import { describeValue, positive } from './kind.js'

export interface DenseLayerSpec {
  readonly kind: 'dense'
  /** Outputs of the layer (W's rows). */
  readonly units: number
  readonly activation: ActivationName
}

export const dense: LayerKind<DenseLayerSpec> = {
  kind: 'dense',
  check: (layer) => [
    ...positive('units', layer.units),
    ...(typeof layer.activation === 'string' && Object.hasOwn(Act.byName, layer.activation)
      ? []
      : [`activation: expected one of ${Act.names.join(', ')}, got ${describeValue(layer.activation)}`])
  ],
  output: (layer) => ({ rows: layer.units }),
  parameters: (layer, input) => ({ out: layer.units, in: input.rows }),
  activation: (layer) => layer.activation,
  init: (layer, input, key, draw) => draw(key, input.rows, layer.units),
  forward: (layer, _, p, x, mode) => Ad.dense(p!, x, mode.logits ? 'identity' : layer.activation)
}
