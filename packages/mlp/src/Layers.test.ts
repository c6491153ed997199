import * as E from 'fp-ts/lib/Either.js'
import { gradCheck } from '@puregrad/grad/GradCheck'
import * as M from '@puregrad/tensor/Matrix'
import { foldIn, key, uniform } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as Codec from './Codec.js'
import { batches } from './Data.js'
import * as I from './Init.js'
import * as Mlp from './Mlp.js'
import * as O from './Optimizer.js'
import type { LayeredSpec } from './Spec.js'
import { parameterCountOf, parameterisedLayersOf, shapesOf, validateSpec } from './Spec.js'
import * as T from './Train.js'

/** A small CNN over 1×6×6 images with every kind: conv, pooling, layer norm, dropout, dense. */
const cnn: LayeredSpec = {
  inputs: { channels: 1, height: 6, width: 6 },
  layers: [
    { kind: 'conv2d', filters: 3, kernel: 3, padding: 1, activation: 'tanh' },
    { kind: 'maxPool2d', kernel: 2 },
    { kind: 'conv2d', filters: 4, kernel: [2, 2], stride: 1, activation: 'relu' },
    { kind: 'avgPool2d', kernel: 2, stride: 1 },
    { kind: 'layerNorm' },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'dense', units: 3, activation: 'softmax' }
  ],
  loss: 'softmaxCrossEntropy',
  reduction: 'mean'
}

/** Example j is of class j mod 3: noise plus a bright pair of rows (rows 2c and 2c + 1 of the 6×6 image). */
const data = (seed: number, n: number) => {
  const noise = uniform(key(seed), 36, n, -0.5, 0.5)
  const x = M.makeBy(36, n, (i, j) => noise.data[i * n + j]! + (Math.floor(i / 12) === j % 3 ? 1 : 0))
  const y = M.makeBy(3, n, (i, j) => (i === j % 3 ? 1 : 0))
  return { x, y }
}

