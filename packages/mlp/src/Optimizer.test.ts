import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import { repeat } from './Data.js'
import * as I from './Init.js'
import type { Params } from './Mlp.js'
import * as O from './Optimizer.js'
import { uniform } from './Spec.js'
import { fusionOf, updateAndApply } from './internal/fusion.js'
import { initialState, train } from './Train.js'

const theta: Params = [{ W: M.row([1, 2]), b: M.column([0.5]) }]
const g: Params = [{ W: M.row([0.1, -0.2]), b: M.column([0.3]) }]
const flat = (p: Params): Array<number> => p.flatMap(({ W, b }) => [...W.data, ...b.data])
const close = (actual: ReadonlyArray<number>, expected: ReadonlyArray<number>): void =>
  expect(actual.map((v, i) => Math.abs(v - expected[i]!) < 1e-12)).toEqual(expected.map(() => true))

const firstUpdate = <S>(opt: O.Optimizer<S>, grads: Params = g): readonly [Params, S] => opt.update(grads, opt.init(theta), theta)

describe('first updates by hand (θ = (1, 2, 0.5), g = (0.1, −0.2, 0.3))', () => {
  it('sgd(0.5): −0.5·g', () => close(flat(firstUpdate(O.sgd(0.5))[0]), [-0.05, 0.1, -0.15]))
  it('momentum(0.5, 0.9): t = g then −0.5·t; the second step uses t = 0.9·g + g', () => {
    const opt = O.momentum(0.5, 0.9)
    const [u1, s1] = firstUpdate(opt)
    close(flat(u1), [-0.05, 0.1, -0.15])
    close(flat(opt.update(g, s1, theta)[0]), [-0.095, 0.19, -0.285])
  })
  it('momentum with Nesterov: −0.5·(0.9·t + g) = −0.95·g at the first step', () =>
    close(flat(firstUpdate(O.momentum(0.5, 0.9, { nesterov: true }))[0]), [-0.095, 0.19, -0.285]))
  it('adam(0.1): bias correction makes the first step −0.1·g/(|g| + ε)', () => {
    const eps = 1e-8
    close(flat(firstUpdate(O.adam(0.1))[0]), [0.1, -0.2, 0.3].map((v) => (-0.1 * v) / (Math.abs(v) + eps)))
  })
  it('clipByGlobalNorm(0.1) rescales to norm 0.1 and leaves small gradients alone', () => {
    const norm = Math.sqrt(0.01 + 0.04 + 0.09)
    close(flat(firstUpdate(O.clipByGlobalNorm(0.1))[0]), [0.1, -0.2, 0.3].map((v) => (v * 0.1) / norm))
    expect(firstUpdate(O.clipByGlobalNorm(1))[0]).toBe(g)
    expect(O.globalNorm(g)).toBeCloseTo(norm, 15)
  })
  it('clipByGlobalNorm is overflow-safe: 1e200 gradients are clipped, not zeroed; infinite ones keep their direction', () => {
    const huge: Params = [{ W: M.row([1e200, -2e200]), b: M.column([2e200]) }]
    expect(O.globalNorm(huge)).toBe(3e200)
    close(flat(firstUpdate(O.clipByGlobalNorm(3), huge)[0]), [1, -2, 2])
    // A norm beyond the largest double: still a finite, clipped direction.
    const beyond: Params = [{ W: M.row([1.5e308, 1.5e308]), b: M.column([1.5e308]) }]
    expect(O.globalNorm(beyond)).toBe(Infinity)
    close(flat(firstUpdate(O.clipByGlobalNorm(Math.sqrt(3)), beyond)[0]), [1, 1, 1])
    const infinite: Params = [{ W: M.row([Infinity, 5]), b: M.column([-Infinity]) }]
    close(flat(firstUpdate(O.clipByGlobalNorm(2), infinite)[0]), [Math.SQRT2, 0, -Math.SQRT2])
    expect(flat(firstUpdate(O.clipByGlobalNorm(2), [{ W: M.row([NaN, 5]), b: M.column([1]) }])[0]).every(Number.isNaN)).toBe(true)
    // Tiny gradients, whose squares underflow, have their true norm.
    expect(O.globalNorm([{ W: M.row([3e-200, 4e-200]), b: M.column([0]) }])).toBeCloseTo(5e-200, 210)
  })
  it.each<[string, () => unknown, RegExp]>([
    ['sgd(NaN)', () => O.sgd(NaN), /scaleByLearningRate: the learning rate must be a finite number ≥ 0, got NaN/],
    ['sgd(-1)', () => O.sgd(-1), /the learning rate must be a finite number ≥ 0, got -1/],
    ['adam(Infinity)', () => O.adam(Infinity), /the learning rate must be/],
    ['a negative max norm', () => O.clipByGlobalNorm(-1), /clipByGlobalNorm: maxNorm must be a number > 0, got -1/],
    ['a NaN max norm', () => O.clipByGlobalNorm(NaN), /maxNorm must be a number > 0, got NaN/],
    ['cosine decay over 0 steps', () => O.cosineDecay({ rate: 0.1, decaySteps: 0 }), /cosineDecay: decaySteps must be a finite number > 0, got 0/],
    ['exponential decay over 0 steps', () => O.exponentialDecay({ rate: 0.1, decayRate: 0.5, transitionSteps: 0 }), /transitionSteps must be a finite number > 0/],
    ['momentum of 1', () => O.momentum(0.1, 1), /traceMomentum: decay must be in \[0, 1\), got 1/],
    ['adam with b2 NaN', () => O.adam(0.1, { b2: NaN }), /scaleByAdam: b2 must be in \[0, 1\), got NaN/],
    ['negative weight decay', () => O.addDecayedWeights(-0.1), /addDecayedWeights: weightDecay must be a finite number ≥ 0/]
  ])('%s is a RangeError with a message, not silent NaN', (_, make, message) => {
    expect(make).toThrow(RangeError)
    expect(make).toThrow(message)
  })
  it('a schedule that gives a non-finite rate is named at the step where it does', () => {
    const opt = O.sgd((step) => (step < 2 ? 0.1 : NaN))
    let state = opt.init(theta)
    state = opt.update(g, state, theta)[1]
    state = opt.update(g, state, theta)[1]
    expect(() => opt.update(g, state, theta)).toThrow('scaleByLearningRate: the schedule gave NaN at step 2')
  })
  it('adam on gradients of 1e200: g² overflows (documented); clipping first keeps the updates finite and non-zero', () => {
    const huge: Params = [{ W: M.row([1e200, -1e200]), b: M.column([1e200]) }]
    expect(flat(firstUpdate(O.adam(0.1), huge)[0])).toEqual([-0, 0, -0])
    const clipped = O.chain(O.clipByGlobalNorm(1), O.adam(0.1))
    flat(firstUpdate(clipped, huge)[0]).forEach((u, i) => expect(u).toBeCloseTo([-0.1, 0.1, -0.1][i]!, 7))
  })
  it('addDecayedWeights(0.01) then sgd(1): −(g + 0.01·θ)', () =>
    close(flat(firstUpdate(O.chain(O.addDecayedWeights(0.01), O.scaleByLearningRate(1)))[0]), [-0.11, 0.18, -0.305]))
  it('applyIfFinite skips non-finite gradients, keeps the inner state and counts the skips', () => {
    const opt = O.applyIfFinite(O.momentum(0.5, 0.9))
    const bad: Params = [{ W: M.row([NaN, 1]), b: M.column([Infinity]) }]
    const s0 = opt.init(theta)
    const [u, s1] = opt.update(bad, s0, theta)
    expect(flat(u)).toEqual([0, 0, 0])
    expect([s1.skipped, s1.lastFinite]).toEqual([1, false])
    expect(s1.inner).toBe(s0.inner)
    const [u2, s2] = opt.update(g, s1, theta)
    close(flat(u2), [-0.05, 0.1, -0.15])
    expect([s2.skipped, s2.lastFinite]).toEqual([1, true])
  })
  it('a schedule is read at the update count', () => {
    const opt = O.sgd((step) => 1 / (step + 1))
    const [, s1] = firstUpdate(opt)
    close(flat(opt.update(g, s1, theta)[0]), [-0.05, 0.1, -0.15])
  })
  it('applyUpdates adds leaf by leaf into a new tree', () => {
    const next = O.applyUpdates(theta, g)
    close(flat(next), [1.1, 1.8, 0.8])
    expect(flat(theta)).toEqual([1, 2, 0.5])
  })
})

