/**
 * Example: logistic regression from @puregrad/tensor and @puregrad/grad alone (no MLP).
 *
 * p(y = 1 | x) = σ(w·x + b) is a dense layer with one output, a sigmoid and binary cross-entropy, so its gradient
 * is the fused dz = (a − y)/N, dw = dz·xᵀ, db = Σ dz: the same pieces an MLP uses, composed with Vjp.
 * Training is a fold over the steps: each step returns new parameters, nothing is mutated.
 */
import { pipe } from 'fp-ts/lib/function.js'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { axpy, zeros } from '@puregrad/tensor/Matrix'
import * as A from '../Activation.js'
import type { DenseParams } from '../Dense.js'
import { dense } from '../Dense.js'
import * as L from '../Loss.js'
import * as V from '../Vjp.js'

export interface FitOptions {
  readonly steps: number
  readonly learningRate: number
}

/** Fits w (1 × features) and b (1 × 1) to x (features × N) and labels y (1 × N, entries 0 or 1). */
export const fit = (x: Matrix, y: Matrix, { steps, learningRate }: FitOptions): DenseParams => {
  const objective = pipe(V.stack(V.affine({ inputGradient: false })), V.andThen(V.outputLoss(A.sigmoid, L.binaryCrossEntropy, 'mean')(y)))
  const step = (p: DenseParams): DenseParams => {
    const { dp } = V.valueAndGrad(objective)([p], x)
    const g = dp[0]!
    return { W: pipe(p.W, axpy(-learningRate, g.W)), b: pipe(p.b, axpy(-learningRate, g.b)) }
  }
  const initial: DenseParams = { W: zeros(1, x.rows), b: zeros(1, 1) }
  return Array.from({ length: steps }).reduce<DenseParams>((p) => step(p), initial)
}

/** Probabilities σ(w·x + b), 1 × N. */
export const predict = (p: DenseParams) => (x: Matrix): Matrix => dense(p, A.sigmoid)(x).a

/** The share of columns where the rounded probability equals the label. */
export const accuracy = (p: DenseParams, x: Matrix, y: Matrix): number => {
  const probabilities = predict(p)(x).data
  let right = 0
  for (let j = 0; j < probabilities.length; j++) if ((probabilities[j]! >= 0.5 ? 1 : 0) === y.data[j]) right++
  return right / probabilities.length
}
