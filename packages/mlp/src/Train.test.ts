import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as Opt from 'fp-ts/lib/Option.js'
import * as M from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import { batches, repeat } from './Data.js'
import * as I from './Init.js'
import * as Mlp from './Mlp.js'
import * as O from './Optimizer.js'
import type { MlpSpec } from './Spec.js'
import { notebookXor, uniform, validateSpec } from './Spec.js'
import * as T from './Train.js'
import { xor } from './testing/xor.js'

/** The seed the demo pins: it converges under the notebook's recipe. */
const XOR_SEED = 1

describe('the notebook recipe', () => {
  it('learns XOR from a pinned seed: all four outputs within 0.05 of 0, 1, 1, 0', () => {
    // widths [2, 2, 1], sigmoid everywhere, BCE summed, standardNormal init, learning rate 1.0, 1000 full-batch steps
    const opt = O.sgd(1)
    const params = I.init(I.standardNormal)(key(XOR_SEED), notebookXor)
    const result = T.train(notebookXor, opt)(T.initialState(opt)(params), repeat(xor, 1000))
    expect(E.isRight(result)).toBe(true)
    if (E.isLeft(result)) return
    const out = Array.from(Mlp.predict(notebookXor, result.right.params)(xor.x).data)
    out.forEach((v, i) => expect(Math.abs(v - [0, 1, 1, 0][i]!)).toBeLessThan(0.05))
    expect(result.right.step).toBe(1000)
    expect(result.right.loss).toBeLessThan(0.05)
  })
  it('is deterministic: two runs from one seed give bit-identical parameters and losses', () => {
    const run = () => {
      const opt = O.adam(0.05)
      const spec = uniform([2, 4, 1], 'tanh', 'meanSquaredError', 'mean')
      const params = I.init(I.glorotUniform)(key(77), spec)
      return T.history(T.scan(spec, opt)(T.initialState(opt)(params), batches(key(78), xor, { batchSize: 3, epochs: 40 })))
    }
    const a = run()
    const b = run()
    expect(a.length).toBe(80)
    expect(a.map((h) => Object.is(h.loss, b[a.indexOf(h)]!.loss)).every(Boolean)).toBe(true)
    const final = (seed: number) => {
      const opt = O.sgd(1)
      const r = T.train(notebookXor, opt)(T.initialState(opt)(I.init(I.standardNormal)(key(seed), notebookXor)), repeat(xor, 200))
      return E.isRight(r) ? r.right.params : []
    }
    const p1 = final(3), p2 = final(3)
    expect(p1.every((p, l) => M.equals(p.W, p2[l]!.W) && M.equals(p.b, p2[l]!.b))).toBe(true)
  })
})

describe('the folded gradient step', () => {
  const bits = (p: Mlp.Params): Array<string> => p.flatMap(({ W, b }) => [...W.data, ...b.data].map((v) => (Object.is(v, -0) ? '-0' : String(v))))
  const specs: ReadonlyArray<MlpSpec> = [
    notebookXor,
    { widths: [3, 5, 4, 3], activations: ['relu', 'tanh', 'softmax'], loss: 'softmaxCrossEntropy', reduction: 'mean' },
    { widths: [2, 3, 1], activations: ['softplus', 'leakyRelu'], loss: 'meanSquaredError', reduction: 'sum' }
  ]
  it.each(specs)('sgd steps folded into the backward pass equal update then apply, bit for bit ($activations)', (spec) => {
    expect(E.isRight(validateSpec(spec))).toBe(true)
    const opt = O.sgd(O.cosineDecay({ rate: 0.5, decaySteps: 4 }))
    expect(opt.gradientScale).toBeDefined()
    // The same optimizer without gradientScale (or its fused update): Train.step's generic path.
    const generic: O.Optimizer<readonly [O.CountState]> = { init: opt.init, update: opt.update }
    const [kx, ky, kp] = split(key(3), 3)
    const outputs = spec.widths[spec.widths.length - 1]!
    const x = normal(kx!, spec.widths[0]!, 4)
    const y = spec.loss === 'meanSquaredError' ? normal(ky!, outputs, 4) : M.makeBy(outputs, 4, (i, j) => (i === j % outputs ? 1 : 0))
    let folded = T.initialState(opt)(I.init(I.glorotUniform)(kp!, spec))
    let reference = T.initialState(generic)(folded.params)
    for (let i = 0; i < 6; i++) {
      folded = T.step(spec, opt)(folded, { x, y })
      reference = T.step(spec, generic)(reference, { x, y })
      expect(bits(folded.params)).toEqual(bits(reference.params))
      expect(folded.loss).toBe(reference.loss)
      expect(folded.optState).toEqual(reference.optState)
    }
  })
})