describe('schedules', () => {
  it('constant, exponential and cosine decay', () => {
    expect(O.constant(0.3)(1000)).toBe(0.3)
    expect(O.exponentialDecay({ rate: 1, decayRate: 0.5, transitionSteps: 10 })(20)).toBe(0.25)
    expect(O.exponentialDecay({ rate: 1, decayRate: 0.5, transitionSteps: 10 })(5)).toBeCloseTo(Math.SQRT1_2, 15)
    expect(O.exponentialDecay({ rate: 1, decayRate: 0.5, transitionSteps: 10, staircase: true })(19)).toBe(0.5)
    const cos = O.cosineDecay({ rate: 2, decaySteps: 100, alpha: 0.1 })
    expect([cos(0), cos(50), cos(100), cos(500)].map((v) => +v.toFixed(12))).toEqual([2, 1.1, 0.2, 0.2])
  })
})

describe('every optimizer reduces the loss of a small regression', () => {
  const spec = uniform([3, 1], 'identity', 'squaredError', 'mean')
  const [kx, kw] = split(key(4), 2)
  const x = normal(kx!, 3, 32)
  const y = M.matmul(x)(normal(kw!, 1, 3))
  const optimizers: ReadonlyArray<[string, O.Optimizer<unknown>]> = [
    ['sgd', O.sgd(0.1)],
    ['momentum', O.momentum(0.05, 0.9)],
    ['nesterov', O.momentum(0.05, 0.9, { nesterov: true })],
    ['adam', O.adam(0.05)],
    ['clipped sgd with decay', O.chain(O.clipByGlobalNorm(1), O.addDecayedWeights(1e-4), O.scaleByLearningRate(O.cosineDecay({ rate: 0.1, decaySteps: 50 })))]
  ]
  it.each(optimizers)('%s', (_, opt) => {
    const params = I.init(I.glorotUniform)(key(5), spec)
    const result = train(spec, opt)(initialState(opt)(params), repeat({ x, y }, 50))
    const first = train(spec, opt)(initialState(opt)(params), repeat({ x, y }, 1))
    expect(E.isRight(result) && E.isRight(first)).toBe(true)
    if (E.isRight(result) && E.isRight(first)) expect(result.right.loss!).toBeLessThan(0.5 * first.right.loss!)
  })
})

