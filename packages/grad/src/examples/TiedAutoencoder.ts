/**
 * Example: a tied-weight autoencoder, r = Wᵀ·tanh(W·x + b₁) + b₂, differentiated by Ad from its forward code alone.
 * W appears twice (encoder and, transposed, decoder): Ad sums the two paths' cotangents, dW = dW_enc + dW_decᵀ,
 * without anyone writing that down.
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { scale, zeros } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { normal } from '@puregrad/tensor/Random'
import * as Ad from '../Ad.js'

export type Params = { readonly W: Matrix; readonly b1: Matrix; readonly b2: Matrix }

/** W (code × inputs) N(0, 1/inputs); biases 0. */
export const init = (key: Key, inputs: number, code: number): Params => ({
  W: scale(1 / Math.sqrt(inputs))(normal(key, code, inputs)),
  b1: zeros(code, 1),
  b2: zeros(inputs, 1)
})

/** The reconstruction Wᵀ·tanh(W·x + b₁) + b₂ of x (inputs × B). */
export const reconstruct = (p: Params, x: Matrix): Matrix =>
  Ad.add(Ad.matmul(Ad.transpose(p.W), Ad.tanh(Ad.add(Ad.matmul(p.W, x), p.b1))), p.b2)

/** ½‖r − x‖² per example, averaged over the batch. */
export const loss = (p: Params, x: Matrix): Matrix => Ad.squaredError(reconstruct(p, x), x, 'mean')
