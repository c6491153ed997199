/**
 * Example: linear regression from @puregrad/tensor and @puregrad/grad alone.
 *
 * ŷ = W·x + b with squared error C = ½‖ŷ − y‖²/N: the identity output with MSE has the fused dz = (ŷ − y)/N,
 * so dW = dz·xᵀ and db = Σ dz. Gradient descent converges to the least-squares solution.
 */
import { pipe } from 'fp-ts/lib/function.js'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { axpy, zeros } from '@puregrad/tensor/Matrix'
import * as A from '../Activation.js'
import type { DenseParams } from '../Dense.js'
import * as L from '../Loss.js'
import * as V from '../Vjp.js'

export interface FitOptions {
  readonly steps: number
  readonly learningRate: number
}

/** Fits W (outputs × features) and b to x (features × N) and y (outputs × N); returns the parameters and the loss. */
export const fit = (x: Matrix, y: Matrix, { steps, learningRate }: FitOptions): { readonly params: DenseParams; readonly loss: number } => {
  const objective = pipe(V.stack(V.affine({ inputGradient: false })), V.andThen(V.outputLoss(A.identity, L.squaredError, 'mean')(y)))
  const initial = { params: { W: zeros(y.rows, x.rows), b: zeros(y.rows, 1) } as DenseParams, loss: Infinity }
  return Array.from({ length: steps }).reduce<{ params: DenseParams; loss: number }>(({ params }) => {
    const { value, dp } = V.valueAndGrad(objective)([params], x)
    const g = dp[0]!
    return { params: { W: pipe(params.W, axpy(-learningRate, g.W)), b: pipe(params.b, axpy(-learningRate, g.b)) }, loss: value }
  }, initial)
}
