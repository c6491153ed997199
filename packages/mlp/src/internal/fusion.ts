/**
 * Fast paths, kept out of the public types: what an optimizer or an objective can do faster than its public contract
 * says, registered here by the module that makes it and read by Train.step. A fast path must give exactly the bits of
 * the public route; each registration is tested for that beside the code that makes it.
 *
 * - An optimizer may apply its updates fused (`updateAndApply`: the new parameters in fewer passes than update then
 *   applyUpdates), and may say its updates are the gradients times one number that depends on its state alone
 *   (`gradientScale`: plain SGD, with or without a schedule).
 * - An objective may fold such an update into its own backward pass (`descend`: the MLP's Backprop.gradientStep,
 *   Ad.objective's fused VJPs), so a step never keeps the gradients (registered in grad's engine, re-exported here).
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

// The registry of objectives' own gradient steps (`descend`) lives in grad's engine, so that grad's Ad.objective can
// register one as Mlp.lossAndGradients does.
export type { Descend } from '@puregrad/grad/internal/engine'
export { descendOf, withDescend } from '@puregrad/grad/internal/engine'