describe('fold and scan', () => {
  const opt = O.sgd(1)
  const state0 = T.initialState(opt)(I.init(I.standardNormal)(key(XOR_SEED), notebookXor))

  it('train is the last state of scan, and step is one fold step', () => {
    const states = [...T.scan(notebookXor, opt)(state0, repeat(xor, 5))]
    expect(states.map((s) => s.step)).toEqual([1, 2, 3, 4, 5])
    const trained = T.train(notebookXor, opt)(state0, repeat(xor, 5))
    expect(E.isRight(trained) && trained.right).toEqual(states[4])
    const once = T.step(notebookXor, opt)(state0, xor)
    expect(once).toEqual(states[0])
    expect(once.loss).toBe(Mlp.loss(notebookXor)(state0.params, xor))
    expect(state0.step).toBe(0) // inputs untouched
  })
  it('history, stopWhen, tap and last compose as consumers', () => {
    const seen: Array<number> = []
    const stopped = pipe(
      T.scan(notebookXor, opt)(state0, repeat(xor, 1000)),
      T.stopWhen((s) => s.loss! < 1.0),
      T.tap((s) => seen.push(s.step)),
      T.last
    )
    expect(Opt.isSome(stopped)).toBe(true)
    if (Opt.isNone(stopped)) return
    expect(stopped.value.loss).toBeLessThan(1.0)
    expect(seen.length).toBe(stopped.value.step)
    const h = T.history(T.scan(notebookXor, opt)(state0, repeat(xor, stopped.value.step)))
    expect(h.slice(0, -1).every((e) => e.loss >= 1.0)).toBe(true)
    expect(Opt.isNone(T.last(T.scan(notebookXor, opt)(state0, [])))).toBe(true)
  })
  it('earlyStopping keeps the best parameters and stops after `patience` steps without improvement', () => {
    // A learning rate so large that the loss oscillates: the best state is not the last.
    const wild = O.sgd(60)
    const s0 = T.initialState(wild)(state0.params)
    const result = T.earlyStopping({ patience: 5, minDelta: 1e-3 })(T.scan(notebookXor, wild)(s0, repeat(xor, 500)))
    expect(Opt.isSome(result)).toBe(true)
    if (Opt.isNone(result)) return
    const { best, last, stoppedEarly } = result.value
    expect(stoppedEarly).toBe(true)
    expect(last.step - best.step).toBe(5)
    const all = T.history(T.scan(notebookXor, wild)(s0, repeat(xor, last.step)))
    expect(best.loss).toBe(Math.min(...all.map((e) => e.loss)))
    // Without enough steps to run out of patience, it reports the best so far and stoppedEarly false.
    const short = T.earlyStopping({ patience: 1000 })(T.scan(notebookXor, opt)(state0, repeat(xor, 10)))
    expect(Opt.isSome(short) && [short.value.stoppedEarly, short.value.last.step, short.value.best.step]).toEqual([false, 10, 10])
  })
  it('a non-finite loss stops training with a clear error value and the last good state', () => {
    // A linear net on inputs of 1e200: z ≈ 1e200, so ½‖z − y‖² overflows to Infinity at the third batch.
    const linear = uniform([2, 1], 'identity', 'meanSquaredError', 'sum')
    const s0 = T.initialState(opt)(I.init(I.glorotUniform)(key(1), linear))
    const small = { x: xor.x, y: xor.y }
    const huge = { x: M.fill(2, 4, 1e200), y: xor.y }
    const result = T.train(linear, O.sgd(0.01))(s0, [small, small, huge, small])
    expect(E.isLeft(result)).toBe(true)
    if (E.isRight(result)) return
    expect(result.left._tag).toBe('NonFiniteLoss')
    expect(result.left.step).toBe(3)
    expect(result.left.last.step).toBe(2)
    expect(result.left.message).toMatch(/^the loss became (NaN|Infinity) at step 3/)
    expect([...T.scan(linear, O.sgd(0.01))(s0, [small, huge, small, small])].length).toBe(2)
  })
  it('parameters that become non-finite are divergence too, at the last step as well (the loss was still finite)', () => {
    // lr 1.7e308: the first update overflows the bias to ±Infinity, while the loss it started from was finite.
    const wild = O.sgd(1.7e308)
    const s0 = T.initialState(wild)(I.init(I.standardNormal)(key(1), notebookXor))
    for (const steps of [1, 5]) {
      const result = T.train(notebookXor, wild)(s0, repeat(xor, steps))
      expect(E.isLeft(result)).toBe(true)
      if (E.isRight(result)) return
      expect([result.left.cause, result.left.step, result.left.last.step]).toEqual(['parameters', 1, 0])
      expect(Number.isFinite(result.left.loss)).toBe(true)
      expect(result.left.message).toMatch(/^the parameters became non-finite at step 1/)
    }
    expect([...T.scan(notebookXor, wild)(s0, repeat(xor, 5))].length).toBe(1)
  })
  it('a non-finite loss at the first step blames the data or the starting parameters, not the learning rate', () => {
    const linear = uniform([2, 1], 'identity', 'meanSquaredError', 'sum')
    const s0 = T.initialState(opt)(I.init(I.glorotUniform)(key(1), linear))
    const result = T.train(linear, O.sgd(0.01))(s0, [{ x: M.fill(2, 4, 1e200), y: xor.y }])
    expect(E.isLeft(result) && result.left.message).toMatch(/^the loss was Infinity at the starting parameters \(step 1, before any update\): check the data/)
  })
})
