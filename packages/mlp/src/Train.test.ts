import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as Opt from 'fp-ts/lib/Option.js'
import * as M from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import * as Threads from '@puregrad/tensor/Threads'
import { Kernel } from '@puregrad/tensor/internal/engine'
import { describe, expect, it } from 'vitest'
import { batches, repeat } from './Data.js'
import * as I from './Init.js'
import * as Mlp from './Mlp.js'
import * as O from './Optimizer.js'
import type { WidthsSpec } from './Spec.js'
import { notebookXor, uniform, validateSpec } from './Spec.js'
import * as T from './Train.js'
import { fusionOf } from './internal/fusion.js'
import * as V from '@puregrad/grad/Vjp'
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
      const spec = uniform([2, 4, 1], 'tanh', 'squaredError', 'mean')
      const params = I.init(I.glorotUniform)(key(77), spec)
      return T.history(T.scan(spec, opt)(T.initialState(opt)(params), batches(key(78), xor, { batchSize: 3, epochs: 40 })))
    }
    const a = run()
    const b = run()
    expect(a.length).toBe(81) // 80 batches, then the final parameters evaluated once
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
  const specs: ReadonlyArray<WidthsSpec> = [
    notebookXor,
    { widths: [3, 5, 4, 3], activations: ['relu', 'tanh', 'softmax'], loss: 'softmaxCrossEntropy', reduction: 'mean' },
    { widths: [2, 3, 1], activations: ['softplus', 'leakyRelu'], loss: 'squaredError', reduction: 'sum' }
  ]
  it.each(specs)('sgd steps folded into the backward pass equal update then apply, bit for bit ($activations)', (spec) => {
    expect(E.isRight(validateSpec(spec))).toBe(true)
    const opt = O.sgd(O.cosineDecay({ rate: 0.5, decaySteps: 4 }))
    expect(fusionOf(opt).gradientScale).toBeDefined()
    // The same optimizer without its registered fast paths: Train.step's generic path.
    const generic: O.Optimizer<readonly [O.CountState]> = { init: opt.init, update: opt.update }
    const [kx, ky, kp] = split(key(3), 3)
    const outputs = spec.widths[spec.widths.length - 1]!
    const x = normal(kx!, spec.widths[0]!, 4)
    const y = spec.loss === 'squaredError' ? normal(ky!, outputs, 4) : M.makeBy(outputs, 4, (i, j) => (i === j % outputs ? 1 : 0))
    let folded = T.initialState(opt)(I.init(I.glorotUniform)(kp!, spec))
    let reference = T.initialState(generic)(folded.params)
    for (let i = 0; i < 6; i++) {
      const a = T.step(spec, opt)(folded, { x, y })
      const b = T.step(spec, generic)(reference, { x, y })
      ;[folded, reference] = [a.next, b.next]
      expect(bits(folded.params)).toEqual(bits(reference.params))
      expect(a.loss).toBe(b.loss)
      expect(folded.optState).toEqual(reference.optState)
    }
  })
})

