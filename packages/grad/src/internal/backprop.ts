/**
 * The dense-stack loops behind the public Backprop module (its doc has the algorithm), and the fused gradient step
 * that Train uses for an MLP with plain SGD (through `./engine`); a stack whose products are all small takes that step
 * in smallStep.ts's one function, with the same bits. See Backprop.ts.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { Kernel } from '@puregrad/tensor/internal/engine'
import { matmulTranspose, ShapeError, shapeOf, sumColumns, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Activation } from '../Activation.js'
import type { DenseParams } from '../Dense.js'
import { affineThen } from './affine.js'
import type { OutputGradient } from '../Loss.js'
import { outputGradient } from '../Loss.js'
import type { ActivationKernels } from './kernels.js'
import { smallGradientStep } from './smallStep.js'
import type { DenseStack, GradientStep, Resolved } from './stack.js'
import { buffer, checkDepth, resolve } from './stack.js'

const { gemm, gemmAxpy, gemmDerivative } = Kernel

export type { DenseStack, GradientStep } from './stack.js'

export interface LossAndGradients {
  readonly loss: number
  /** One `{ W, b }` per layer, shaped like the parameters: W holds ∂C/∂W, b holds ∂C/∂b. */
  readonly grads: ReadonlyArray<DenseParams>
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

/**
 * The forward loop: fills z[l] = W_l·a_l + b_l for every layer and inputs[l] = a_l (inputs[0] = x), and returns the
 * last layer's z. The output activation is left to the caller: a canonical loss reads z, not a.
 * Where σ' needs only a (sigmoid, tanh, relu, softmax), z[l] and a_{l+1} are one array, and the backward loop never
 * reads z from it: the matmul kernel applies σ itself where it is one of its epilogues (sigmoid), otherwise σ runs
 * over W·x + b's own fresh buffer.
 */
const forwardPass = (
  { activations, kernels: kernelsOf }: Resolved,
  params: ReadonlyArray<DenseParams>,
  x: Matrix,
  z: Array<Matrix>,
  inputs: Array<Matrix>,
  scratch: Scratch | undefined
): Matrix => {
  const last = params.length - 1
  let a = x
  for (let l = 0; ; l++) {
    inputs[l] = a
    const kernels = kernelsOf[l]
    const size = params[l]!.W.rows * a.cols
    if (l < last && kernels?.epilogue !== undefined && !kernels.needsZ) {
      // σ(W·x + b) from the kernel itself: the buffer is a_{l+1}, and stands for z[l], which σ' does not read.
      a = z[l] = affineThen(params[l]!, a, kernels.epilogue, buffer(scratch?.z, l, size))
      continue
    }
    const zl = affineThen(params[l]!, a, 'identity', buffer(scratch?.z, l, size))
    z[l] = zl
    if (l === last) return zl
    if (kernels !== undefined && !kernels.needsZ) {
      // zl is ours alone until it is returned as a_{l+1}: the one place its buffer is written after affine.
      kernels.forward(zl.data, zl.data as Float64Array, zl.rows, zl.cols)
      a = zl
    } else a = activations[l]!.forward(zl)
  }
}

/**
 * C and dz = ∂C/∂z of the last layer. A canonical pair whose loss has kernels writes dz over z's own buffer: z is
 * fresh from the forward loop and nothing reads it afterwards. Other pairs go through Loss.outputGradient.
 */
const outputLayer = (stack: Resolved, z: Matrix, y: Matrix): OutputGradient => {
  const activation = stack.activations[stack.activations.length - 1]!
  const { loss, reduction, lossKernels: kernels } = stack
  if (activation.name !== loss.canonical || kernels === undefined) return outputGradient(activation, loss, reduction)(z, y)
  return { loss: kernels.fromLogits(z.data, y.data, z.data as Float64Array, z.rows, z.cols, reduction), dz: z }
}

/**
 * dz_{l−1} = (W_lᵀ·dz_l) ⊙ σ'(z_{l−1}) into a fresh buffer: in one kernel call where σ' is one of the kernels' epilogues
 * (sigmoid, tanh, relu: the WebAssembly module applies it before copying out), else over da = Wᵀ·dz's own buffer
 * with the activation's kernels, else through `backward`. The shapes were checked on the way forward.
 */
const backwardThrough = (
  activation: Activation,
  kernels: ActivationKernels | undefined,
  z: Matrix,
  a: Matrix,
  W: Matrix,
  dz: Matrix,
  out: Float64Array
): Matrix => {
  if (kernels?.derivative !== undefined) {
    gemmDerivative(W.cols, dz.cols, W.rows, W.data, 1, W.cols, dz.data, dz.cols, 1, a.data, kernels.derivative, out)
    return unsafeWrap(W.cols, dz.cols, out)
  }
  // da = Wᵀ·dz, as Matrix.transposeMatmul forms it
  gemm(W.cols, dz.cols, W.rows, W.data, 1, W.cols, dz.data, dz.cols, 1, out)
  const da = unsafeWrap(W.cols, dz.cols, out)
  if (kernels === undefined) return activation.backward(z, a, da)
  kernels.backward(z.data, a.data, out, out, da.rows, da.cols) // da is ours alone: no one else has seen it
  return da
}

/**
 * Receives layer l's dz = ∂C/∂z_l and its input a_l, last layer first, and forms what it needs from them:
 * dW = dz·aᵀ and db = Σ_batch dz, or the parameters one gradient step away.
 */
type TakeLayer = (l: number, dz: Matrix, a: Matrix) => void

