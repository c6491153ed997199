/**
 * The dense layer kind: `{ kind: 'dense', units, activation }`, a = σ(W·x + b) with W units × inputs and b units × 1.
 */

import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import type { LayerKind } from './kind.js'

export interface DenseLayerSpec {
  readonly kind: 'dense'
  /** Outputs of the layer (W's rows). */
  readonly units: number
  readonly activation: ActivationName
}

export const dense: LayerKind<DenseLayerSpec> = {
  kind: 'dense',
  check: (layer) => [
    ...(Number.isSafeInteger(layer.units) && layer.units >= 1 ? [] : [`units: expected a positive integer, got ${String(layer.units)}`]),
    ...(Object.hasOwn(Act.byName, layer.activation) ? [] : [`activation: expected one of ${Act.names.join(', ')}, got ${JSON.stringify(layer.activation)}`])
  ],
  outputs: (layer) => layer.units,
  parameters: (layer, inputs) => (inputs + 1) * layer.units,
  activation: (layer) => layer.activation
}