describe('fold and scan', () => {
  const opt = O.sgd(1)
  const state0 = T.initialState(opt)(I.init(I.standardNormal)(key(XOR_SEED), notebookXor))

  it('scan yields each batch\'s state with the loss at its own parameters, then the final state evaluated once', () => {
    const states = [...T.scan(notebookXor, opt)(state0, repeat(xor, 5))]
    expect(states.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5])
    // The invariant: every state's loss is the loss at that state's parameters (here every batch is the full set).
    states.forEach((s) => expect(s.loss).toBe(Mlp.loss(notebookXor)(s.params, xor)))
    expect(states[0]!.params).toBe(state0.params)
    const trained = T.train(notebookXor, opt)(state0, repeat(xor, 5))
    expect(E.isRight(trained) && trained.right).toEqual(states[5])
    const once = T.step(notebookXor, opt)(state0, xor)
    expect(once.loss).toBe(states[0]!.loss)
    expect(once.next).toEqual({ ...states[1]!, loss: null })
    expect(state0.step).toBe(0) // inputs untouched
    expect([...T.scan(notebookXor, opt)(state0, [])]).toEqual([])
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
    expect(seen.length).toBe(stopped.value.step + 1)
    expect(Mlp.loss(notebookXor)(stopped.value.params, xor)).toBe(stopped.value.loss) // the params that reached it
    const h = T.history(T.scan(notebookXor, opt)(state0, repeat(xor, stopped.value.step)))
    expect(h.slice(0, -1).every((e) => e.loss >= 1.0)).toBe(true)
    expect(Opt.isNone(T.last(T.scan(notebookXor, opt)(state0, [])))).toBe(true)
  })
  it('earlyStopping keeps the best parameters, whose own loss is the best loss, and stops after `patience` steps', () => {
    // A learning rate so large that the loss oscillates: the best state is not the last.
    const wild = O.sgd(60)
    const s0 = T.initialState(wild)(state0.params)
    const result = T.earlyStopping({ patience: 5, minDelta: 1e-3 })(T.scan(notebookXor, wild)(s0, repeat(xor, 500)))
    expect(Opt.isSome(result)).toBe(true)
    if (Opt.isNone(result)) return
    const { best, bestScore, last, stoppedEarly, history } = result.value
    expect(stoppedEarly).toBe(true)
    expect(last.step - best.step).toBe(5)
    // The invariant the old design broke (best loss 3.77, loss at the returned parameters 202): here they agree.
    expect(Mlp.loss(notebookXor)(best.params, xor)).toBe(best.loss)
    expect(bestScore).toBe(best.loss)
    const all = T.history(T.scan(notebookXor, wild)(s0, repeat(xor, last.step)))
    expect(best.loss).toBe(Math.min(...all.map((e) => e.loss)))
    expect(history.map((e) => e.loss)).toEqual(all.map((e) => e.loss)) // scan over last.step batches ends at `last`
    // Without enough steps to run out of patience, it reports the best so far and stoppedEarly false.
    const short = T.earlyStopping({ patience: 1000 })(T.scan(notebookXor, opt)(state0, repeat(xor, 10)))
    expect(Opt.isSome(short) && [short.value.stoppedEarly, short.value.last.step, short.value.best.step]).toEqual([false, 10, 10])
  })
  it('earlyStopping on a validation monitor every k steps, patience in evaluations, history in the same pass', () => {
    // Train on two XOR points, monitor the loss on the other two: a held-out loss that training does not minimise.
    const train2 = { x: M.unsafeFromArray(2, 2, [0, 1, 0, 1]), y: M.row([0, 1]) }
    const held = { x: M.unsafeFromArray(2, 2, [1, 0, 0, 1]), y: M.row([1, 0]) }
    const validation = (s: T.TrainState<unknown>) => Mlp.loss(notebookXor)(s.params, held)
    const monitored: Array<number> = []
    const result = T.earlyStopping({ patience: 3, every: 10, monitor: (s: T.TrainState<unknown>) => (monitored.push(s.step), validation(s)) })(
      T.scan(notebookXor, opt)(state0, repeat(train2, 2000))
    )
    expect(Opt.isSome(result)).toBe(true)
    if (Opt.isNone(result)) return
    const { best, bestScore, history, last, stoppedEarly } = result.value
    expect(monitored.every((step) => step % 10 === 0)).toBe(true)
    expect(bestScore).toBe(validation(best))
    expect(Math.min(...history.flatMap((e) => (e.score === undefined ? [] : [e.score])))).toBe(bestScore)
    expect(history).toHaveLength(last.step + 1)
    if (stoppedEarly) expect(history.filter((e) => e.score !== undefined && e.step > best.step)).toHaveLength(3)
    expect(() => T.earlyStopping({ patience: 0 })).toThrow(RangeError)
    expect(() => T.earlyStopping({ patience: 2, every: 1.5 })).toThrow(RangeError)
  })
  it('a non-finite loss stops training with a clear error value and the last good state', () => {
    // A linear net on inputs of 1e200: z ≈ 1e200, so ½‖z − y‖² overflows to Infinity at the third batch.
    const linear = uniform([2, 1], 'identity', 'squaredError', 'sum')
    const s0 = T.initialState(opt)(I.init(I.glorotUniform)(key(1), linear))
    const small = { x: xor.x, y: xor.y }
    const huge = { x: M.fill(2, 4, 1e200), y: xor.y }
    const result = T.train(linear, O.sgd(0.01))(s0, [small, small, huge, small])
    expect(E.isLeft(result)).toBe(true)
    if (E.isRight(result)) return
    expect(result.left._tag).toBe('NonFiniteLoss')
    expect([result.left.cause, result.left.step, result.left.last.step]).toEqual(['loss', 2, 1])
    expect(result.left.message).toMatch(/^the loss became (NaN|Infinity) at step 2/)
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
      expect(result.left.message).toMatch(/^the parameters became non-finite at step 1/)
    }
    expect([...T.scan(notebookXor, wild)(s0, repeat(xor, 5))].length).toBe(2)
  })
  it('a non-finite loss at the starting parameters blames the data or the starting parameters, not the learning rate', () => {
    const linear = uniform([2, 1], 'identity', 'squaredError', 'sum')
    const s0 = T.initialState(opt)(I.init(I.glorotUniform)(key(1), linear))
    const result = T.train(linear, O.sgd(0.01))(s0, [{ x: M.fill(2, 4, 1e200), y: xor.y }])
    expect(E.isLeft(result) && result.left.message).toMatch(/^the loss was Infinity at the starting parameters \(before any update\): check the data/)
  })
})

