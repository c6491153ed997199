/**
 * Training as a fold, for any model: an objective maps parameters and a batch to the loss and gradients shaped like
 * the parameters (`Mlp.lossAndGradients(spec)`, `Ad.valueAndGrad` of any forward code, a hand-written VJP), an
 * optimizer turns gradients into updates, and `step` maps a state and a batch to the next state. `scan` yields the
 * lazy sequence of states, so history, early stopping and progress are plain consumers; `train` folds to the end.
 *
 * The invariant every consumer relies on: the loss a state carries is the loss at that state's own parameters.
 * A step computes the loss at the parameters it starts from (that is its forward pass), so `scan` yields each state
 * with the loss its batch gave it, and no step pays an extra forward pass for it; after the last batch, the final
 * parameters are evaluated once (on the last batch), so the trained parameters come with their own loss too.
 *
 * ```ts
 * import * as M from '@puregrad/tensor/Matrix'
 * import type { Matrix } from '@puregrad/tensor/Matrix'
 * import { Ad } from '@puregrad/grad'
 * import { Data, Optimizer, Train } from '@puregrad/mlp'
 *
 * // Any model: here a line through the data, y ≈ a·x + b, written as forward code.
 * type Params = { readonly a: Matrix; readonly b: Matrix }
 * const loss = (p: Params, x: Matrix, y: Matrix) => Ad.squaredError(Ad.add(Ad.mul(p.a, x), p.b), y, 'mean')
 * const objective = (p: Params, batch: Data.Dataset) => {
 *   const { value, grads } = Ad.valueAndGrad(loss)(p, batch.x, batch.y)
 *   return { loss: value, grads }
 * }
 * const train = { x: M.row([0, 1, 2, 3]), y: M.row([1, 3, 5, 7]) }     // y = 2x + 1
 * const validation = { x: M.row([4]), y: M.row([9]) }
 * const optimizer = Optimizer.adam(0.1)
 * const state0 = Train.initialState(optimizer)({ a: M.zeros(1, 1), b: M.zeros(1, 1) })
 * const result = Train.earlyStopping({ patience: 3, every: 25, monitor: (s: Train.TrainState<unknown, Params>) => loss(s.params, validation.x, validation.y).data[0]! })(
 *   Train.scan(objective, optimizer)(state0, Data.repeat(train, 2000))
 * )
 * if (result._tag === 'Some') {
 *   const { best, history } = result.value
 *   console.log(`kept step ${best.step} of ${history.length - 1}: a = ${best.params.a.data[0]!.toFixed(3)}, b = ${best.params.b.data[0]!.toFixed(3)}`)
 * }
 * ```
 * prints
 * ```text
 * kept step 475 of 550: a = 2.000, b = 1.000
 * ```
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import * as M from '@puregrad/tensor/Matrix'
import * as Tree from '@puregrad/tensor/Tree'
import type { Batch, Params } from './Mlp.js'
import { lossAndGradients } from './Mlp.js'
import type { Optimizer } from './Optimizer.js'
import type { MlpSpec } from './Spec.js'
import { descendOf, fusionOf, updateAndApply } from './internal/fusion.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The loss on a batch and its gradients, a tree shaped like the parameters. */
export interface LossAndGrads<P> {
  readonly loss: number
  readonly grads: P
}

/** Any model's training signal: (params, batch) ↦ { loss, grads }. `Mlp.lossAndGradients(spec)` is one. */
export type Objective<P, B> = (params: P, batch: B) => LossAndGrads<P>

/** Everything training changes. `S` is the optimizer's state, `P` the parameter tree (an MLP's by default). */
export interface TrainState<S = unknown, P = Params> {
  readonly params: P
  readonly optState: S
  /** Updates applied to reach `params`. */
  readonly step: number
  /** The loss at `params` (on the batch it was evaluated on); null for a state not evaluated yet. */
  readonly loss: number | null
}

/** One step: the loss at the state's parameters on the batch, and the state after the update (not evaluated yet). */
export interface Stepped<S, P> {
  readonly loss: number
  readonly next: TrainState<S, P>
}

