/**
 * Fast paths, kept out of the public types: what an optimizer or an objective can do faster than its public contract
 * says, registered here by the module that makes it and read by Train.step. A fast path must give exactly the bits of
 * the public route; each registration is tested for that beside the code that makes it.
 *
 * - An optimizer may apply its updates fused (`updateAndApply`: the new parameters in fewer passes than update then
 *   applyUpdates), and may say its updates are the gradients times one number that depends on its state alone
 *   (`gradientScale`: plain SGD, with or without a schedule).
 * - An objective may fold such an update into its own backward pass (`descend`: the MLP's Backprop.gradientStep), so
 *   a step never keeps the gradients.
 */

import * as M from '@puregrad/tensor/Matrix'
import * as T from '@puregrad/tensor/Tree'
import type { Tree } from '@puregrad/tensor/Tree'
import type { Optimizer } from '../Optimizer.js'

// -------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------

export interface OptimizerFusion<S> {
  /** `applyUpdates(params, update(grads, state, params)[0])` and the same state, in fewer passes. */
  readonly updateAndApply?: <P extends Tree>(grads: P, state: S, params: P) => readonly [params: P, state: S]
  /** The number every gradient is multiplied by to give the updates, and the next state. */
  readonly gradientScale?: (state: S) => readonly [scale: number, state: S]
}

const optimizers = new WeakMap<object, OptimizerFusion<unknown>>()

/** Registers an optimizer's fast paths; returns the optimizer. */
export const withFusion = <S, O extends Optimizer<S>>(optimizer: O, fusion: OptimizerFusion<S>): O => {
  optimizers.set(optimizer, fusion as unknown as OptimizerFusion<unknown>)
  return optimizer
}

/** The fast paths registered for an optimizer (none for one a user made). */
export const fusionOf = <S>(optimizer: Optimizer<S>): OptimizerFusion<S> => (optimizers.get(optimizer) ?? {}) as unknown as OptimizerFusion<S>

/** θ + updates, leaf by leaf. */
export const applyUpdates = <P extends Tree>(params: P, updates: P): P => T.zipWith(updates, (p, u) => M.add(u)(p))(params)

/** The new parameters and state after one update: fused where the optimizer registered it, bit-identical either way. */
export const updateAndApply =
  <S>(optimizer: Optimizer<S>) =>
  <P extends Tree>(grads: P, state: S, params: P): readonly [params: P, state: S] => {
    const fused = fusionOf(optimizer).updateAndApply
    if (fused !== undefined) return fused(grads, state, params)
    const [updates, next] = optimizer.update(grads, state, params)
    return [applyUpdates(params, updates), next]
  }

// -------------------------------------------------------------------------------------
// objectives
// -------------------------------------------------------------------------------------

/** θ + scale·∂C/∂θ and the loss at θ, with the update inside the backward pass. */
export type Descend<P, B> = (params: P, batch: B, scale: number) => { readonly loss: number; readonly params: P }

const objectives = new WeakMap<object, Descend<unknown, unknown>>()

/** Registers an objective's fused gradient step; returns the objective. */
export const withDescend = <F extends object, P, B>(objective: F, descend: Descend<P, B>): F => {
  objectives.set(objective, descend as unknown as Descend<unknown, unknown>)
  return objective
}

/** The fused gradient step registered for an objective, if any. */
export const descendOf = <P, B>(objective: object): Descend<P, B> | undefined => objectives.get(objective) as unknown as Descend<P, B> | undefined
