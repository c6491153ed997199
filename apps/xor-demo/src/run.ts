/**
 * The experiment itself: build the network and optimizer from the options, train with restarts, classify the
 * outcome. Pure apart from the clock and the progress callback: main.ts does the printing.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as M from '@puregrad/tensor/Matrix'
import { foldIn, key } from '@puregrad/tensor/Random'
import { repeat } from '@puregrad/mlp/Data'
import type { Dataset } from '@puregrad/mlp/Data'
import * as Init from '@puregrad/mlp/Init'
import type { Params } from '@puregrad/mlp/Mlp'
import { loss, predict } from '@puregrad/mlp/Mlp'
import * as O from '@puregrad/mlp/Optimizer'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import { widthsOf } from '@puregrad/mlp/Spec'
import * as T from '@puregrad/mlp/Train'
import type { Options } from './cli.js'
import { lossRecorder } from './history.js'

// -------------------------------------------------------------------------------------
// the problem
// -------------------------------------------------------------------------------------

export const INPUTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1]
]
export const TARGETS: ReadonlyArray<number> = [0, 1, 1, 0]

/** XOR with the inputs as columns, in the order of INPUTS. */
export const xor: Dataset = {
  x: M.unsafeFromArray(2, 4, [...INPUTS.map((p) => p[0]), ...INPUTS.map((p) => p[1])]),
  y: M.row(TARGETS)
}

/** A run converged when every output is within this distance of its target. */
export const CONVERGED_WITHIN = 0.1

/** The network the options describe: hidden layers with the chosen activation, one sigmoid output, BCE. */
export const specOf = (options: Pick<Options, 'hidden' | 'activation' | 'reduction'>): MlpSpec => ({
  widths: [2, ...options.hidden, 1],
  activations: [...options.hidden.map(() => options.activation), 'sigmoid'],
  loss: 'binaryCrossEntropy',
  reduction: options.reduction
})

/** The optimizer the options name, at their learning rate (momentum's β 0.9 and Adam's settings as optax's defaults). */
export const optimizerOf = (options: Pick<Options, 'optimizer' | 'lr'>): O.Optimizer => O.byName[options.optimizer](options.lr)

// -------------------------------------------------------------------------------------
// outcomes
// -------------------------------------------------------------------------------------

export type Verdict = 'converged' | 'stuck' | 'unfinished'

/**
 * converged: every output within CONVERGED_WITHIN of its target. stuck: the classic XOR local minimum, where at least
 * two outputs sit near 0.5 (the loss is then near 2·ln 2 with 'sum'). unfinished: neither; more steps may help.
 */
export const verdictOf = (outputs: ReadonlyArray<number>): Verdict => {
  if (outputs.every((o, i) => Math.abs(o - TARGETS[i]!) < CONVERGED_WITHIN)) return 'converged'
  return outputs.filter((o) => Math.abs(o - 0.5) < 0.15).length >= 2 ? 'stuck' : 'unfinished'
}

export interface Outcome {
  readonly spec: MlpSpec
  readonly params: Params
  /** The loss at the final parameters (after the last step, or as loaded when no step ran). */
  readonly loss: number
  readonly steps: number
  /** The loss at steps lossStride, 2·lossStride, … : every step of short runs, a bounded sample of long ones. */
  readonly losses: ReadonlyArray<number>
  readonly lossStride: number
  readonly outputs: ReadonlyArray<number>
  readonly verdict: Verdict
  /** Which attempt produced this outcome: 0 for the first, r for the r-th restart. */
  readonly attempt: number
}

export interface Diverged {
  readonly message: string
}

const outputsOf = (spec: MlpSpec, params: Params): ReadonlyArray<number> => Array.from(predict(spec, params)(xor.x).data)

/** Entries of the widest layer's output a chunk of `predictOver` may hold: 2^23 doubles, 64 MiB. */
const CHUNK_ENTRIES = 2 ** 23

