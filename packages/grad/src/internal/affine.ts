/**
 * z = W·x + b, or σ(W·x + b) with σ in the matmul kernel's epilogue: the one forward rule of a dense layer that
 * Dense.affine, Backprop's loops and Ad's dense primitive share, so they give the same bits.
 */

import { Epilogue, Kernel } from '@puregrad/tensor/internal/engine'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { DenseParams } from '../Dense.js'

/** Shapes of a dense layer's parameters and input; a ShapeError names the op. */
export const checkParams = (op: string, p: DenseParams, x: Matrix): void => {
  if (p.b.cols !== 1 || p.b.rows !== p.W.rows) {
    throw new ShapeError(`${op}: b must be ${p.W.rows}×1 for W ${shapeOf(p.W)}, got ${shapeOf(p.b)}`)
  }
  if (p.W.cols !== x.rows) {
    throw new ShapeError(`${op}: (${shapeOf(p.W)})·(${shapeOf(x)}): inner dimensions ${p.W.cols} ≠ ${x.rows}`)
  }
}

/**
 * W·x + b in one pass (the product written into a fresh buffer, the bias added by the kernel), or with `then` =
 * 'sigmoid' σ(W·x + b), σ applied by the kernel before it hands the product back (Kernel.gemmBias).
 * Shapes: (O×I)·(I×B) + (O×1) -> O×B; a ShapeError names the mismatch. `out`, when given, is an O·B-entry buffer of
 * the caller's own that is written instead of a fresh one (Backprop's fused step reuses its buffers).
 */
export const affineThen = <O extends number, I extends number, B extends number>(
  p: DenseParams<O, I>,
  x: Matrix<I, B>,
  then: Epilogue.Forward = 'identity',
  out: Float64Array = new Float64Array(p.W.rows * x.cols)
): Matrix<O, B> => {
  checkParams('affine', p, x)
  const { W, b } = p
  Kernel.gemmBias(W.rows, x.cols, W.cols, W.data, W.cols, 1, x.data, x.cols, 1, b.data, then, out)
  return unsafeWrap(W.rows, x.cols, out)
}
