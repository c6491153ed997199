/**
 * Optimizers shaped like optax: a pair of pure functions `{ init, update }` with a typed state. `update` turns
 * gradients into updates and a new state; `applyUpdates` adds the updates to the parameters, separately.
 * Small transformations (`scaleByLearningRate`, `traceMomentum`, `scaleByAdam`, `clipByGlobalNorm`,
 * `addDecayedWeights`, `applyIfFinite`) are composed with `chain`; `sgd`, `momentum` and `adam` are such chains, and
 * `byName` finds them by name. Where a chain can apply its updates in fewer passes, Train.step does so privately (the
 * same bits); the public contract is `{ init, update }` alone.
 *
 * Parameters, gradients and updates are parameter trees (see @puregrad/tensor's Tree) of one structure.
 *
 * @since 0.1.0
 */

import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import * as T from '@puregrad/tensor/Tree'
import type { Tree } from '@puregrad/tensor/Tree'
import { applyUpdates as fusedApplyUpdates, fusionOf, withFusion } from './internal/fusion.js'
import { cosPi } from '@puregrad/tensor/Trig'
import { powerOf, realPower } from './internal/scheduleMath.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A gradient transformation: `init(params)` makes its state, `update(grads, state, params)` returns the updates
 * (shaped like grads) and the new state. Written as methods, so an `Optimizer<AdamState>` is an `Optimizer` (of
 * unknown state) wherever one is expected, without a cast.
 */
export interface Optimizer<S = unknown> {
  init(params: Tree): S
  update<P extends Tree>(grads: P, state: S, params: P): readonly [updates: P, state: S]
}

/** A learning rate as a function of the step (0 for the first update). */
export type Schedule = (step: number) => number

/** The state of a transformation that needs none. */
export type EmptyState = Readonly<Record<string, never>>

const emptyState: EmptyState = {}

/**
 * Arguments are checked where an optimizer or schedule is made, so a NaN or a sign error is a RangeError naming the
 * function and the argument, not a run of silent NaN updates.
 */
const check = (where: string, name: string, value: number, ok: (v: number) => boolean, expected: string): number => {
  if (typeof value !== 'number' || !ok(value)) throw new RangeError(`${where}: ${name} must be ${expected}, got ${String(value)}`)
  return value
}
const finite = (v: number) => Number.isFinite(v)
const nonNegative = (v: number) => Number.isFinite(v) && v >= 0
const positive = (v: number) => Number.isFinite(v) && v > 0
const unitInterval = (v: number) => v >= 0 && v < 1

// -------------------------------------------------------------------------------------
// schedules
// -------------------------------------------------------------------------------------

/** The same rate at every step. Throws RangeError unless `rate` is finite. */
export const constant = (rate: number): Schedule => {
  check('constant', 'rate', rate, finite, 'a finite number')
  return () => rate
}

/**
 * rate·decayRate^(step / transitionSteps), the exponent floored when `staircase` is true; the power is formed from
 * IEEE arithmetic (not `**`, whose last bit differs between engines), so a schedule gives the same rates everywhere.
 * Throws RangeError unless rate is finite, decayRate finite and > 0, and transitionSteps finite and > 0.
 */
export const exponentialDecay = ({
  rate,
  decayRate,
  transitionSteps,
  staircase = false
}: {
  rate: number
  decayRate: number
  transitionSteps: number
  staircase?: boolean
}): Schedule => {
  check('exponentialDecay', 'rate', rate, finite, 'a finite number')
  check('exponentialDecay', 'decayRate', decayRate, positive, 'a finite number > 0')
  check('exponentialDecay', 'transitionSteps', transitionSteps, positive, 'a finite number > 0')
  return (step) => {
    const p = step / transitionSteps
    return rate * realPower(decayRate, staircase ? Math.floor(p) : p)
  }
}

/**
 * Cosine decay from `rate` to `alpha·rate` over `decaySteps`, then flat: rate·((1 − α)·½(1 + cos(π·min(t, T)/T)) + α),
 * the cosine from IEEE arithmetic (not Math.cos, which differs between engines in the last bit).
 * Throws RangeError unless rate is finite, decaySteps finite and > 0, and alpha finite.
 */
export const cosineDecay = ({ rate, decaySteps, alpha = 0 }: { rate: number; decaySteps: number; alpha?: number }): Schedule => {
  check('cosineDecay', 'rate', rate, finite, 'a finite number')
  check('cosineDecay', 'decaySteps', decaySteps, positive, 'a finite number > 0')
  check('cosineDecay', 'alpha', alpha, finite, 'a finite number')
  return (step) => {
    const t = Math.min(step, decaySteps) / decaySteps
    return rate * ((1 - alpha) * 0.5 * (1 + cosPi(t)) + alpha)
  }
}

