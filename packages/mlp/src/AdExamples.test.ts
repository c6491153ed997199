/**
 * The autodiff examples of @puregrad/grad (forward code only, gradients from Ad.valueAndGrad) trained with this
 * package's optimizers, each to a stated result on a small seeded task.
 */
import * as Ad from '@puregrad/grad/Ad'
import { allBitSequences, spirals } from '@puregrad/grad/examples/data'
import * as Rnn from '@puregrad/grad/examples/ElmanRnn'
import * as LN from '@puregrad/grad/examples/LayerNorm'
import * as Residual from '@puregrad/grad/examples/ResidualBlock'
import * as Tied from '@puregrad/grad/examples/TiedAutoencoder'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import type { Tree } from '@puregrad/tensor/Tree'
import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import * as Codec from './Codec.js'
import * as Data from './Data.js'
import * as Metrics from './Metrics.js'
import * as O from './Optimizer.js'
import * as T from './Train.js'

/** `steps` steps of Train on f's gradient from p0 (the same arguments every step): the final parameters and their loss. */
const fit = <P extends Tree, S, Args extends ReadonlyArray<unknown>>(f: (p: P, ...args: Args) => Matrix, optimizer: O.Optimizer<S>, p0: P, steps: number, ...args: Args) => {
  const valueAndGrad = Ad.valueAndGrad(f)
  const objective = (p: P, batch: Args) => {
    const { value, grads } = valueAndGrad(p, ...batch)
    return { loss: value, grads }
  }
  const result = T.train(objective, optimizer)(T.initialState(optimizer)(p0), Array.from({ length: steps }, () => args))
  if (E.isLeft(result)) throw new Error(result.left.message)
  return { params: result.right.params, loss: result.right.loss! }
}

describe('Ad examples train with the optimizers', () => {
  const { x, labels } = spirals(key(1), 3, 50) // 150 points on three interleaved spiral arms

  it('the residual block classifies three spirals: 100% training accuracy after 400 Adam steps', () => {
    const { params, loss } = fit(Residual.loss, O.adam(0.03), Residual.init(key(2), 2, 16, 3), 400, x, labels)
    expect(Residual.accuracy(params, x, labels)).toBe(1)
    expect(loss).toBeLessThan(0.05)
  })

  it('the layer-norm classifier does too: 100% after 400 Adam steps', () => {
    const { params } = fit(LN.loss, O.adam(0.03), LN.init(key(2), 2, 16, 3), 400, x, labels)
    expect(LN.accuracy(params, x, labels)).toBe(1)
  })

  it('the tied autoencoder reconstructs 6-D data near a plane to within 10% of its energy in 1500 Adam steps', () => {
    const [ka, kz, kn] = split(key(3), 3)
    const plane = normal(ka!, 6, 2)
    const data = M.add(M.scale(0.02)(normal(kn!, 6, 200)))(M.scale(0.3)(M.matmul(normal(kz!, 2, 200))(plane)))
    const energy = (0.5 * M.inner(data, data)) / data.cols // the loss of reconstructing everything as 0
    const { loss } = fit(Tied.loss, O.adam(0.05), Tied.init(key(4), 6, 2), 1500, data)
    expect(loss / energy).toBeLessThan(0.1) // measured: 0.064
  })

  it('the Elman RNN learns the majority of 7 bits, read one step at a time: all 128 sequences right after 300 Adam steps', () => {
    const steps = 7
    const xs = allBitSequences(steps)
    const y = M.makeBy(1, xs.cols, (_, j) => (Array.from({ length: steps }, (_, t) => M.get(xs, t, j)).reduce((a, b) => a + b) > steps / 2 ? 1 : 0))
    const { params } = fit(Rnn.loss, O.adam(0.03), Rnn.init(key(5), 1, 8), 300, xs, y, steps)
    const z = Rnn.logit(params, xs, steps)
    expect(Array.from(z.data).every((v, j) => (v > 0 ? 1 : 0) === y.data[j])).toBe(true)
  })
})

