/**
 * The dropout kind: `{ kind: 'dropout', rate }`, inverted dropout while training (a batch with a key), the identity
 * when evaluating or predicting. No parameters; the output keeps the input's shape.
 */

import * as Ad from '@puregrad/grad/Ad'
import type { LayerKind } from './kind.js'
import { describeValue } from './kind.js'

export interface DropoutLayerSpec {
  readonly kind: 'dropout'
  /** The probability of zeroing an entry, in [0, 1). */
  readonly rate: number
}

/** The forward pass hands each layer its own key (the network folds the layer's index into the batch's key). */
export const dropout: LayerKind<DropoutLayerSpec> = {
  kind: 'dropout',
  check: (layer) =>
    typeof layer.rate === 'number' && layer.rate >= 0 && layer.rate < 1 ? [] : [`rate: expected a number in [0, 1), got ${describeValue(layer.rate)}`],
  output: (_, input) => input,
  parameters: () => undefined,
  activation: () => 'identity',
  init: () => {
    throw new Error('dropout has no parameters')
  },
  forward: (layer, _, __, x, mode) => (mode.key === undefined ? x : Ad.dropout(mode.key, x, layer.rate))
}