/**
 * The network's outputs (one row) at the columns of `points` (2 × N), a chunk of columns at a time so that no layer's
 * output exceeds CHUNK_ENTRIES: a 900,000-wide hidden layer over a 615-point map would otherwise need 4 GiB at once.
 */
export const predictOver = (spec: MlpSpec, params: Params, points: M.Matrix, chunkEntries = CHUNK_ENTRIES): Float64Array => {
  const widest = Math.max(...widthsOf(spec))
  const chunk = Math.max(1, Math.floor(chunkEntries / widest))
  const out = new Float64Array(points.cols)
  for (let from = 0; from < points.cols; from += chunk) {
    const n = Math.min(chunk, points.cols - from)
    const part = M.makeBy(2, n, (i, j) => points.data[i * points.cols + from + j]!)
    out.set(predict(spec, params)(part).data, from)
  }
  return out
}

/** Trains from params0 for `steps` full-batch steps, calling `onStep` after each. */
export const trainFrom = (
  spec: MlpSpec,
  params0: Params,
  options: Pick<Options, 'optimizer' | 'lr' | 'steps'>,
  onStep: (state: T.TrainState<unknown>) => void,
  attempt = 0
): E.Either<Diverged, Outcome> => {
  const optimizer = optimizerOf(options)
  const state0 = T.initialState(optimizer)(params0)
  const recorder = lossRecorder()
  const states = pipe(
    T.scan(spec, optimizer)(state0, repeat(xor, options.steps)),
    // State k carries the loss at its own parameters, after k steps: the curve and progress show steps 1 … N.
    T.tap((s) => {
      if (s.step === 0) return
      recorder.add(s.loss!)
      onStep(s)
    })
  )
  return pipe(
    T.finish(state0, states),
    E.mapLeft((e) => ({ message: `training diverged: ${e.message}` })),
    E.map((final) => {
      const outputs = outputsOf(spec, final.params)
      const { losses, stride } = recorder.history()
      return {
        spec,
        params: final.params,
        loss: final.loss ?? loss(spec)(final.params, xor),
        steps: final.step,
        losses,
        lossStride: stride,
        outputs,
        verdict: verdictOf(outputs),
        attempt
      }
    })
  )
}

/** The key of attempt r: the seed's own key first, then keys folded from it. */
export const attemptKey = (seed: number, attempt: number) => (attempt === 0 ? key(seed) : foldIn(key(seed), attempt))

/** Fresh parameters for the options, from the seed (attempt 0) or a restart key. */
export const initialParams = (spec: MlpSpec, options: Pick<Options, 'seed' | 'init'>, attempt: number): Params =>
  Init.init(Init.byName[options.init])(attemptKey(options.seed, attempt), spec)

/**
 * The loss of a loaded model on XOR, checked before any step: a model whose loss is not finite is refused the same
 * way whether it would be trained or only evaluated (--steps 0).
 */
export const checkLoaded = (spec: MlpSpec, params: Params): E.Either<Diverged, void> => {
  const at = loss(spec)(params, xor)
  return Number.isFinite(at)
    ? E.right(undefined)
    : E.left({ message: `the loss of this model on XOR is ${at}, not a finite number, before any update: its outputs saturate on these inputs, so it can be neither evaluated nor trained` })
}

/**
 * Trains fresh networks until one does not end stuck, at most 1 + restarts times; returns the last outcome.
 * `onStepOf(attempt)` gives the step callback of each attempt (so progress can say which restart it shows).
 */
export const trainWithRestarts = (
  options: Options,
  onStepOf: (attempt: number) => (state: T.TrainState<unknown>) => void
): E.Either<Diverged, Outcome> => {
  const spec = specOf(options)
  let result: E.Either<Diverged, Outcome> = E.left({ message: 'no attempt ran' })
  for (let attempt = 0; attempt <= options.restarts; attempt++) {
    result = trainFrom(spec, initialParams(spec, options, attempt), options, onStepOf(attempt), attempt)
    if (E.isLeft(result) || result.right.verdict !== 'stuck') return result
  }
  return result
}