describe('any objective', () => {
  it('trains a hand-written objective (a Differentiable from Vjp) with the same bits as the MLP route', () => {
    const objective = (p: Mlp.Params, batch: Mlp.Batch) => {
      const { value, dp } = V.valueAndGrad(Mlp.objective(notebookXor)(batch.y))(p, batch.x)
      return { loss: value, grads: dp }
    }
    const adam = O.adam(0.05)
    const s0 = T.initialState(adam)(I.init(I.standardNormal)(key(4), notebookXor))
    const viaObjective = T.train(objective, adam)(s0, repeat(xor, 50))
    const viaSpec = T.train(notebookXor, adam)(s0, repeat(xor, 50))
    expect(E.isRight(viaObjective) && E.isRight(viaSpec)).toBe(true)
    if (E.isLeft(viaObjective) || E.isLeft(viaSpec)) return
    expect(viaObjective.right.loss).toBe(viaSpec.right.loss)
    viaObjective.right.params.forEach((p, l) => expect(M.equals(p.W, viaSpec.right.params[l]!.W)).toBe(true))
  })
})

describe('threads', () => {
  it('a run gives the same bits with 1, 2 and 3 threads, fused SGD and Adam alike', () => {
    // Products of 600·128·112 = 8,601,600 multiply-adds: shared between threads when more than one is set.
    const spec = uniform([600, 128, 10], 'sigmoid', 'binaryCrossEntropy', 'sum')
    const [kp, kx, ky] = split(key(9), 3)
    const x = normal(kx!, 600, 112)
    const y = M.map((v: number) => (v > 0 ? 1 : 0))(normal(ky!, 10, 112))
    expect(600 * 128 * 112).toBeGreaterThanOrEqual(Kernel.THREAD_THRESHOLD)
    const params = I.init(I.glorotUniform)(kp!, spec)
    const run = (threads: number, optimizer: O.Optimizer<unknown>) =>
      Threads.withCount(threads, () => {
        const trained = T.train(spec, optimizer)(T.initialState(optimizer)(params), repeat({ x, y }, 8))
        if (E.isLeft(trained)) throw new Error(trained.left.message)
        return trained.right
      })
    for (const optimizer of [O.sgd(0.01), O.adam(0.01)] as ReadonlyArray<O.Optimizer<unknown>>) {
      const one = run(1, optimizer)
      for (const threads of [2, 3]) {
        const many = run(threads, optimizer)
        expect(Object.is(many.loss, one.loss)).toBe(true)
        many.params.forEach((p, l) => expect(M.equals(p.W, one.params[l]!.W) && M.equals(p.b, one.params[l]!.b)).toBe(true))
      }
    }
  })
})