// -------------------------------------------------------------------------------------
// transformations
// -------------------------------------------------------------------------------------

export interface CountState {
  readonly count: number
}

/**
 * updates = −rate(step)·updates: the descent direction. A number is a constant schedule, and must be finite and ≥ 0
 * (RangeError otherwise); a schedule's value is checked at every step (a RangeError names the step where it is not
 * finite).
 * Applied fused, θ + (−rate·u) is one axpy per leaf: the same products and sums as scale then add, one pass fewer.
 * Its updates are the gradients times −rate(step), which `gradientScale` says (update is written in terms of it).
 */
export const scaleByLearningRate = (rate: number | Schedule): Optimizer<CountState> => {
  if (typeof rate !== 'function') check('scaleByLearningRate', 'the learning rate', rate, nonNegative, 'a finite number ≥ 0')
  const schedule = typeof rate === 'number' ? constant(rate) : rate
  const scheduled = typeof rate === 'number' ? schedule : (step: number) => {
    const r = schedule(step)
    if (!Number.isFinite(r)) throw new RangeError(`scaleByLearningRate: the schedule gave ${String(r)} at step ${step}`)
    return r
  }
  const gradientScale = (state: CountState): readonly [number, CountState] => [-scheduled(state.count), { count: state.count + 1 }]
  return withFusion<CountState, Optimizer<CountState>>(
    {
      init: () => ({ count: 0 }),
      update: (grads, state) => {
        const [factor, next] = gradientScale(state)
        return [T.map(M.scale(factor))(grads), next]
      }
    },
    {
      updateAndApply: (grads, state, params) => {
        const [factor, next] = gradientScale(state)
        return [T.zipWith(grads, (p, u) => M.axpy(factor, u)(p))(params), next]
      },
      gradientScale
    }
  )
}

export interface TraceState {
  readonly trace: Tree
}

/**
 * Momentum (optax.trace): t ← decay·t + g; updates = t, or decay·t + g with Nesterov's look-ahead.
 * Throws RangeError unless 0 ≤ decay < 1.
 */
export const traceMomentum = (decay: number, { nesterov = false } = {}): Optimizer<TraceState> => (
  check('traceMomentum', 'decay', decay, unitInterval, 'in [0, 1)'),
  {
  init: (params) => ({ trace: T.map((m) => M.zeros(m.rows, m.cols))(params) }),
  update: (grads, state) => {
    const trace = T.zipWith(state.trace as typeof grads, (g, t) => M.axpy(decay, t)(g))(grads)
    const updates = nesterov ? T.zipWith(trace, (g, t) => M.axpy(decay, t)(g))(grads) : trace
    return [updates, { trace }]
  }
  }
)

export interface AdamState {
  readonly count: number
  readonly mu: Tree
  readonly nu: Tree
}

/**
 * Adam's scaling (Kingma & Ba, 2015): μ ← β₁μ + (1 − β₁)g, ν ← β₂ν + (1 − β₂)g², then with bias correction
 * μ̂ = μ/(1 − β₁ᵗ), ν̂ = ν/(1 − β₂ᵗ): updates = μ̂ / (√ν̂ + ε). Throws RangeError unless b1 and b2 are in [0, 1) and
 * eps is finite and ≥ 0.
 *
 * Overflow: g² overflows for |g| above about 1.34e154, making ν infinite and that entry's updates 0 from then on (in
 * every implementation that squares, optax and PyTorch included). Gradients that large mean the run has diverged;
 * put `clipByGlobalNorm` first in the chain to bound them.
 */
export const scaleByAdam = ({ b1 = 0.9, b2 = 0.999, eps = 1e-8 } = {}): Optimizer<AdamState> => {
  check('scaleByAdam', 'b1', b1, unitInterval, 'in [0, 1)')
  check('scaleByAdam', 'b2', b2, unitInterval, 'in [0, 1)')
  check('scaleByAdam', 'eps', eps, nonNegative, 'a finite number ≥ 0')
  return {
  init: (params) => {
    const zeros = T.map((m) => M.zeros(m.rows, m.cols))(params)
    return { count: 0, mu: zeros, nu: zeros }
  },
  update: (grads, state) => {
    const count = state.count + 1
    const mu = T.zipWith(state.mu as typeof grads, (g, m) => moment(g, m, b1, 1))(grads)
    const nu = T.zipWith(state.nu as typeof grads, (g, v) => moment(g, v, b2, 2))(grads)
    const c1 = 1 - powerOf(b1, count)
    const c2 = 1 - powerOf(b2, count)
    const updates = T.zipWith(nu, (m, v) => {
      const out = new Float64Array(m.data.length)
      for (let i = 0; i < out.length; i++) out[i] = m.data[i]! / c1 / (Math.sqrt(v.data[i]! / c2) + eps)
      return M.unsafeWrap(m.rows, m.cols, out)
    })(mu)
    return [updates, { count, mu, nu }]
  }
  }
}

