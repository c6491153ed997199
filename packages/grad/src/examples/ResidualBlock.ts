/**
 * Example: a residual block between a tanh lift and a softmax head, differentiated by Ad from its forward code alone.
 *
 *   h = tanh(W₀·x + b₀)          lift the input to `width` features
 *   r = h + tanh(W₁·h + b₁)      the residual block: the skip adds h back (Ad sums both paths' cotangents into h)
 *   z = W₂·r + b₂                one logit per class; softmax cross-entropy against integer labels, mean over the batch
 *
 * Nothing here is derived: Ad.valueAndGrad(loss) returns ∂C/∂params shaped like the params.
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { scale } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { normal, split } from '@puregrad/tensor/Random'
import * as Ad from '../Ad.js'
import { argmax } from './data.js'

export type Layer = { readonly W: Matrix; readonly b: Matrix<number, 1> }
export type Params = { readonly lift: Layer; readonly block: Layer; readonly head: Layer }

/** Weights N(0, 1/fan-in), biases 0.1·N(0, 1). */
const layer = (key: Key, out: number, inputs: number): Layer => {
  const [kw, kb] = split(key, 2)
  return { W: scale(1 / Math.sqrt(inputs))(normal(kw!, out, inputs)), b: scale(0.1)(normal(kb!, out, 1)) }
}

export const init = (key: Key, inputs: number, width: number, classes: number): Params => {
  const [k0, k1, k2] = split(key, 3)
  return { lift: layer(k0!, width, inputs), block: layer(k1!, width, width), head: layer(k2!, classes, width) }
}

/** The logits (classes × B) for inputs x (inputs × B). */
export const logits = (p: Params, x: Matrix): Matrix => {
  const h = Ad.dense(p.lift, x, 'tanh')
  const r = Ad.add(h, Ad.dense(p.block, h, 'tanh'))
  return Ad.dense(p.head, r)
}

/** Mean softmax cross-entropy against integer labels (1 × B). */
export const loss = (p: Params, x: Matrix, labels: Matrix): Matrix => Ad.softmaxCrossEntropyWithIntegerLabels(logits(p, x), labels, 'mean')

/** The share of columns whose largest logit is the label. */
export const accuracy = (p: Params, x: Matrix, labels: Matrix): number =>
  argmax(logits(p, x)).filter((c, j) => c === labels.data[j]).length / labels.cols
