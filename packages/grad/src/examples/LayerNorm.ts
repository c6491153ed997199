/**
 * Example: layer normalisation written from `mean`, `sub`, `square`, `sqrt` and `div`, with learned γ and β, inside
 * a small classifier; differentiated by Ad from its forward code alone (no layer-norm backward is derived anywhere).
 *
 *   μ = mean over the rows of each column,  σ² = mean of (h − μ)²,  LN(h) = γ ⊙ (h − μ)/√(σ² + ε) + β
 *
 * γ and β are n×1 and broadcast over the batch; μ and σ² are 1×B and broadcast over the features.
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { fill, zeros } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { split } from '@puregrad/tensor/Random'
import * as Ad from '../Ad.js'
import { argmax } from './data.js'
import type { Layer } from './ResidualBlock.js'
import { init as residualInit } from './ResidualBlock.js'

export type Norm = { readonly gamma: Matrix; readonly beta: Matrix }
export type Params = { readonly lift: Layer; readonly norm: Norm; readonly head: Layer }

/** LN(h) per column: γ ⊙ (h − μ)/√(σ² + ε) + β. */
export const layerNorm = (p: Norm, h: Matrix, eps = 1e-5): Matrix => {
  const centred = Ad.sub(h, Ad.mean(h, 0))
  const variance = Ad.mean(Ad.square(centred), 0)
  return Ad.add(Ad.mul(p.gamma, Ad.div(centred, Ad.sqrt(Ad.add(variance, eps)))), p.beta)
}

export const init = (key: Key, inputs: number, width: number, classes: number): Params => {
  const { lift, head } = residualInit(split(key, 1)[0]!, inputs, width, classes)
  return { lift, norm: { gamma: fill(width, 1, 1), beta: zeros(width, 1) }, head }
}

/** x → W₀·x + b₀ → LN → tanh → logits. */
export const logits = (p: Params, x: Matrix): Matrix => Ad.dense(p.head, Ad.tanh(layerNorm(p.norm, Ad.dense(p.lift, x))))

export const loss = (p: Params, x: Matrix, labels: Matrix): Matrix => Ad.softmaxCrossEntropyWithIntegerLabels(logits(p, x), labels, 'mean')

export const accuracy = (p: Params, x: Matrix, labels: Matrix): number =>
  argmax(logits(p, x)).filter((c, j) => c === labels.data[j]).length / labels.cols
