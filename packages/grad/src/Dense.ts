/**
 * The dense (fully connected) layer z = W·x + b, a = σ(z), with examples as the columns of x, and its
 * closed-form backward pass. This is part 1 of the notebook, in batch form:
 *
 *   zᵢⱼ = Σₖ Wᵢₖ·xₖⱼ + bᵢ   so   ∂zᵢⱼ/∂Wᵢₖ = xₖⱼ   and   ∂zᵢⱼ/∂bᵢ = 1
 *   dW = ∂C/∂W = Σⱼ dz₍·ⱼ₎·x₍·ⱼ₎ᵀ = dz·xᵀ        (out × in)
 *   db = ∂C/∂b = Σⱼ dz₍·ⱼ₎ · 1  = Σ_batch dz     (out × 1): for one example, db = dz
 *   dx = ∂C/∂x = Wᵀ·dz                            (in × batch)
 *
 * dW and db are reduced over the batch in the same way (both sum dz over the columns), so whatever factor the
 * loss put into dz (1 for 'sum', 1/B for 'mean') reaches both. The notebook averaged db but summed dW: no loss
 * has that gradient, and the gradient check in Dense.test.ts shows it.
 *
 * @since 0.1.0
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { matmulTranspose, ShapeError, shapeOf, sumColumns, transposeMatmul } from '@puregrad/tensor/Matrix'
import type { Activation } from './Activation.js'
import { affineThen, checkParams } from './internal/affine.js'


// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

// Object types rather than interfaces, so that they are parameter trees (Tree needs an implicit index signature).

/**
 * Parameters of a dense layer: W is out × in, b is out × 1. b's column count is not a type (any matrix built at run
 * time has `number` dimensions); every function that takes a DenseParams checks b is out × 1 and throws a ShapeError.
 */
export type DenseParams<O extends number = number, I extends number = number> = {
  readonly W: Matrix<O, I>
  readonly b: Matrix<O, number>
}

/**
 * Gradients of the parameters, shaped like them: W holds dW = ∂C/∂W (out × in), b holds db = ∂C/∂b (out × 1), as
 * every gradient tree in puregrad (Backprop, Vjp, Ad, the optimizers) has the parameters' own shape and names.
 */
export type DenseGrads<O extends number = number, I extends number = number> = DenseParams<O, I>

/** The saved forward values of a dense layer: pre-activation z and output a = σ(z), both out × batch. */
export type DenseForward<O extends number = number, B extends number = number> = {
  readonly z: Matrix<O, B>
  readonly a: Matrix<O, B>
}

// -------------------------------------------------------------------------------------
// forward
// -------------------------------------------------------------------------------------

/**
 * z = W·x + b in one pass: the product is written into a fresh buffer and the bias added in place,
 * so no intermediate W·x matrix is allocated. Shapes: (O×I)·(I×B) + (O×1) -> O×B.
 */
export const affine =
  <O extends number, I extends number>(p: DenseParams<O, I>) =>
  <B extends number>(x: Matrix<I, B>): Matrix<O, B> =>
    affineThen(p, x)

/** The dense layer's forward pass: z = W·x + b and a = σ(z), both saved for the backward pass. */
export const dense =
  <O extends number, I extends number>(p: DenseParams<O, I>, activation: Activation) =>
  <B extends number>(x: Matrix<I, B>): DenseForward<O, B> => {
    const z = affine(p)(x)
    return { z, a: activation.forward(z) }
  }

// -------------------------------------------------------------------------------------
// backward
// -------------------------------------------------------------------------------------

/**
 * Parameter gradients from the layer input x (in × batch) and dz = ∂C/∂z (out × batch):
 * dW = dz·xᵀ (no transpose materialised), db = Σ_batch dz. W is not needed, so a first layer skips dx entirely.
 */
export const denseParamGradients =
  <I extends number, B extends number>(x: Matrix<I, B>) =>
  <O extends number>(dz: Matrix<O, B>): DenseGrads<O, I> => {
    if (dz.cols !== x.cols) {
      throw new ShapeError(`denseBackward: dz ${shapeOf(dz)} and x ${shapeOf(x)} have different batch sizes`)
    }
    return { W: matmulTranspose(x)(dz), b: sumColumns(dz) }
  }

/**
 * The full backward pass of z = W·x + b, from dz = ∂C/∂z (out × batch):
 * dW = dz·xᵀ, db = Σ_batch dz (reduced exactly like dW: ∂z/∂b = 1), dx = Wᵀ·dz (in × batch).
 */
export const denseBackward =
  <O extends number, I extends number, B extends number>(p: DenseParams<O, I>, x: Matrix<I, B>) =>
  (dz: Matrix<O, B>): { readonly grads: DenseGrads<O, I>; readonly dx: Matrix<I, B> } => {
    checkParams('denseBackward', p, x)
    if (dz.rows !== p.W.rows) {
      throw new ShapeError(`denseBackward: dz must have ${p.W.rows} rows for W ${shapeOf(p.W)}, got ${shapeOf(dz)}`)
    }
    return { grads: denseParamGradients(x)(dz), dx: transposeMatmul(dz)(p.W) }
  }
