/**
 * Backpropagation through a stack of dense layers, written out as the notebook's two loops instead of composed
 * from VJPs: a forward loop that saves (z, a) per layer, then a backward loop that carries dz from the loss down.
 *
 *   forward   z_l = W_l·a_l + b_l,  a_{l+1} = σ_l(z_l)               (a_0 = x; the last σ is the output's)
 *   output    C and dz_{L−1} = ∂C/∂z_{L−1}, fused for canonical pairs (see Loss.outputGradient)
 *   backward  dW_l = dz_l·a_lᵀ,  db_l = Σ_batch dz_l,  dz_{l−1} = (W_lᵀ·dz_l) ⊙ σ'_{l−1}(z_{l−1})
 *
 * It computes exactly what `pipe(Vjp.stack(…), Vjp.andThen(Vjp.outputLoss(…)))` computes, bit for bit (a property
 * test holds the two together), with the same layer functions from {@link Dense} and {@link Activation}; it only
 * leaves out what composition costs per call (a closure and a tuple per piece, and an `a` for the output layer that
 * a canonical loss does not read). On a network as small as XOR that is most of a training step.
 *
 * @since 0.1.0
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { matmulTranspose, ShapeError, shapeOf, sumColumns, transposeMatmul } from '@puregrad/tensor/Matrix'
import type { Activation } from './Activation.js'
import type { DenseParams } from './Dense.js'
import { affine } from './Dense.js'
import type { Loss, Reduction } from './Loss.js'
import { outputGradient } from './Loss.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** What the network computes: one activation per layer (the last is the output activation), then a loss. */
export interface DenseStack {
  readonly activations: ReadonlyArray<Activation>
  readonly loss: Loss
  readonly reduction: Reduction
}

export interface LossAndGradients {
  readonly loss: number
  /** One `{ W, b }` per layer, shaped like the parameters: W holds ∂C/∂W, b holds ∂C/∂b. */
  readonly grads: ReadonlyArray<DenseParams>
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const checkDepth = (op: string, stack: DenseStack, params: ReadonlyArray<DenseParams>): void => {
  if (params.length !== stack.activations.length || params.length === 0) {
    throw new ShapeError(`${op}: ${stack.activations.length} activations need as many layers, got ${params.length}`)
  }
}

/**
 * The forward loop: fills z[l] = W_l·a_l + b_l for every layer and inputs[l] = a_l (inputs[0] = x), and returns the
 * last layer's z. The output activation is left to the caller: a canonical loss reads z, not a.
 */
const forwardPass = (
  activations: ReadonlyArray<Activation>,
  params: ReadonlyArray<DenseParams>,
  x: Matrix,
  z: Array<Matrix>,
  inputs: Array<Matrix>
): Matrix => {
  const last = params.length - 1
  let a = x
  for (let l = 0; ; l++) {
    inputs[l] = a
    z[l] = affine(params[l]!)(a)
    if (l === last) return z[l]!
    a = activations[l]!.forward(z[l]!)
  }
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The network's outputs σ_{L−1}(z_{L−1}) for inputs x (examples as columns). */
export const predict =
  (stack: DenseStack) =>
  (params: ReadonlyArray<DenseParams>, x: Matrix): Matrix => {
    checkDepth('predict', stack, params)
    const zL = forwardPass(stack.activations, params, x, [], [])
    return stack.activations[params.length - 1]!.forward(zL)
  }

/**
 * The loss of the network on inputs x and targets y, and its gradients with respect to every layer's W and b.
 * The first layer's input is data, so its dx = W_0ᵀ·dz_0 is never computed.
 */
export const lossAndGradients = (stack: DenseStack) => {
  const { activations } = stack
  const output = outputGradient(activations[activations.length - 1]!, stack.loss, stack.reduction)
  return (params: ReadonlyArray<DenseParams>, x: Matrix, y: Matrix): LossAndGradients => {
    checkDepth('lossAndGradients', stack, params)
    const depth = params.length
    const z = new Array<Matrix>(depth)
    const inputs = new Array<Matrix>(depth)
    const zL = forwardPass(activations, params, x, z, inputs)
    if (y.rows !== zL.rows || y.cols !== zL.cols) {
      throw new ShapeError(`lossAndGradients: the outputs are ${shapeOf(zL)}, the targets ${shapeOf(y)}`)
    }
    const out = output(zL, y)
    const grads = new Array<DenseParams>(depth)
    let dz = out.dz
    for (let l = depth - 1; ; l--) {
      // The shapes were checked on the way forward, so the products below cannot mismatch.
      const a = inputs[l]!
      grads[l] = { W: matmulTranspose(a)(dz), b: sumColumns(dz) }
      if (l === 0) return { loss: out.loss, grads }
      dz = activations[l - 1]!.backward(z[l - 1]!, a, transposeMatmul(dz)(params[l]!.W))
    }
  }
}