/**
 * Training diverged at `step`: the loss at that state's parameters was not finite (`cause: 'loss'`), or the update
 * that made them left a parameter that is not finite (`cause: 'parameters'`). `last` is the last state whose loss and
 * parameters were all finite (the initial state when the first one diverged).
 */
export interface NonFiniteLoss<S = unknown, P = Params> {
  readonly _tag: 'NonFiniteLoss'
  readonly cause: 'loss' | 'parameters'
  readonly step: number
  readonly loss: number
  readonly last: TrainState<S, P>
  readonly message: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Step 0: the parameters and the optimizer's initial state, not evaluated yet. */
export const initialState =
  <S>(optimizer: Optimizer<S>) =>
  <P = Params>(params: P): TrainState<S, P> => ({ params, optState: optimizer.init(params as Tree.Tree), step: 0, loss: null })

// -------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------

/** An MLP spec stands for its objective, `Mlp.lossAndGradients(spec)`. */
const objectiveOf = <P, B>(objective: Objective<P, B> | MlpSpec): Objective<P, B> =>
  typeof objective === 'function' ? objective : (lossAndGradients(objective) as unknown as Objective<P, B>)

/**
 * One step: the objective's loss and gradients at the state's parameters, the optimizer's updates, the new
 * parameters. Where the objective can fold an update into its backward pass and the optimizer's updates are the
 * gradients times one number (the MLP with plain SGD), they do, privately and with the same bits; otherwise the
 * optimizer's fused apply is used where it has one.
 */
export function step<S, P, B>(objective: Objective<P, B>, optimizer: Optimizer<S>): (state: TrainState<S, P>, batch: B) => Stepped<S, P>
export function step<S>(spec: MlpSpec, optimizer: Optimizer<S>): (state: TrainState<S, Params>, batch: Batch) => Stepped<S, Params>
export function step<S, P, B>(objectiveOrSpec: Objective<P, B> | MlpSpec, optimizer: Optimizer<S>): (state: TrainState<S, P>, batch: B) => Stepped<S, P> {
  const objective = objectiveOf(objectiveOrSpec)
  const { gradientScale } = fusionOf(optimizer)
  const descend = descendOf<P, B>(objective)
  if (gradientScale !== undefined && descend !== undefined) {
    return (state, batch) => {
      const [scale, optState] = gradientScale(state.optState)
      const { loss, params } = descend(state.params, batch, scale)
      return { loss, next: { params, optState, step: state.step + 1, loss: null } }
    }
  }
  const apply = updateAndApply(optimizer)
  return (state, batch) => {
    const { loss, grads } = objective(state.params, batch)
    const [params, optState] = apply(grads as Tree.Tree, state.optState, state.params as Tree.Tree)
    return { loss, next: { params: params as P, optState, step: state.step + 1, loss: null } }
  }
}

/**
 * The states of a run, lazily (a generator: iterate it once). For each batch, the state it was evaluated at, with
 * its loss; after the last batch, the final state, evaluated once on that batch (its `loss` is the loss at the
 * trained parameters). It ends early at the first state whose loss is not finite, or whose parameters are not (that
 * state is yielded with loss NaN), so a consumer never trains on from NaN or infinite parameters.
 */
export function scan<S, P, B>(objective: Objective<P, B>, optimizer: Optimizer<S>): (state0: TrainState<S, P>, batches: Iterable<B>) => Generator<TrainState<S, P>, void, undefined>
export function scan<S>(spec: MlpSpec, optimizer: Optimizer<S>): (state0: TrainState<S, Params>, batches: Iterable<Batch>) => Generator<TrainState<S, Params>, void, undefined>
export function scan<S, P, B>(objectiveOrSpec: Objective<P, B> | MlpSpec, optimizer: Optimizer<S>) {
  const objective = objectiveOf<P, B>(objectiveOrSpec)
  const next = step(objective, optimizer)
  return function* (state0: TrainState<S, P>, batches: Iterable<B>): Generator<TrainState<S, P>, void, undefined> {
    let state = state0
    let lastBatch: { readonly batch: B } | undefined
    for (const batch of batches) {
      lastBatch = { batch }
      const stepped = next(state, batch)
      yield { ...state, loss: stepped.loss }
      if (!Number.isFinite(stepped.loss)) return
      state = stepped.next
      if (!finiteParams(state)) {
        yield { ...state, loss: NaN }
        return
      }
    }
    if (lastBatch !== undefined) yield { ...state, loss: objective(state.params, lastBatch.batch).loss }
  }
}

/**
 * The fold of `step` over the batches: Right(the final state, with the loss at its parameters), or
 * Left(NonFiniteLoss) naming the step where the loss or the parameters stopped being finite, with the last good state.
 */
export function train<S, P, B>(objective: Objective<P, B>, optimizer: Optimizer<S>): (state0: TrainState<S, P>, batches: Iterable<B>) => E.Either<NonFiniteLoss<S, P>, TrainState<S, P>>
export function train<S>(spec: MlpSpec, optimizer: Optimizer<S>): (state0: TrainState<S, Params>, batches: Iterable<Batch>) => E.Either<NonFiniteLoss<S, Params>, TrainState<S, Params>>
export function train<S, P, B>(objectiveOrSpec: Objective<P, B> | MlpSpec, optimizer: Optimizer<S>) {
  const run = scan(objectiveOf<P, B>(objectiveOrSpec), optimizer)
  return (state0: TrainState<S, P>, batches: Iterable<B>): E.Either<NonFiniteLoss<S, P>, TrainState<S, P>> => finish(state0, run(state0, batches))
}

const finiteParams = (state: TrainState<unknown, unknown>): boolean => Tree.leaves(state.params as Tree.Tree).every(M.allFinite)

/**
 * Runs a sequence of states to its end: Right(the last state), or Left(NonFiniteLoss) at the first state whose loss
 * is not finite (with `cause: 'parameters'` when its parameters are not finite either).
 */
export const finish = <S, P>(state0: TrainState<S, P>, states: Iterable<TrainState<S, P>>): E.Either<NonFiniteLoss<S, P>, TrainState<S, P>> => {
  let last = state0
  for (const s of states) {
    if (s.loss !== null && !Number.isFinite(s.loss)) return E.left(diverged(s, last))
    last = s
  }
  return E.right(last)
}

const diverged = <S, P>(s: TrainState<S, P>, last: TrainState<S, P>): NonFiniteLoss<S, P> => {
  const cause = finiteParams(s) ? 'loss' : 'parameters'
  const loss = s.loss ?? NaN
  const message =
    cause === 'parameters'
      ? `the parameters became non-finite at step ${s.step}; try a smaller learning rate or gradient clipping`
      : s.step === 0
        ? `the loss was ${loss} at the starting parameters (before any update): check the data and the initial parameters`
        : `the loss became ${loss} at step ${s.step}; try a smaller learning rate or gradient clipping`
  return { _tag: 'NonFiniteLoss', cause, step: s.step, loss, last, message }
}

// -------------------------------------------------------------------------------------
// consumers
// -------------------------------------------------------------------------------------

export interface HistoryEntry {
  readonly step: number
  /** The loss at the state's parameters. */
  readonly loss: number
  /** The early-stopping monitor's value at this state, where it was evaluated. */
  readonly score?: number
}

/** The loss at every evaluated state. */
export const history = <S, P>(states: Iterable<TrainState<S, P>>): ReadonlyArray<HistoryEntry> => {
  const out: Array<HistoryEntry> = []
  for (const s of states) if (s.loss !== null) out.push({ step: s.step, loss: s.loss })
  return out
}

/** The states up to and including the first that satisfies `predicate`. */
export const stopWhen =
  <S, P>(predicate: (state: TrainState<S, P>) => boolean) =>
  function* (states: Iterable<TrainState<S, P>>): Generator<TrainState<S, P>, void, undefined> {
    for (const s of states) {
      yield s
      if (predicate(s)) return
    }
  }

/** Calls `f` on every state as it passes (progress bars, logging) and yields it unchanged. */
export const tap =
  <S, P>(f: (state: TrainState<S, P>) => void) =>
  function* (states: Iterable<TrainState<S, P>>): Generator<TrainState<S, P>, void, undefined> {
    for (const s of states) {
      f(s)
      yield s
    }
  }

/** The last state of a sequence, if any. */
export const last = <S, P>(states: Iterable<TrainState<S, P>>): O.Option<TrainState<S, P>> => {
  let out: O.Option<TrainState<S, P>> = O.none
  for (const s of states) out = O.some(s)
  return out
}

export interface EarlyStoppingOptions<S, P> {
  /** How many monitor evaluations in a row may fail to improve on the best by more than `minDelta` before stopping. */
  readonly patience: number
  readonly minDelta?: number
  /**
   * What to minimise, at a state: its training loss by default; better a validation loss or any metric, e.g.
   * `(s) => Mlp.loss(spec)(s.params, validation)`.
   */
  readonly monitor?: (state: TrainState<S, P>) => number
  /** Evaluate the monitor at every `every`-th step (and at the last state); default 1. */
  readonly every?: number
}

export interface EarlyStoppingResult<S, P> {
  /** The state with the best monitor value: its parameters are the ones to keep, and its `loss` is theirs. */
  readonly best: TrainState<S, P>
  /** The monitor's value at `best`. */
  readonly bestScore: number
  /** Where training stopped. */
  readonly last: TrainState<S, P>
  /** True when `patience` evaluations passed without an improvement of more than `minDelta`. */
  readonly stoppedEarly: boolean
  /** The loss at every state consumed, with the monitor's value where it was evaluated: history and early stopping in one pass. */
  readonly history: ReadonlyArray<HistoryEntry>
}

/**
 * Consumes evaluated states until the monitor has not improved on its best by more than `minDelta` for `patience`
 * evaluations in a row. Returns none for a sequence without an evaluated state. Throws RangeError unless patience and
 * every are positive integers and minDelta ≥ 0.
 */
export function earlyStopping(
  options: Omit<EarlyStoppingOptions<never, never>, 'monitor'>
): <S, P>(states: Iterable<TrainState<S, P>>) => O.Option<EarlyStoppingResult<S, P>>
export function earlyStopping<S, P>(options: EarlyStoppingOptions<S, P>): (states: Iterable<TrainState<S, P>>) => O.Option<EarlyStoppingResult<S, P>>
export function earlyStopping<S, P>({ patience, minDelta = 0, monitor, every = 1 }: EarlyStoppingOptions<S, P>) {
  if (!Number.isSafeInteger(patience) || patience < 1) throw new RangeError(`earlyStopping: patience must be a positive integer, got ${patience}`)
  if (!Number.isSafeInteger(every) || every < 1) throw new RangeError(`earlyStopping: every must be a positive integer, got ${every}`)
  if (!(minDelta >= 0)) throw new RangeError(`earlyStopping: minDelta must be ≥ 0, got ${minDelta}`)
  const score = monitor ?? ((s: TrainState<S, P>) => s.loss!)
  return (states: Iterable<TrainState<S, P>>): O.Option<EarlyStoppingResult<S, P>> => {
    const entries: Array<HistoryEntry> = []
    let best: { readonly state: TrainState<S, P>; readonly score: number } | undefined
    let lastState: TrainState<S, P> | undefined
    let lastScored = -1
    let waited = 0
    const consider = (s: TrainState<S, P>): boolean => {
      const value = score(s)
      entries[entries.length - 1] = { step: s.step, loss: s.loss!, score: value }
      lastScored = s.step
      if (best === undefined || value < best.score - minDelta) {
        best = { state: s, score: value }
        waited = 0
        return false
      }
      return ++waited >= patience
    }
    for (const s of states) {
      if (s.loss === null) continue
      lastState = s
      entries.push({ step: s.step, loss: s.loss })
      if (s.step % every === 0 && consider(s)) {
        return O.some({ best: best!.state, bestScore: best!.score, last: s, stoppedEarly: true, history: entries })
      }
    }
    if (lastState === undefined) return O.none
    if (lastScored !== lastState.step) consider(lastState)
    return O.some({ best: best!.state, bestScore: best!.score, last: lastState, stoppedEarly: false, history: entries })
  }
}