describe('a CNN is a spec like any other', () => {
  it('its shapes flow through the layers: images through conv and pooling, flat into dense', () => {
    expect(shapesOf(cnn).map((s) => [s.rows, s.image ? [s.image.channels, s.image.height, s.image.width] : null])).toEqual([
      [36, [1, 6, 6]],
      [108, [3, 6, 6]],
      [27, [3, 3, 3]],
      [16, [4, 2, 2]],
      [4, [4, 1, 1]],
      [4, [4, 1, 1]],
      [4, [4, 1, 1]],
      [3, null]
    ])
    expect(parameterisedLayersOf(cnn)).toEqual([
      { layer: 0, out: 3, in: 9 },
      { layer: 2, out: 4, in: 12 },
      { layer: 4, out: 4, in: 1 },
      { layer: 6, out: 3, in: 4 }
    ])
    expect(parameterCountOf(cnn)).toBe(30 + 52 + 8 + 15)
    const params = I.init(I.heNormal)(key(1), cnn)
    expect(params.map((p) => [p.W.rows, p.W.cols, p.b.rows])).toEqual([[3, 9, 3], [4, 12, 4], [4, 1, 4], [3, 4, 3]])
    expect(Array.from(params[2]!.W.data)).toEqual([1, 1, 1, 1]) // layer norm: γ = 1, β = 0, as PyTorch
  })
  it('validateSpec says why a layer does not fit what it is fed', () => {
    const withLayers = (layers: LayeredSpec['layers'], inputs: LayeredSpec['inputs'] = { channels: 1, height: 4, width: 4 }) =>
      validateSpec({ inputs, layers: [...layers, { kind: 'dense', units: 2, activation: 'sigmoid' }], loss: 'binaryCrossEntropy', reduction: 'sum' })
    expect(withLayers([{ kind: 'conv2d', filters: 2, kernel: 3, activation: 'relu' }], 16)).toEqual(
      E.left(['layers[0]: conv2d needs an image input: give the spec\'s inputs as { channels, height, width }, and put it after an image layer'])
    )
    expect(withLayers([{ kind: 'maxPool2d', kernel: 5 }])).toEqual(E.left(['layers[0]: a 5×5 kernel does not fit a 4×4 image with padding 0×0']))
    expect(withLayers([{ kind: 'dense', units: 3, activation: 'relu' }, { kind: 'avgPool2d', kernel: 2 }])).toEqual(E.left([expect.stringMatching(/^layers\[1\]: avgPool2d needs an image input/)]))
    expect(withLayers([{ kind: 'conv2d', filters: 0, kernel: [3], padding: -1, activation: 'softmax' } as never])).toEqual(
      E.left([
        'layers[0].filters: expected a positive integer, got 0',
        'layers[0].kernel: expected an integer ≥ 1 or a pair [h, w] of them, got [3]',
        'layers[0].padding: expected an integer ≥ 0 or a pair [h, w] of them, got -1',
        expect.stringMatching(/^layers\[0\]\.activation: expected one of sigmoid, tanh, relu, leakyRelu, identity, softplus, got "softmax"/)
      ])
    )
    expect(withLayers([{ kind: 'dropout', rate: 1 }, { kind: 'layerNorm', eps: -1 }])).toEqual(
      E.left(['layers[0].rate: expected a number in [0, 1), got 1', 'layers[1].eps: expected a finite number ≥ 0, got -1'])
    )
    expect(withLayers([], { channels: 0, height: 2, width: 'x' } as never)).toEqual(
      E.left(['inputs.channels: expected a positive integer, got 0', 'inputs.width: expected a positive integer, got "x"'])
    )
  })
  it('lossAndGradients differentiates every kind (GradCheck), with dropout on under the batch\'s key', () => {
    const params = I.init(I.glorotUniform)(key(2), cnn)
    const batch = { ...data(3, 5), key: key(4) }
    const { loss, grads } = Mlp.lossAndGradients(cnn)(params, batch)
    expect(loss).toBe(Mlp.loss(cnn)(params, batch))
    const check = gradCheck((p: Mlp.Params) => Mlp.loss(cnn)(p, batch))(params, grads)
    expect(check.passed ? true : check.worst).toBe(true)
    // objective: the same network as a Differentiable, dropout off (no key)
    const [value, pullback] = Mlp.objective(cnn)(batch.y)(params, batch.x)
    expect(value).toBe(Mlp.loss(cnn)(params, { x: batch.x, y: batch.y }))
    expect(M.equals(pullback(2)[0][0]!.W, M.scale(2)(Mlp.lossAndGradients({ ...cnn, layers: cnn.layers.filter((l) => l.kind !== 'dropout') })(params, batch).grads[0]!.W))).toBe(true)
  })
  it('dropout is off without a key (predict, loss), and training refuses a batch without one', () => {
    const params = I.init(I.glorotUniform)(key(2), cnn)
    const { x, y } = data(3, 4)
    const noDropout = { ...cnn, layers: cnn.layers.filter((l) => l.kind !== 'dropout') }
    expect(M.equals(Mlp.predict(cnn, params)(x), Mlp.predict(noDropout, params)(x))).toBe(true)
    expect(Mlp.loss(cnn)(params, { x, y, key: key(1) })).not.toBe(Mlp.loss(cnn)(params, { x, y }))
    expect(() => Mlp.lossAndGradients(cnn)(params, { x, y })).toThrow(/the spec has dropout, so each training batch needs its own key/)
    expect(() => Mlp.predict(cnn, params.slice(1))).toThrow(/the spec has 4 layers with parameters, the parameters 3/)
    expect(() => Mlp.predict(cnn, [params[1]!, ...params.slice(1)])).toThrow(/parameters 0 \(layer 0, conv2d\) expect W 3×9 and b 3×1, got W 4×12 and b 4×1/)
  })
  it('trains with Train like any spec, deterministically, and saves and loads to the same bits', () => {
    const { x, y } = data(5, 60)
    const labels = Array.from({ length: 60 }, (_, j) => j % 3)
    const opt = O.adam(0.02)
    const run = () => {
      const steps = [...batches(key(6), { x, y }, { batchSize: 20, epochs: 30 })].map((b, i) => ({ ...b, key: foldIn(key(7), i) }))
      return T.train(Mlp.lossAndGradients(cnn), opt)(T.initialState(opt)(I.init(I.heNormal)(key(8), cnn)), steps)
    }
    const [a, b] = [run(), run()]
    if (E.isLeft(a) || E.isLeft(b)) throw new Error('diverged')
    expect(a.right.params.every((p, l) => M.equals(p.W, b.right.params[l]!.W) && M.equals(p.b, b.right.params[l]!.b))).toBe(true)
    const start = Mlp.loss(cnn)(I.init(I.heNormal)(key(8), cnn), { x, y })
    expect(Mlp.loss(cnn)(a.right.params, { x, y })).toBeLessThan(start / 2)
    const predicted = Array.from({ length: 60 }, (_, j) => { const p = M.columnValues(Mlp.predict(cnn, a.right.params)(x), j); return p.indexOf(Math.max(...p)) })
    expect(predicted.filter((p, j) => p === labels[j]).length).toBeGreaterThan(55)

    const file = Codec.encodeModel(cnn, a.right.params)
    if (E.isLeft(file)) throw new Error(file.left)
    const back = Codec.decodeModel(JSON.parse(JSON.stringify(file.right)))
    if (E.isLeft(back)) throw new Error(back.left.join('\n'))
    expect(back.right.spec).toEqual(cnn)
    expect(back.right.params.every((p, l) => M.equals(p.W, a.right.params[l]!.W) && M.equals(p.b, a.right.params[l]!.b))).toBe(true)
  })
  it('a model file with a wrong parameter shape or a huge layer is refused with its path', () => {
    const params = I.init(I.heNormal)(key(8), cnn)
    const file = JSON.parse(JSON.stringify(E.getOrElseW(() => null)(Codec.encodeModel(cnn, params))))
    expect(Codec.decodeModel({ ...file, layers: file.layers.slice(1) })).toEqual(
      E.left(['layers: expected 4 records { W, b }, one per layer with parameters (dense, conv2d, layerNorm), got 3'])
    )
    file.layers[1].W.forEach((row: Array<number>) => row.pop())
    expect(Codec.decodeModel(file)).toEqual(E.left(['layers[1].W: expected 4×12, got 4×11']))
    const huge = { ...file, spec: { ...file.spec, inputs: { channels: 1, height: 4096, width: 4097 } } }
    expect(Codec.decodeModel(huge)).toEqual(E.left(['spec.inputs: 16,781,312 values per example, more than the limit of 16,777,216']))
    const wide = { ...file, spec: { ...file.spec, inputs: { channels: 1, height: 2048, width: 2048 }, layers: [{ kind: 'conv2d', filters: 8, kernel: 1, activation: 'relu' }, ...file.spec.layers.slice(1)] } }
    expect(Codec.decodeModel(wide)).toEqual(E.left(['spec.layers[0]: 33,554,432 values per example, more than the limit of 16,777,216']))
  })
})
