/**
 * Reverse-mode differentiation by composition: a {@link Differentiable} maps parameters and an input to an output
 * and a pullback (vector-Jacobian product) that maps ∂C/∂output to [∂C/∂params, ∂C/∂input]. Sequencing two of them
 * chains their pullbacks in reverse: that is backpropagation, written once here instead of in every model.
 *
 * ```ts
 * import { pipe } from 'fp-ts/lib/function.js'
 * import * as M from '@puregrad/tensor/Matrix'
 * import { Activation as A, Loss as L, Vjp as V } from '@puregrad/grad'
 *
 * const x = M.unsafeFromArray(2, 4, [0, 1, 0, 1, 0, 0, 1, 1])
 * const y = M.row([0, 1, 1, 0])
 * const layer0 = { W: M.unsafeFromArray(2, 2, [1, -2, -1, 1.5]), b: M.column([0.1, -0.2]) }
 * const layer1 = { W: M.row([1.5, 1]), b: M.column([-1]) }
 * const net = pipe(V.stack(V.dense(A.sigmoid, { inputGradient: false }), V.affine()), V.andThen(V.outputLoss(A.sigmoid, L.binaryCrossEntropy, 'sum')(y)))
 * const { value, dp } = V.valueAndGrad(net)([layer0, layer1], x)
 * console.log(value.toFixed(4), M.show(dp[1]!.W))
 * ```
 * prints
 * ```text
 * 2.7494 Matrix 1×2
 *   [0.0641, 0.0481]
 * ```
 *
 * @since 0.1.0
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { scale } from '@puregrad/tensor/Matrix'
import type { Activation } from './Activation.js'
import * as D from './Dense.js'
import type { DenseParams } from './Dense.js'
import type { Loss, Reduction } from './Loss.js'
import { outputGradient } from './Loss.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * dy ↦ [dp, dx]: the cotangents of the parameters and of the input, given the cotangent of the output.
 * `DX` is the input cotangent's type: `X` normally, `null` for a piece that does not differentiate its input
 * (a first layer, whose input is data: skipping dx = Wᵀ·dz saves a third of its backward work).
 */
export type Pullback<P, DX, Y> = (dy: Y) => readonly [dp: P, dx: DX]

/** (p, x) ↦ [y, pullback]: a function with its vector-Jacobian product. */
export type Differentiable<P, X, Y, DX = X> = (p: P, x: X) => readonly [y: Y, pullback: Pullback<P, DX, Y>]

/** The parameters of a parameter-free piece (an activation, a loss). */
export type NoParams = Readonly<Record<string, never>>

