/**
 * The description of a multilayer perceptron: layer widths, an activation per layer, a loss and its reduction.
 * `validateSpec` is the boundary for specs built from user input (CLI flags, files).
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Loss from '@puregrad/grad/Loss'
import type { LossName, Reduction } from '@puregrad/grad/Loss'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * widths[0] inputs, widths[L] outputs; layer l (1 ≤ l ≤ L) maps widths[l−1] to widths[l] with activations[l−1].
 * The notebook's XOR net: `{ widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }`.
 */
export interface MlpSpec {
  readonly widths: ReadonlyArray<number>
  readonly activations: ReadonlyArray<ActivationName>
  readonly loss: LossName
  readonly reduction: Reduction
}

/** The output activations a loss is defined for (BCE needs outputs in (0, 1), CE needs a distribution). */
const allowedOutputs: Readonly<Record<LossName, ReadonlyArray<ActivationName>>> = {
  binaryCrossEntropy: ['sigmoid'],
  softmaxCrossEntropy: ['softmax'],
  squaredError: Act.names,
  meanSquaredError: Act.names
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Checks a spec; Left lists every problem with its path: fewer than two widths, a width that is not a positive
 * integer, an activation count that is not widths.length − 1, an unknown activation, loss or reduction,
 * a loss that does not fit the output activation.
 */
export const validateSpec = (spec: MlpSpec): E.Either<ReadonlyArray<string>, MlpSpec> => {
  const errors: Array<string> = []
  const { widths, activations, loss, reduction } = spec
  if (!Array.isArray(widths) || widths.length < 2) {
    errors.push(`widths: expected at least two widths (inputs and outputs), got ${Array.isArray(widths) ? widths.length : typeof widths}`)
  } else {
    widths.forEach((w, i) => {
      if (!Number.isSafeInteger(w) || w < 1) errors.push(`widths[${i}]: expected a positive integer, got ${String(w)}`)
    })
  }
  if (!Array.isArray(activations)) errors.push('activations: expected an array of activation names')
  else {
    if (Array.isArray(widths) && widths.length >= 2 && activations.length !== widths.length - 1) {
      errors.push(`activations: expected ${widths.length - 1} (one per layer), got ${activations.length}`)
    }
    activations.forEach((a, i) => {
      if (!Object.hasOwn(Act.byName, a)) errors.push(`activations[${i}]: expected one of ${Act.names.join(', ')}, got ${JSON.stringify(a)}`)
    })
  }
  if (!Object.hasOwn(Loss.byName, loss)) errors.push(`loss: expected one of ${Loss.names.join(', ')}, got ${JSON.stringify(loss)}`)
  if (reduction !== 'sum' && reduction !== 'mean') errors.push(`reduction: expected sum or mean, got ${JSON.stringify(reduction)}`)
  const output = Array.isArray(activations) ? activations[activations.length - 1] : undefined
  if (errors.length === 0 && output !== undefined && !allowedOutputs[loss].includes(output)) {
    errors.push(`loss: ${loss} needs a ${allowedOutputs[loss].join(' or ')} output layer, got ${output}`)
  }
  if (errors.length === 0 && loss === 'softmaxCrossEntropy' && widths[widths.length - 1] === 1) {
    errors.push('widths: softmaxCrossEntropy needs at least two outputs (softmax of one output is constant)')
  }
  return errors.length === 0 ? E.right(spec) : E.left(errors)
}

/** The notebook's XOR network: [2, 2, 1], sigmoid on every layer, binary cross-entropy summed over the batch. */
export const notebookXor: MlpSpec = {
  widths: [2, 2, 1],
  activations: ['sigmoid', 'sigmoid'],
  loss: 'binaryCrossEntropy',
  reduction: 'sum'
}

/** A spec with the same activation everywhere, e.g. `uniform([2, 4, 1], 'sigmoid', 'binaryCrossEntropy', 'mean')`. */
export const uniform = (widths: ReadonlyArray<number>, activation: ActivationName, loss: LossName, reduction: Reduction): MlpSpec => ({
  widths,
  activations: widths.slice(1).map(() => activation),
  loss,
  reduction
})