/** β·m + (1 − β)·gᵖ, entry by entry (p = 1 for the mean, 2 for the uncentred variance). */
const moment = (g: Matrix, m: Matrix, beta: number, power: 1 | 2): Matrix => {
  const out = new Float64Array(g.data.length)
  for (let i = 0; i < out.length; i++) {
    const x = g.data[i]!
    out[i] = beta * m.data[i]! + (1 - beta) * (power === 1 ? x : x * x)
  }
  return M.unsafeWrap(g.rows, g.cols, out)
}

/**
 * The L2 norm of a whole tree: √(Σ over every leaf and entry of g²). Overflow-safe: when the plain sum of squares
 * overflows (|g| beyond about 1e154) or underflows, it is computed again as m·√(Σ (g/m)²) with m the largest |g|, so
 * finite gradients have a finite norm unless the norm itself exceeds the largest double. An infinite entry gives
 * Infinity; a NaN gives NaN.
 */
export const globalNorm = (tree: Tree): number => {
  const leaves = T.leaves(tree)
  const plain = leaves.reduce((acc, m) => acc + M.inner(m, m), 0)
  if (plain > 2 ** -900 && plain < Infinity) return Math.sqrt(plain)
  const { largest, root } = scaledNorm(leaves)
  return largest * root
}

/** m = max |g| and √(Σ (g/m)²) (in [1, √n]), so that ‖g‖ = m·root without overflow; root is 1 when m is 0 or not finite. */
const scaledNorm = (leaves: ReadonlyArray<Matrix>): { readonly largest: number; readonly root: number } => {
  let largest = 0
  for (const m of leaves) {
    for (let i = 0; i < m.data.length; i++) {
      const a = Math.abs(m.data[i]!)
      if (!(a <= largest)) largest = a // NaN sticks
    }
  }
  if (largest === 0 || !Number.isFinite(largest)) return { largest, root: 1 }
  let sum = 0
  for (const m of leaves) for (let i = 0; i < m.data.length; i++) sum += (m.data[i]! / largest) * (m.data[i]! / largest)
  return { largest, root: Math.sqrt(sum) }
}

/**
 * Scales the whole tree by maxNorm/‖g‖ when its global norm exceeds maxNorm, keeping its direction. Finite gradients
 * are always clipped to a finite result, however large (1e200, or a norm beyond the largest double). With infinite
 * entries the direction is the limit of g/‖g‖: ±maxNorm/√k on each of the k infinite entries, 0 elsewhere. A NaN
 * entry makes every update NaN (`applyIfFinite` skips such steps). Throws RangeError unless maxNorm > 0 (a negative
 * one would reverse the direction).
 */
export const clipByGlobalNorm = (maxNorm: number): Optimizer<EmptyState> => {
  check('clipByGlobalNorm', 'maxNorm', maxNorm, (v) => v > 0, 'a number > 0')
  return {
    init: () => emptyState,
    update: (grads) => {
      const norm = globalNorm(grads)
      if (norm <= maxNorm) return [grads, emptyState]
      if (norm < Infinity) return [T.map(M.scale(maxNorm / norm))(grads), emptyState]
      if (Number.isNaN(norm)) return [T.map(M.scale(NaN))(grads), emptyState]
      const { largest, root } = scaledNorm(T.leaves(grads))
      if (largest < Infinity) return [T.map(M.map((g) => (g / largest) * (maxNorm / root)))(grads), emptyState]
      const infinite = T.reduce(0, (n, m: Matrix) => n + m.data.filter((g) => !Number.isFinite(g)).length)(grads)
      const size = maxNorm / Math.sqrt(infinite)
      return [T.map(M.map((g) => (g === Infinity ? size : g === -Infinity ? -size : 0)))(grads), emptyState]
    }
  }
}

/** updates = g + λ·params: L2 weight decay, to place before the learning-rate scaling. Throws RangeError unless λ ≥ 0. */
export const addDecayedWeights = (weightDecay: number): Optimizer<EmptyState> => {
  check('addDecayedWeights', 'weightDecay', weightDecay, nonNegative, 'a finite number ≥ 0')
  return {
    init: () => emptyState,
    update: (grads, state, params) => [T.zipWith(params, (g, p) => M.axpy(weightDecay, p)(g))(grads), state]
  }
}

export interface ApplyIfFiniteState<S> {
  readonly inner: S
  /** How many updates were skipped in all. */
  readonly skipped: number
  /** Whether the last gradients were finite. */
  readonly lastFinite: boolean
}