export const noParams: NoParams = {}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** An activation a = σ(z) as a parameter-free piece: pullback(da) = [{}, σ'-product dz]. */
export const activation =
  (act: Activation): Differentiable<NoParams, Matrix, Matrix> =>
  (_, z) => {
    const a = act.forward(z)
    return [a, (da) => [noParams, act.backward(z, a, da)]]
  }

export interface DenseOptions {
  /** false for a layer whose input is data: the pullback returns `null` instead of computing dx = Wᵀ·dz. */
  readonly inputGradient?: boolean
}

/** z = W·x + b: pullback(dz) = [{ W: dz·xᵀ, b: Σ_batch dz }, Wᵀ·dz]. Gradients have the shape of the parameters. */
export function affine(options: { readonly inputGradient: false }): Differentiable<DenseParams, Matrix, Matrix, null>
export function affine(options?: DenseOptions): Differentiable<DenseParams, Matrix, Matrix>
export function affine(options: DenseOptions = {}): Differentiable<DenseParams, Matrix, Matrix, Matrix | null> {
  return (p, x) => [
    D.affine(p)(x),
    (dz) => {
      if (options.inputGradient === false) {
        return [D.denseParamGradients(x)(dz), null]
      }
      const { grads, dx } = D.denseBackward(p, x)(dz)
      return [grads, dx]
    }
  ]
}

/** a = σ(W·x + b) as one piece: pullback(da) backpropagates through σ, then through the affine map. */
export function dense(act: Activation, options: { readonly inputGradient: false }): Differentiable<DenseParams, Matrix, Matrix, null>
export function dense(act: Activation, options?: DenseOptions): Differentiable<DenseParams, Matrix, Matrix>
export function dense(act: Activation, options: DenseOptions = {}): Differentiable<DenseParams, Matrix, Matrix, Matrix | null> {
  const linear = affine(options)
  return (p, x) => {
    const [z, pullback] = linear(p, x)
    const a = act.forward(z)
    return [a, (da) => pullback(act.backward(z, a, da))]
  }
}

/** A loss against fixed targets y, as a piece from predictions a to the scalar C: pullback(dC) = [{}, dC·∂C/∂a]. */
export const loss =
  (l: Loss, reduction: Reduction) =>
  (y: Matrix): Differentiable<NoParams, Matrix, number> =>
  (_, a) => [
    l.value(a, y, reduction),
    (dC) => {
      const g = l.gradient(a, y, reduction)
      return [noParams, dC === 1 ? g : scale(dC)(g)]
    }
  ]

/**
 * The output activation and the loss as one piece from z to C, fused where the pair is canonical
 * (sigmoid + BCE, softmax + CE, identity + squared error: ∂C/∂z = (a − y)/k, C from the logits).
 */
export const outputLoss =
  (act: Activation, l: Loss, reduction: Reduction) =>
  (y: Matrix): Differentiable<NoParams, Matrix, number> =>
  (_, z) => {
    const { loss: value, dz } = outputGradient(act, l, reduction)(z, y)
    return [value, (dC) => [noParams, dC === 1 ? dz : scale(dC)(dz)]]
  }

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** g ∘ f with parameters [p_f, p_g]: pullback(dz) = let [dp_g, dy] = g's pullback(dz), [dp_f, dx] = f's(dy). */
export const sequence =
  <P1, P2, X, Y, Z, DX = X>(f: Differentiable<P1, X, Y, DX>, g: Differentiable<P2, Y, Z>): Differentiable<readonly [P1, P2], X, Z, DX> =>
  ([pf, pg], x) => {
    const [y, pullbackF] = f(pf, x)
    const [z, pullbackG] = g(pg, y)
    return [
      z,
      (dz) => {
        const [dpg, dy] = pullbackG(dz)
        const [dpf, dx] = pullbackF(dy)
        return [[dpf, dpg], dx]
      }
    ]
  }

/** `pipe(f, andThen(g))`: g ∘ f for a parameter-free g (an activation, a loss); parameters stay f's. */
export const andThen =
  <Y, Z>(g: Differentiable<NoParams, Y, Z>) =>
  <P, X, DX>(f: Differentiable<P, X, Y, DX>): Differentiable<P, X, Z, DX> =>
  (p, x) => {
    const [y, pullbackF] = f(p, x)
    const [z, pullbackG] = g(noParams, y)
    return [z, (dz) => pullbackF(pullbackG(dz)[1])]
  }

/**
 * Layers applied in order, with parameters as an array (one entry per layer): layers[n−1] ∘ … ∘ layers[0].
 * The first layer sets the input cotangent type, so `stack(dense(σ, { inputGradient: false }), …)` skips dx.
 */
export const stack =
  <P, X, DX = X>(first: Differentiable<P, X, X, DX>, ...rest: ReadonlyArray<Differentiable<P, X, X>>): Differentiable<ReadonlyArray<P>, X, X, DX> =>
  (ps, x) => {
    if (ps.length !== rest.length + 1) {
      throw new RangeError(`stack: ${rest.length + 1} layers need as many parameter records, got ${ps.length}`)
    }
    const [y0, pullback0] = first(ps[0]!, x)
    const pullbacks: Array<Pullback<P, X, X>> = []
    let y = y0
    rest.forEach((layer, i) => {
      const [next, pullback] = layer(ps[i + 1]!, y)
      pullbacks.push(pullback)
      y = next
    })
    return [
      y,
      (dy) => {
        const dps: Array<P> = new Array(ps.length)
        let d = dy
        for (let i = pullbacks.length - 1; i >= 0; i--) {
          const [dp, dx] = pullbacks[i]!(d)
          dps[i + 1] = dp
          d = dx
        }
        const [dp0, dx0] = pullback0(d)
        dps[0] = dp0
        return [dps, dx0]
      }
    ]
  }

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** The value of a scalar function and its gradients: one forward pass and one pullback of dC = 1. */
export const valueAndGrad =
  <P, X, DX>(f: Differentiable<P, X, number, DX>) =>
  (p: P, x: X): { readonly value: number; readonly dp: P; readonly dx: DX } => {
    const [value, pullback] = f(p, x)
    const [dp, dx] = pullback(1)
    return { value, dp, dx }
  }

/** Only the forward value: runs f and drops the pullback. */
export const forward =
  <P, X, Y, DX>(f: Differentiable<P, X, Y, DX>) =>
  (p: P, x: X): Y =>
    f(p, x)[0]