describe('updateAndApply', () => {
  const spec = uniform([3, 4, 2], 'tanh', 'squaredError', 'mean')
  const bits = (p: Params): Array<string> => p.flatMap(({ W, b }) => [...W.data, ...b.data].map((v) => (Object.is(v, -0) ? '-0' : String(v))))
  const fused: ReadonlyArray<[string, O.Optimizer<unknown>]> = [
    ['sgd', O.sgd(0.3)],
    ['nesterov', O.momentum(0.05, 0.9, { nesterov: true })],
    ['adam with a cosine schedule', O.adam(O.cosineDecay({ rate: 0.1, decaySteps: 5 }))],
    ['clipping and weight decay before the rate', O.chain(O.clipByGlobalNorm(1), O.addDecayedWeights(1e-2), O.scaleByLearningRate(0.2))]
  ]

  it.each(fused)('%s: the fused path gives the same parameters and state, bit for bit, step after step', (_, opt) => {
    expect(fusionOf(opt).updateAndApply).toBeDefined()
    const keys = split(key(11), 6)
    let params = I.init(I.glorotUniform)(keys[0]!, spec)
    let fusedParams = params
    let state = opt.init(params), fusedState = state
    for (const k of keys.slice(1)) {
      const grads = I.init(I.standardNormal)(k, spec)
      const [updates, next] = opt.update(grads, state, params)
      ;[fusedParams, fusedState] = updateAndApply(opt)(grads, fusedState, fusedParams)
      params = O.applyUpdates(params, updates)
      state = next
      expect(bits(fusedParams)).toEqual(bits(params))
      expect(fusedState).toEqual(state)
    }
  })

  it('falls back to update then applyUpdates for an optimizer without a fused path', () => {
    const opt = O.applyIfFinite(O.sgd(0.5))
    expect(fusionOf(opt).updateAndApply).toBeUndefined()
    const [next, state] = updateAndApply(opt)(g, opt.init(theta), theta)
    close(flat(next), [0.95, 2.1, 0.35])
    expect(state.skipped).toBe(0)
  })
})

describe('gradientScale', () => {
  const spec = uniform([3, 4, 2], 'tanh', 'squaredError', 'mean')
  const bits = (p: Params): Array<string> => p.flatMap(({ W, b }) => [...W.data, ...b.data].map((v) => (Object.is(v, -0) ? '-0' : String(v))))

  it.each([
    ['sgd(0.3)', O.sgd(0.3)],
    ['sgd with exponential decay', O.sgd(O.exponentialDecay({ rate: 0.5, decayRate: 0.7, transitionSteps: 2 }))]
  ] as const)('%s: the updates are the gradients times the scale it returns, with the same next state', (_, opt) => {
    const keys = split(key(12), 5)
    let state = opt.init(theta)
    for (const k of keys) {
      const grads = I.init(I.standardNormal)(k, spec)
      const [updates, next] = opt.update(grads, state, grads)
      const [scale, scaled] = fusionOf(opt).gradientScale!(state)
      expect(bits(updates)).toEqual(bits(grads.map(({ W, b }) => ({ W: M.scale(scale)(W), b: M.scale(scale)(b) }))))
      expect(scaled).toEqual(next)
      state = next
    }
  })

  it('only optimizers whose updates are scaled gradients have it', () => {
    expect(fusionOf(O.scaleByLearningRate(0.1)).gradientScale).toBeDefined()
    for (const opt of [O.momentum(0.1), O.adam(0.1), O.chain(O.clipByGlobalNorm(1), O.scaleByLearningRate(0.1)), O.applyIfFinite(O.sgd(0.1))]) {
      expect(fusionOf(opt as O.Optimizer).gradientScale).toBeUndefined()
    }
  })
})
