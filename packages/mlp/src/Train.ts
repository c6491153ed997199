/**
 * Training as a fold: `step` maps a state and a batch to the next state; `train` folds it over an iterable of
 * batches; `scan` yields the lazy sequence of states, so progress, history and early stopping are plain consumers.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import * as O from 'fp-ts/lib/Option.js'
import * as M from '@puregrad/tensor/Matrix'
import * as Tree from '@puregrad/tensor/Tree'
import type { Batch, Params } from './Mlp.js'
import { gradientStep, lossAndGradients } from './Mlp.js'
import type { Optimizer } from './Optimizer.js'
import { updateAndApply } from './Optimizer.js'
import type { MlpSpec } from './Spec.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Everything a training step changes. `loss` is the batch loss at the parameters the step started from. */
export interface TrainState<S> {
  readonly params: Params
  readonly optState: S
  /** Steps taken so far. */
  readonly step: number
  /** The loss of the last step; null before the first. */
  readonly loss: number | null
}

/**
 * Training diverged: the loss at step `step` was not finite, or (`cause: 'parameters'`) the update of that step left a
 * parameter that is not finite while the loss it started from still was. `last` is the last state whose loss and
 * parameters were all finite (the initial state when the first step diverged).
 */
export interface NonFiniteLoss<S> {
  readonly _tag: 'NonFiniteLoss'
  readonly cause: 'loss' | 'parameters'
  readonly step: number
  readonly loss: number
  readonly last: TrainState<S>
  readonly message: string
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** Step 0: the parameters and the optimizer's initial state. */
export const initialState =
  <S>(optimizer: Optimizer<S>) =>
  (params: Params): TrainState<S> => ({ params, optState: optimizer.init(params), step: 0, loss: null })

// -------------------------------------------------------------------------------------
// training
// -------------------------------------------------------------------------------------

/**
 * One step: loss and gradients on the batch, the optimizer's updates, the new parameters. An optimizer whose updates
 * are the gradients times one number (sgd: its `gradientScale`) has the update folded into the backward pass
 * (Mlp.gradientStep), which gives the same bits without keeping the gradients.
 */
export const step = <S>(spec: MlpSpec, optimizer: Optimizer<S>): ((state: TrainState<S>, batch: Batch) => TrainState<S>) => {
  const { gradientScale } = optimizer
  if (gradientScale !== undefined) {
    const descend = gradientStep(spec)
    return (state, batch) => {
      const [scale, optState] = gradientScale(state.optState)
      const { loss, params } = descend(state.params, batch, scale)
      return { params, optState, step: state.step + 1, loss }
    }
  }
  const gradients = lossAndGradients(spec)
  const apply = updateAndApply(optimizer)
  return (state, batch) => {
    const { loss, grads } = gradients(state.params, batch)
    const [params, optState] = apply(grads, state.optState, state.params)
    return { params, optState, step: state.step + 1, loss }
  }
}

/**
 * The states after each batch, lazily (a generator: iterate it once). It ends after the first state whose loss or
 * parameters are not finite, so a consumer never trains on from NaN or infinite parameters.
 */
export const scan =
  <S>(spec: MlpSpec, optimizer: Optimizer<S>) =>
  function* (state0: TrainState<S>, batches: Iterable<Batch>): Generator<TrainState<S>, void, undefined> {
    const next = step(spec, optimizer)
    let state = state0
    for (const batch of batches) {
      state = next(state, batch)
      yield state
      if (!Number.isFinite(state.loss) || !finiteParams(state)) return
    }
  }

/**
 * The fold of `step` over the batches: Right(final state), or Left(NonFiniteLoss) naming the step where the loss or
 * the parameters stopped being finite, with the last good state.
 */
export const train =
  <S>(spec: MlpSpec, optimizer: Optimizer<S>) =>
  (state0: TrainState<S>, batches: Iterable<Batch>): E.Either<NonFiniteLoss<S>, TrainState<S>> =>
    finish(state0, scan(spec, optimizer)(state0, batches))

const finiteParams = (state: TrainState<unknown>): boolean => Tree.leaves(state.params).every(M.allFinite)

/**
 * Runs a sequence of states to its end: Right(last state), or Left(NonFiniteLoss) at the first state whose loss is
 * not finite, or when the last state's parameters are not all finite (`scan` ends at the first such state, so that is
 * where a scan stops; `train` never returns Right with a non-finite parameter, the last step included).
 */
export const finish = <S>(state0: TrainState<S>, states: Iterable<TrainState<S>>): E.Either<NonFiniteLoss<S>, TrainState<S>> => {
  let good = state0
  let last = state0
  for (const s of states) {
    if (s.loss !== null && !Number.isFinite(s.loss)) return E.left(diverged('loss', s, last))
    good = last
    last = s
  }
  return last === state0 || finiteParams(last) ? E.right(last) : E.left(diverged('parameters', last, good))
}

const diverged = <S>(cause: 'loss' | 'parameters', s: TrainState<S>, last: TrainState<S>): NonFiniteLoss<S> => ({
  _tag: 'NonFiniteLoss',
  cause,
  step: s.step,
  loss: s.loss ?? NaN,
  last,
  message:
    cause === 'parameters'
      ? `the parameters became non-finite at step ${s.step} (the loss before the update was ${s.loss}); try a smaller learning rate or gradient clipping`
      : s.step === last.step + 1 && last.loss === null
        ? `the loss was ${s.loss} at the starting parameters (step ${s.step}, before any update): check the data and the initial parameters`
        : `the loss became ${s.loss} at step ${s.step}; try a smaller learning rate or gradient clipping`
})

// -------------------------------------------------------------------------------------
// consumers
// -------------------------------------------------------------------------------------

export interface HistoryEntry {
  readonly step: number
  readonly loss: number
}

/** The loss after every step. */
export const history = <S>(states: Iterable<TrainState<S>>): ReadonlyArray<HistoryEntry> => {
  const out: Array<HistoryEntry> = []
  for (const s of states) if (s.loss !== null) out.push({ step: s.step, loss: s.loss })
  return out
}

/** The states up to and including the first that satisfies `predicate`. */
export const stopWhen =
  <S>(predicate: (state: TrainState<S>) => boolean) =>
  function* (states: Iterable<TrainState<S>>): Generator<TrainState<S>, void, undefined> {
    for (const s of states) {
      yield s
      if (predicate(s)) return
    }
  }

/** Calls `f` on every state as it passes (progress bars, logging) and yields it unchanged. */
export const tap =
  <S>(f: (state: TrainState<S>) => void) =>
  function* (states: Iterable<TrainState<S>>): Generator<TrainState<S>, void, undefined> {
    for (const s of states) {
      f(s)
      yield s
    }
  }

/** The last state of a sequence, if any. */
export const last = <S>(states: Iterable<TrainState<S>>): O.Option<TrainState<S>> => {
  let out: O.Option<TrainState<S>> = O.none
  for (const s of states) out = O.some(s)
  return out
}

export interface EarlyStoppingResult<S> {
  /** The state with the lowest loss: its parameters are the ones to keep. */
  readonly best: TrainState<S>
  /** Where training stopped. */
  readonly last: TrainState<S>
  /** True when `patience` steps passed without an improvement of more than `minDelta`. */
  readonly stoppedEarly: boolean
}

/**
 * Consumes states until the loss has not improved on the best by more than `minDelta` for `patience` steps in a row.
 * Returns none for an empty sequence.
 */
export const earlyStopping =
  ({ patience, minDelta = 0 }: { readonly patience: number; readonly minDelta?: number }) =>
  <S>(states: Iterable<TrainState<S>>): O.Option<EarlyStoppingResult<S>> => {
    let best: TrainState<S> | undefined
    let lastState: TrainState<S> | undefined
    let waited = 0
    for (const s of states) {
      lastState = s
      if (s.loss === null) continue
      if (best === undefined || s.loss < best.loss! - minDelta) {
        best = s
        waited = 0
      } else if (++waited >= patience) {
        return O.some({ best, last: s, stoppedEarly: true })
      }
    }
    return best === undefined || lastState === undefined ? O.none : O.some({ best, last: lastState, stoppedEarly: false })
  }