describe('Ad.objective with plain SGD', () => {
  it('takes Train.step\'s fused route (W stepped in its product\'s epilogue) with the bits of gradients then update', () => {
    const { x, labels } = spirals(key(6), 3, 20)
    const [ka, kz] = split(key(7), 2)
    const data = M.matmul(normal(kz!, 2, 40))(normal(ka!, 6, 2))
    const xs = allBitSequences(5)
    const cases: ReadonlyArray<readonly [string, (p: never, batch: never) => Matrix, Tree, unknown]> = [
      ['residual block', (p: Residual.Params, b: typeof x) => Residual.loss(p, b, labels), Residual.init(key(2), 2, 8, 3), x],
      ['layer norm', (p: LN.Params, b: typeof x) => LN.loss(p, b, labels), LN.init(key(2), 2, 8, 3), x],
      ['tied autoencoder (W used twice: stepped after the sweep)', Tied.loss, Tied.init(key(4), 6, 2), data],
      ['Elman RNN (weights shared across steps)', (p: Rnn.Params, b: Matrix) => Rnn.loss(p, b, M.zeros(1, b.cols), 5), Rnn.init(key(5), 1, 4), xs]
    ]
    const opt = O.sgd(O.exponentialDecay({ rate: 0.3, transitionSteps: 2, decayRate: 0.5 }))
    const generic: O.Optimizer<readonly [O.CountState]> = { init: opt.init, update: opt.update } // no fast paths
    for (const [, f, p0, batch] of cases) {
      const objective = Ad.objective(f as (p: Tree, b: unknown) => Matrix)
      let fused = T.initialState(opt)(p0), reference = T.initialState(generic)(p0)
      for (let i = 0; i < 4; i++) {
        const a = T.step(objective, opt)(fused, batch), b = T.step(objective, generic)(reference, batch)
        expect(Object.is(a.loss, b.loss)).toBe(true)
        ;[fused, reference] = [a.next, b.next]
        expect(Codec.encodeParams(fused.params)).toEqual(Codec.encodeParams(reference.params))
      }
    }
  })
})

describe('a whole pipeline for a model that is not an MLP', () => {
  it('residual block: stratified split, mini-batches, Train.scan, early stopping on the validation loss, a params file', () => {
    const all = spirals(key(11), 3, 60)
    const data = Data.split(key(12), { x: all.x, y: all.labels }, { train: 0.6, validation: 0.2, test: 0.2 }, { stratify: true })
    const scale = Data.standardize(data.train.x)
    const [train, validation, test] = [data.train, data.validation!, data.test!].map((d) => ({ x: scale.apply(d.x), y: d.y }))
    const valueAndGrad = Ad.valueAndGrad(Residual.loss)
    const objective = (p: Residual.Params, b: Data.Dataset) => {
      const { value, grads } = valueAndGrad(p, b.x, b.y)
      return { loss: value, grads }
    }
    const validationLoss = (s: T.TrainState<unknown, Residual.Params>) => Residual.loss(s.params, validation.x, validation.y).data[0]!
    const optimizer = O.adam(0.02)
    const state0 = T.initialState(optimizer)(Residual.init(key(13), 2, 16, 3))
    const result = T.earlyStopping({ patience: 5, every: 20, monitor: validationLoss })(
      T.scan(objective, optimizer)(state0, Data.batches(key(14), train, { batchSize: 16, epochs: 150 }))
    )
    expect(result._tag).toBe('Some')
    if (result._tag === 'None') return
    const { best, bestScore, history } = result.value
    expect(bestScore).toBe(validationLoss(best)) // the kept parameters are the ones that scored it
    expect(history.length).toBeGreaterThan(0)
    const predicted = (p: Residual.Params, x: Matrix) => Data.argmax(Residual.logits(p, x))
    const testAccuracy = Metrics.accuracy(predicted(best.params, test.x), Array.from(test.y.data))
    expect(testAccuracy).toBeGreaterThanOrEqual(0.9)
    // Saved and loaded as a params file, checked against the model's own structure: the same predictions.
    const file = Codec.encodeParams(best.params)
    if (E.isLeft(file)) throw new Error(file.left)
    const loaded = Codec.decodeParams(JSON.parse(JSON.stringify(file.right)), { like: best.params })
    if (E.isLeft(loaded)) throw new Error(loaded.left.join('; '))
    expect(predicted(loaded.right, test.x)).toEqual(predicted(best.params, test.x))
  })
})