/**
 * Runs `inner` only when every gradient entry is finite; otherwise returns zero updates, keeps the inner state
 * (so momentum and Adam's moments are not poisoned by a NaN) and counts the skip.
 */
export const applyIfFinite = <S>(inner: Optimizer<S>): Optimizer<ApplyIfFiniteState<S>> => ({
  init: (params) => ({ inner: inner.init(params), skipped: 0, lastFinite: true }),
  update: (grads, state, params) => {
    if (T.leaves(grads).every(M.allFinite)) {
      const [updates, innerState] = inner.update(grads, state.inner, params)
      return [updates, { inner: innerState, skipped: state.skipped, lastFinite: true }]
    }
    return [T.map((m) => M.zeros(m.rows, m.cols))(grads), { ...state, skipped: state.skipped + 1, lastFinite: false }]
  }
})

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Applies the transformations in order, each to the previous one's updates; the state is the tuple of their states.
 * When the last one can apply its updates fused (scaleByLearningRate, which ends sgd, momentum and adam), so can the
 * chain; a chain of scaleByLearningRate alone (sgd) also keeps its `gradientScale`.
 */
export const chain = <S extends ReadonlyArray<unknown>>(
  ...transforms: { readonly [K in keyof S]: Optimizer<S[K]> }
): Optimizer<Readonly<S>> => {
  const all = transforms as ReadonlyArray<Optimizer<unknown>>
  const last = all[all.length - 1]
  // Runs all but the last transformation, then `finish` (the last one's update or updateAndApply) on their updates.
  const run =
    (finish: <P extends Tree>(t: Optimizer<unknown>, u: P, s: unknown, params: P) => readonly [P, unknown]) =>
    <P extends Tree>(grads: P, state: Readonly<S>, params: P): readonly [P, Readonly<S>] => {
      let updates = grads
      const states = new Array<unknown>(all.length)
      for (let i = 0; i < all.length; i++) {
        const [next, s] = i === all.length - 1 ? finish(all[i]!, updates, state[i], params) : all[i]!.update(updates, state[i], params)
        updates = next
        states[i] = s
      }
      return [updates, states as unknown as S]
    }
  const lastFusion = last === undefined ? {} : fusionOf(last)
  const only = all.length === 1 ? lastFusion : {}
  return withFusion<Readonly<S>, Optimizer<Readonly<S>>>(
    {
      init: (params) => all.map((t) => t.init(params)) as unknown as S,
      update: run((t, u, s, params) => t.update(u, s, params))
    },
    {
      // The last transformation's fused apply (scaleByLearningRate ends sgd, momentum and adam) fuses the chain's.
      ...(lastFusion.updateAndApply === undefined ? {} : { updateAndApply: run((t, u, s, params) => fusionOf(t).updateAndApply!(u, s, params)) }),
      // A chain of one transformation scales its gradients exactly when that transformation does.
      ...(only.gradientScale === undefined
        ? {}
        : {
            gradientScale: (state: Readonly<S>) => {
              const [scale, next] = only.gradientScale!(state[0])
              return [scale, [next] as unknown as S] as const
            }
          })
    }
  )
}

// -------------------------------------------------------------------------------------
// optimizers
// -------------------------------------------------------------------------------------

/** Plain gradient descent: θ ← θ − rate·g. */
export const sgd = (rate: number | Schedule): Optimizer<readonly [CountState]> => chain(scaleByLearningRate(rate))

/** Heavy-ball momentum: t ← β·t + g, θ ← θ − rate·t (with `nesterov`, θ ← θ − rate·(β·t + g)). */
export const momentum = (rate: number | Schedule, beta = 0.9, { nesterov = false } = {}): Optimizer<readonly [TraceState, CountState]> =>
  chain(traceMomentum(beta, { nesterov }), scaleByLearningRate(rate))

/** Adam: θ ← θ − rate·μ̂/(√ν̂ + ε). */
export const adam = (rate: number | Schedule, options: { b1?: number; b2?: number; eps?: number } = {}): Optimizer<readonly [AdamState, CountState]> =>
  chain(scaleByAdam(options), scaleByLearningRate(rate))

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** θ + updates, leaf by leaf: a new parameter tree. */
export const applyUpdates: <P extends Tree>(params: P, updates: P) => P = fusedApplyUpdates

export type OptimizerName = 'sgd' | 'momentum' | 'adam'

/** The optimizers by name, each from a learning rate (or schedule) with its other settings at their defaults. */
export const byName: Readonly<Record<OptimizerName, (rate: number | Schedule) => Optimizer>> = {
  sgd: (rate) => sgd(rate),
  momentum: (rate) => momentum(rate),
  adam: (rate) => adam(rate)
}

export const names: ReadonlyArray<OptimizerName> = Object.keys(byName) as Array<OptimizerName>
