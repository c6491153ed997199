/**
 * The fused gradient step of backprop.ts for stacks whose products are all small (XOR's [2, 2, 1] on a batch of 4:
 * 16 and 8 multiply-adds), written as one function over raw buffers. backprop.ts runs the same arithmetic through
 * the matrix kernels' reference loop; on layers this small the calls, checks and wrappers between those loops cost
 * more than the arithmetic, so here every product is written out with its epilogue (shapes: W_l is o×n, a_l n×B):
 *
 *   forward   z_l[r, j] = Σ_p W_l[r, p]·a_l[p, j] + b_l[r],  a_{l+1} = σ_l(z_l), written over z_l's buffer
 *   output    C and dz over z_L's buffer, by the loss's kernel (canonical pairs only)
 *   backward  W_l + scale·Σ_j dz_l[r, j]·a_l[p, j],  b_l + scale·Σ_j dz_l[r, j]
 *             dz_{l−1}[p, j] = rule(Σ_r W_l[r, p]·dz_l[r, j], a_l[p, j])   (Epilogue.derivativeRule: σ' from a)
 *
 * Every sum starts at +0 and adds in ascending index, and every epilogue is the kernels' own rule on the rounded sum:
 * the operations of Kernel's reference loop in its order, so the bits of backprop.ts's step (property-tested). It
 * runs only where the kernels would run that loop (Kernel.usesSmallLoop) and only on stacks whose every rule is one
 * of this package's kernels: no caller code runs inside, so its buffers are never seen by anyone else.
 */

import type { ReadonlyFloat64Array } from '@puregrad/tensor/Matrix'
import { Epilogue, Kernel } from '@puregrad/tensor/internal/engine'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { unsafeWrap } from '@puregrad/tensor/Matrix'
import type { DenseParams } from '../Dense.js'
import type { GradientStep, Resolved } from './stack.js'
import { buffer } from './stack.js'

const { sigmoid, derivativeRule } = Epilogue
const { usesSmallLoop } = Kernel

/** θ + scale·∂C/∂θ as backprop's gradientStep, or undefined where the shapes or sizes are not this step's to take. */
export type SmallStep = (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix, scale: number) => GradientStep | undefined

/** A hidden layer's rules: σ as the sums' epilogue (sigmoid) or over the layer's buffer afterwards, σ' from a. */
interface HiddenRules {
  readonly sigmoidEpilogue: boolean
  readonly forward: ((z: ReadonlyFloat64Array, out: Float64Array, rows: number, cols: number) => void) | undefined
  readonly derivative: (g: number, a: number) => number
}

/**
 * The small step for a stack, or undefined when some rule has no kernels of this package: a hidden activation
 * whose σ' is not a function of a alone (needsZ) or not an epilogue, or an output pair that is not canonical.
 */
export const smallGradientStep = (stack: Resolved): SmallStep | undefined => {
  const depth = stack.activations.length
  const last = depth - 1
  const lossKernels = stack.lossKernels
  if (depth === 0 || lossKernels === undefined || stack.activations[last]!.name !== stack.loss.canonical) return undefined
  const hidden: Array<HiddenRules> = []
  for (let l = 0; l < last; l++) {
    const kernels = stack.kernels[l]
    if (kernels === undefined || kernels.needsZ || kernels.derivative === undefined) return undefined
    hidden.push({
      // As backprop's forward loop: the kernel's epilogue where there is one, else σ's kernel over the buffer.
      sigmoidEpilogue: kernels.epilogue === 'sigmoid',
      forward: kernels.epilogue === undefined ? kernels.forward : undefined,
      derivative: derivativeRule[kernels.derivative]
    })
  }
  const { reduction } = stack
  // Each layer's z (a_{l+1} for hidden layers, then dz for the last) and each hidden layer's dz, reused from call to
  // call while their sizes hold: they never leave the step.
  const zs: Array<Float64Array> = []
  const dzs: Array<Float64Array> = []

  /** The shapes backprop would accept, with every product small enough for the reference loop. */
  const fits = (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix): boolean => {
    if (params.length !== depth) return false
    const batch = x.cols
    let rows = x.rows
    for (let l = 0; l < depth; l++) {
      const { W, b } = params[l]!
      if (W.cols !== rows || b.rows !== W.rows || b.cols !== 1 || !usesSmallLoop(W.rows * W.cols * batch)) return false
      rows = W.rows
    }
    return y.rows === rows && y.cols === batch
  }

  return (params, x, y, scale) => {
    if (!fits(params, x, y)) return undefined
    const batch = x.cols
    let a: ReadonlyFloat64Array = x.data
    for (let l = 0; l < depth; l++) {
      const { W, b } = params[l]!
      const o = W.rows, n = W.cols, w = W.data, bias = b.data
      const z = buffer(zs, l, o * batch)
      const rules = l < last ? hidden[l]! : undefined
      const then = rules !== undefined && rules.sigmoidEpilogue
      for (let r = 0; r < o; r++) {
        const br = bias[r]!
        for (let j = 0; j < batch; j++) {
          let s = 0
          for (let p = 0; p < n; p++) s += w[r * n + p]! * a[p * batch + j]!
          s += br
          z[r * batch + j] = then ? sigmoid(s) : s
        }
      }
      if (rules?.forward !== undefined) rules.forward(z, z, o, batch)
      a = z
    }
    const out = zs[last]!
    const loss = lossKernels.fromLogits(out, y.data, out, y.rows, batch, reduction)

    const next = new Array<DenseParams>(depth)
    let dz: Float64Array = out
    for (let l = last; ; l--) {
      const { W, b } = params[l]!
      const o = W.rows, n = W.cols, w = W.data, bias = b.data
      const input: ReadonlyFloat64Array = l === 0 ? x.data : zs[l - 1]!
      const nextW = new Float64Array(o * n)
      const nextB = new Float64Array(o)
      for (let r = 0; r < o; r++) {
        for (let p = 0; p < n; p++) {
          let s = 0
          for (let j = 0; j < batch; j++) s += dz[r * batch + j]! * input[p * batch + j]!
          nextW[r * n + p] = scale * s + w[r * n + p]!
        }
        let s = 0
        for (let j = 0; j < batch; j++) s += dz[r * batch + j]!
        nextB[r] = scale * s + bias[r]!
      }
      next[l] = { W: unsafeWrap(o, n, nextW), b: unsafeWrap(o, 1, nextB) }
      if (l === 0) return { loss, params: next } // the first layer's input is data: its dx is never formed
      const derivative = hidden[l - 1]!.derivative
      const below = buffer(dzs, l - 1, n * batch)
      for (let p = 0; p < n; p++) {
        for (let j = 0; j < batch; j++) {
          let s = 0
          for (let r = 0; r < o; r++) s += w[r * n + p]! * dz[r * batch + j]!
          below[p * batch + j] = derivative(s, input[p * batch + j]!)
        }
      }
      dz = below
    }
  }
}
