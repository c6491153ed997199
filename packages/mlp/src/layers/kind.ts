/**
 * What the spec needs to know of a layer kind: its checks, its output width from its input width, its parameter
 * count, and the activation it ends in. A new kind is one module implementing this and one line in `registry.ts`.
 */

import type { ActivationName } from '@puregrad/grad/Activation'

export interface LayerKind<L extends { readonly kind: string }> {
  readonly kind: L['kind']
  /** Problems with the layer's own fields, each as `field: …` (the caller prefixes the layer's path). */
  readonly check: (layer: L) => ReadonlyArray<string>
  /** Its outputs (rows of its result) for `inputs` rows in. */
  readonly outputs: (layer: L, inputs: number) => number
  /** Its weights and biases for `inputs` rows in. */
  readonly parameters: (layer: L, inputs: number) => number
  /** The activation its output goes through (which a loss's canonical pairing reads). */
  readonly activation: (layer: L) => ActivationName
}