/**
 * The forward loop, the output layer, then the backward loop: hands every layer's (dz, a) to `take` as soon as
 * they exist and returns C. The first layer's input is data, so its dx = W_0ᵀ·dz_0 is never computed.
 */
const backpropagate = (
  op: string,
  stack: Resolved,
  params: ReadonlyArray<DenseParams>,
  x: Matrix,
  y: Matrix,
  take: TakeLayer,
  scratch?: Scratch
): number => {
  checkDepth(op, stack, params)
  const { activations } = stack
  const depth = params.length
  const z = new Array<Matrix>(depth)
  const inputs = new Array<Matrix>(depth)
  const zL = forwardPass(stack, params, x, z, inputs, scratch)
  if (y.rows !== zL.rows || y.cols !== zL.cols) {
    throw new ShapeError(`${op}: the outputs are ${shapeOf(zL)}, the targets ${shapeOf(y)}`)
  }
  const out = outputLayer(stack, zL, y)
  let dz = out.dz
  for (let l = depth - 1; ; l--) {
    const a = inputs[l]!
    take(l, dz, a)
    if (l === 0) return out.loss
    dz = backwardThrough(activations[l - 1]!, stack.kernels[l - 1], z[l - 1]!, a, params[l]!.W, dz, buffer(scratch?.dz, l - 1, a.rows * a.cols))
  }
}

/**
 * Buffers for what a fused step forms and drops: each layer's z (or a, where σ is the product's epilogue) and each
 * hidden layer's dz. They never leave the step (the new parameters are fresh arrays), so one step function reuses them
 * from call to call instead of allocating (and collecting) them every time; a buffer is replaced when its size
 * changes (a new batch size). Memory: one z and one dz per layer of the last batch, held while the step function is.
 */
interface Scratch {
  readonly z: Array<Float64Array>
  readonly dz: Array<Float64Array>
}

/**
 * b + scale·db with db = Σ_batch dz, row by row in one pass: each row's sum is formed as sumColumns forms it (from +0,
 * left to right), then stepped exactly as Matrix.axpy(scale, db)(b) would.
 */
export const stepBias = (dz: Matrix, scale: number, b: Matrix): Matrix => {
  const { rows, cols, data } = dz
  const out = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let sum = 0
    for (let j = 0; j < cols; j++) sum += data[i * cols + j]
    out[i] = scale * sum + b.data[i]
  }
  return unsafeWrap(rows, 1, out)
}

/**
 * W + scale·dW with dW = dz·aᵀ, in one kernel call whose epilogue adds W (no dW array, no second pass over W's
 * size): the sums of dz·aᵀ are rounded first, so it equals Matrix.axpy(scale, dW)(W) bit for bit.
 */
export const stepWeights = (dz: Matrix, a: Matrix, scale: number, W: Matrix): Matrix => {
  const out = new Float64Array(W.rows * W.cols)
  gemmAxpy(W.rows, W.cols, dz.cols, dz.data, dz.cols, 1, a.data, 1, a.cols, scale, W.data, out)
  return unsafeWrap(W.rows, W.cols, out)
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The network's outputs σ_{L−1}(z_{L−1}) for inputs x (examples as columns). */
export const predict =
  (stack: DenseStack) => {
    const resolved = resolve(stack)
    return (params: ReadonlyArray<DenseParams>, x: Matrix): Matrix => {
      checkDepth('predict', resolved, params)
      const zL = forwardPass(resolved, params, x, [], [], undefined)
      return resolved.activations[params.length - 1]!.forward(zL)
    }
  }

/** The loss of the network on inputs x and targets y, and its gradients with respect to every layer's W and b. */
export const lossAndGradients = (stack: DenseStack) => {
  const resolved = resolve(stack)
  return (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix): LossAndGradients => {
    const grads = new Array<DenseParams>(params.length)
    const loss = backpropagate('lossAndGradients', resolved, params, x, y, (l, dz, a) => {
      grads[l] = { W: matmulTranspose(a)(dz), b: sumColumns(dz) }
    })
    return { loss, grads }
  }
}

/**
 * One step of gradient descent folded into the backward pass: every W and b becomes θ + scale·∂C/∂θ (scale = −rate
 * for plain SGD) as soon as its gradient exists (W's in the epilogue of the dz·aᵀ product), so the gradients are
 * never kept and no second parameter-sized array is written. Bit-identical to `lossAndGradients` followed by
 * `Matrix.axpy(scale, grad)(θ)` on every leaf; the inputs are left untouched, the result is new.
 */
export const gradientStep = (stack: DenseStack) => {
  const resolved = resolve(stack)
  const small = smallGradientStep(resolved)
  const scratch: Scratch = { z: [], dz: [] }
  let busy = false
  return (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix, scale: number): GradientStep => {
    // XOR-sized stacks: the same arithmetic in one function over raw buffers (smallStep.ts).
    const fused = small?.(params, x, y, scale)
    if (fused !== undefined) return fused
    const next = new Array<DenseParams>(params.length)
    // A step that starts while another runs (only a caller's own activation code could do it) takes fresh buffers.
    const reuse = !busy
    busy = true
    try {
      const loss = backpropagate(
        'gradientStep',
        resolved,
        params,
        x,
        y,
        (l, dz, a) => {
          const { W, b } = params[l]!
          next[l] = { W: stepWeights(dz, a, scale, W), b: stepBias(dz, scale, b) }
        },
        reuse ? scratch : undefined
      )
      return { loss, params: next }
    } finally {
      if (reuse) busy = false
    }
  }
}
