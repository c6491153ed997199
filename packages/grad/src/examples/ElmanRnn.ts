/**
 * Example: an Elman RNN unrolled over T steps, differentiated by Ad from its forward code alone.
 *
 *   h₀ = 0,  hₜ = tanh(Wx·xₜ + Wh·hₜ₋₁ + b)  (t = 1 … T),  z = Wo·h_T + bo,  C = BCE(σ(z), y)
 *
 * The inputs of all steps are row blocks of one matrix (T·inputs × B; `sliceRows` takes step t's block), and Wx, Wh
 * and b are shared by every step: Ad sums their cotangents over time, the reverse loop no one has to write.
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { scale, zeros } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { normal, split } from '@puregrad/tensor/Random'
import * as Ad from '../Ad.js'

export type Params = {
  readonly Wx: Matrix
  readonly Wh: Matrix
  readonly b: Matrix
  readonly out: { readonly W: Matrix; readonly b: Matrix }
}

export const init = (key: Key, inputs: number, hidden: number): Params => {
  const [kx, kh, ko] = split(key, 3)
  return {
    Wx: scale(1 / Math.sqrt(inputs))(normal(kx!, hidden, inputs)),
    Wh: scale(0.5 / Math.sqrt(hidden))(normal(kh!, hidden, hidden)),
    b: zeros(hidden, 1),
    out: { W: scale(1 / Math.sqrt(hidden))(normal(ko!, 1, hidden)), b: zeros(1, 1) }
  }
}

/** The logit (1 × B) after reading `steps` steps of `inputs` rows each from xs (steps·inputs × B). */
export const logit = (p: Params, xs: Matrix, steps: number): Matrix => {
  const inputs = xs.rows / steps
  let h: Matrix = zeros(p.Wh.rows, xs.cols)
  for (let t = 0; t < steps; t++) {
    const x = Ad.sliceRows(xs, t * inputs, (t + 1) * inputs)
    h = Ad.tanh(Ad.add(Ad.add(Ad.matmul(p.Wx, x), Ad.matmul(p.Wh, h)), p.b))
  }
  return Ad.dense(p.out, h)
}

/** Binary cross-entropy of σ(logit) against labels y (1 × B), mean over the batch. */
export const loss = (p: Params, xs: Matrix, y: Matrix, steps: number): Matrix =>
  Ad.binaryCrossEntropyWithLogits(logit(p, xs, steps), y, 'mean')
