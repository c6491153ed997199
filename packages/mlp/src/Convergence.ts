/**
 * How often a recipe converges over many seeds. Small XOR nets are famous for getting stuck: with the notebook's
 * 2-2-1 recipe, about one seed in three ends near a local minimum with two outputs near 0.5.
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import type { Dataset } from './Data.js'
import { repeat } from './Data.js'
import type { LayerInit } from './Init.js'
import { init } from './Init.js'
import { predict } from './Mlp.js'
import type { Optimizer } from './Optimizer.js'
import type { MlpSpec } from './Spec.js'
import { initialState, train } from './Train.js'

export interface Recipe<S> {
  readonly spec: MlpSpec
  readonly init: LayerInit
  readonly optimizer: Optimizer<S>
  /** Full-batch training on this dataset for `steps` steps. */
  readonly dataset: Dataset
  readonly steps: number
  /** A run converged when every output is within this distance of its target (default 0.1). */
  readonly tolerance?: number
}

export interface RunOutcome {
  readonly seed: number
  /** The final loss; NaN when training stopped on a non-finite loss. */
  readonly loss: number
  readonly converged: boolean
  /** The largest |output − target| over the dataset. */
  readonly maxError: number
}

export interface ConvergenceReport {
  readonly runs: number
  readonly converged: number
  readonly share: number
  readonly outcomes: ReadonlyArray<RunOutcome>
}

/** Trains the recipe from one seed (key(seed)) and reports the outcome. */
export const runSeed =
  <S>(recipe: Recipe<S>) =>
  (seed: number): RunOutcome => {
    const params = init(recipe.init)(key(seed), recipe.spec)
    const result = train(recipe.spec, recipe.optimizer)(initialState(recipe.optimizer)(params), repeat(recipe.dataset, recipe.steps))
    if (E.isLeft(result)) return { seed, loss: NaN, converged: false, maxError: NaN }
    const outputs = predict(recipe.spec, result.right.params)(recipe.dataset.x)
    const maxError = M.maxAbsDiff(outputs, recipe.dataset.y)
    return { seed, loss: result.right.loss ?? NaN, converged: maxError < (recipe.tolerance ?? 0.1), maxError }
  }

/** Trains the recipe from every seed and counts how many converged. */
export const convergence =
  <S>(recipe: Recipe<S>) =>
  (seeds: ReadonlyArray<number>): ConvergenceReport => {
    const outcomes = seeds.map(runSeed(recipe))
    const converged = outcomes.filter((o) => o.converged).length
    return { runs: outcomes.length, converged, share: outcomes.length === 0 ? 0 : converged / outcomes.length, outcomes }
  }
