import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import { MAX_LAYERS, decodeModel, decodeParams, encodeModel, encodeParams, parameterCount } from './Codec.js'
import { MAX_ERRORS } from './errors.js'
import * as I from './Init.js'
import * as Mlp from './Mlp.js'
import { notebookXor } from './Spec.js'
import type { MlpSpec } from './Spec.js'

const example = {
  format: 'puregrad/mlp',
  version: 1,
  spec: { widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' },
  layers: [
    { W: [[0.1, -0.2], [0.3, 0.4]], b: [0.0, 0.1] },
    { W: [[0.5, -0.6]], b: [0.2] }
  ]
}

const withLayer = (l: number, layer: unknown) => ({ ...example, layers: example.layers.map((x, i) => (i === l ? layer : x)) })

describe('decodeModel', () => {
  it('reads the documented example', () => {
    const r = decodeModel(example)
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right.spec).toEqual(notebookXor)
    expect(M.toRows(r.right.params[0]!.W)).toEqual([[0.1, -0.2], [0.3, 0.4]])
    expect(M.toRows(r.right.params[1]!.b)).toEqual([[0.2]])
  })
  it.each<[string, unknown, ReadonlyArray<string>]>([
    ['not an object', '{"format"', ['the document: expected a puregrad/mlp model object, got string']],
    ['an array', [], ['the document: expected a puregrad/mlp model object, got an array']],
    ['a wrong format tag', { ...example, format: 'keras' }, ['format: expected "puregrad/mlp", got "keras": this is not a puregrad model file']],
    ['a missing format tag', { spec: example.spec }, ['format: expected "puregrad/mlp", got nothing: this is not a puregrad model file']],
    ['a newer version', { ...example, version: 3 }, ['version: expected 1 or 2, got 3: this build reads versions 1 and 2']],
    ['a transposed W', withLayer(1, { W: [[0.5], [-0.6]], b: [0.2] }), ['layers[1].W: expected 1×2, got 2×1']],
    ['a short b', withLayer(0, { W: [[0.1, -0.2], [0.3, 0.4]], b: [0.0] }), ['layers[0].b: expected 2 entries, got 1']],
    ['a ragged W', withLayer(0, { W: [[0.1, -0.2], [0.3]], b: [0.0, 0.1] }), ['layers[0].W[1]: expected 2 numbers (as W[0]), got 1']],
    ['a string in W', withLayer(0, { W: [[0.1, '-0.2'], [0.3, 0.4]], b: [0.0, 0.1] }), ['layers[0].W[0][1]: expected number, got "-0.2"']],
    ['a non-finite number', withLayer(1, { W: [[0.5, NaN]], b: [Infinity] }), ['layers[1].W[0][1]: expected a finite number, got NaN', 'layers[1].b[0]: expected a finite number, got Infinity']],
    ['a missing b', withLayer(1, { W: [[0.5, -0.6]] }), ['layers[1].b: expected Array<number>, got nothing']],
    ['too many layers', { ...example, layers: [...example.layers, example.layers[1]] }, ['layers: expected 2 layers for widths [2, 2, 1], got 3']],
    ['an unknown activation', { ...example, spec: { ...example.spec, activations: ['sigmoid', 'gelu'] } }, ['spec.activations[1]: expected an activation name, got "gelu"']],
    ['a spec that does not validate', { ...example, spec: { ...example.spec, widths: [2, 0, 1] } }, ['spec.widths[1]: expected a positive integer, got 0']],
    ['a loss that does not fit the output', { ...example, spec: { ...example.spec, activations: ['sigmoid', 'relu'] } }, ['spec.loss: binaryCrossEntropy needs a sigmoid output layer, got relu']]
  ])('rejects %s, naming the path', (_, input, errors) => {
    expect(decodeModel(input)).toEqual(E.left(errors))
  })
  fcTest.prop([fc.anything()])('never throws on garbage', (u) => {
    expect(E.isLeft(decodeModel(u))).toBe(true)
  })
  fcTest.prop([fc.jsonValue()])('never throws on garbage inside a well-tagged document', (junk) => {
    for (const doc of [{ ...example, spec: junk }, { ...example, layers: junk }, withLayer(0, junk), withLayer(1, { W: junk, b: [0] })]) {
      expect(['Left', 'Right']).toContain(decodeModel(doc)._tag)
    }
  })
})

describe('round trip', () => {
  fcTest.prop([fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }), fc.nat()])(
    'decode(encode(m)) is bit-identical, through JSON text too',
    (widths, seed) => {
      const spec: MlpSpec = { widths, activations: widths.slice(1).map(() => 'tanh'), loss: 'meanSquaredError', reduction: 'mean' }
      const params = I.init(I.standardNormal)(key(seed), spec)
      const encoded = encodeModel(spec, params)
      if (E.isLeft(encoded)) throw new Error(encoded.left)
      for (const doc of [encoded.right, JSON.parse(JSON.stringify(encoded.right))]) {
        const back = decodeModel(doc)
        expect(E.isRight(back)).toBe(true)
        if (E.isLeft(back)) return
        expect(back.right.spec).toEqual(spec)
        expect(back.right.params.every((p, l) => M.equals(p.W, params[l]!.W) && M.equals(p.b, params[l]!.b))).toBe(true)
      }
    }
  )
  it('encodes W as rows and b as a flat array', () => {
    const params = [{ W: M.unsafeFromArray(2, 2, [0.1, -0.2, 0.3, 0.4]), b: M.column([0, 0.1]) }, { W: M.row([0.5, -0.6]), b: M.column([0.2]) }]
    expect(encodeModel(notebookXor, params)).toEqual(E.right(example))
  })
  it('refuses a non-finite parameter, naming it, so no file with null is ever written', () => {
    const W0 = M.unsafeFromArray(2, 2, [0.1, -0.2, Infinity, 0.4])
    const layer1 = { W: M.row([0.5, -0.6]), b: M.column([NaN]) }
    expect(encodeModel(notebookXor, [{ W: W0, b: M.column([0, 0.1]) }, layer1])).toEqual(
      E.left('layers[0].W[1][0] is Infinity: a model file holds finite numbers only')
    )
    expect(encodeModel(notebookXor, [{ W: M.zeros(2, 2), b: M.column([0, 0.1]) }, layer1])).toEqual(
      E.left('layers[1].b[0] is NaN: a model file holds finite numbers only')
    )
  })
})

describe('layered specs (version 2)', () => {
  const layered: MlpSpec = {
    inputs: 2,
    layers: [{ kind: 'dense', units: 3, activation: 'tanh' }, { kind: 'dense', units: 1, activation: 'sigmoid' }],
    loss: 'binaryCrossEntropy',
    reduction: 'mean'
  }
  it('a list of layers is written as version 2 and read back bit for bit; the same network as its widths spec', () => {
    const params = I.init(I.standardNormal)(key(5), layered)
    const encoded = encodeModel(layered, params)
    expect(E.isRight(encoded) && encoded.right.version).toBe(2)
    if (E.isLeft(encoded)) return
    const back = decodeModel(JSON.parse(JSON.stringify(encoded.right)))
    expect(E.isRight(back)).toBe(true)
    if (E.isLeft(back)) return
    expect(back.right.spec).toEqual(layered)
    expect(back.right.params.every((p, l) => M.equals(p.W, params[l]!.W) && M.equals(p.b, params[l]!.b))).toBe(true)
    // The widths form of the same network: same init, same loss, same gradients.
    const widths: MlpSpec = { widths: [2, 3, 1], activations: ['tanh', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'mean' }
    const batch = { x: M.unsafeFromArray(2, 4, [0, 1, 0, 1, 0, 0, 1, 1]), y: M.row([0, 1, 1, 0]) }
    expect(I.init(I.standardNormal)(key(5), widths).every((p, l) => M.equals(p.W, params[l]!.W))).toBe(true)
    expect(Mlp.lossAndGradients(layered)(params, batch).loss).toBe(Mlp.lossAndGradients(widths)(params, batch).loss)
  })
  it.each<[string, unknown, string]>([
    ['an unknown kind', { inputs: 2, layers: [{ kind: 'conv', units: 1 }], loss: 'squaredError', reduction: 'sum' }, 'spec.layers[0].kind: expected one of dense, conv2d, maxPool2d, avgPool2d, layerNorm, dropout, got "conv"'],
    ['a bad field of a kind', { inputs: 2, layers: [{ kind: 'dense', units: 0, activation: 'tanh' }], loss: 'squaredError', reduction: 'sum' }, 'spec.layers[0].units: expected a positive integer, got 0'],
    ['bad inputs', { inputs: -1, layers: [{ kind: 'dense', units: 1, activation: 'tanh' }], loss: 'squaredError', reduction: 'sum' }, 'spec.inputs: expected a positive integer or an image { channels, height, width }, got -1'],
    ['a loss that does not fit', { inputs: 2, layers: [{ kind: 'dense', units: 1, activation: 'tanh' }], loss: 'binaryCrossEntropy', reduction: 'sum' }, 'spec.loss: binaryCrossEntropy needs a sigmoid output layer, got tanh']
  ])('names the path of %s', (_, spec, message) => {
    const r = decodeModel({ format: 'puregrad/mlp', version: 2, spec, layers: [] })
    expect(E.isLeft(r) && r.left[0]).toBe(message)
  })
})

describe('loss names', () => {
  it('squaredError is the name; model files that say meanSquaredError (its former name) still load, as the same loss', () => {
    const spec = { widths: [2, 1], activations: ['identity'], loss: 'squaredError', reduction: 'sum' }
    const layers = [{ W: [[0.5, -0.5]], b: [0] }]
    const now = decodeModel({ format: 'puregrad/mlp', version: 1, spec, layers })
    const before = decodeModel({ format: 'puregrad/mlp', version: 1, spec: { ...spec, loss: 'meanSquaredError' }, layers })
    expect(E.isRight(now) && E.isRight(before)).toBe(true)
    const x = M.unsafeFromArray(2, 3, [1, 2, 3, 4, 5, 6]), y = M.row([1, 0, 1])
    if (E.isRight(now) && E.isRight(before)) expect(Mlp.loss(before.right.spec)(before.right.params, { x, y })).toBe(Mlp.loss(now.right.spec)(now.right.params, { x, y }))
  })
})

describe('decodeModel is total and bounded', () => {
  const throwing = new Proxy({}, { get: () => { throw new Error('trap') }, has: () => { throw new Error('trap') } })
  const getter = Object.defineProperty({ format: 'puregrad/mlp', version: 1 }, 'spec', { get: () => { throw new Error('getter') }, enumerable: true })
  const cyclic: Record<string, unknown> = { ...example }
  cyclic['spec'] = cyclic
  let deep: unknown = 'x'
  for (let i = 0; i < 5000; i++) deep = [deep]
  it.each<[string, unknown]>([
    ['a format nested 5,000 deep', { ...example, format: deep }],
    ['a BigInt format', { ...example, format: 10n }],
    ['a BigInt weight', withLayer(0, { W: [[1n, 0], [0, 0]], b: [0, 0] })],
    ['a cyclic spec', cyclic],
    ['a throwing getter', getter],
    ['a Proxy that throws', throwing],
    ['a Proxy as a layer', withLayer(1, throwing)],
    ['a throwing toJSON', { ...example, format: { toJSON: () => { throw new Error('toJSON') } } }],
    ['a revoked Proxy', (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy })()]
  ])('%s gives Left, never an exception', (_, input) => {
    const r = decodeModel(input)
    expect(E.isLeft(r)).toBe(true)
    if (E.isLeft(r)) expect(r.left.length).toBeGreaterThan(0)
  })
  it('reports the first few problems of a document full of bad entries, quickly', () => {
    const widths = [1000, 1000, 1]
    const spec = { widths, activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }
    const nulls = { W: Array.from({ length: 1000 }, () => new Array<null>(1000).fill(null)), b: new Array<null>(1000).fill(null) }
    const r = decodeModel({ ...example, spec, layers: [nulls, { W: [new Array<null>(1000).fill(null)], b: [null] }] })
    expect(E.isLeft(r) && r.left.length).toBe(MAX_ERRORS)
    expect(E.isLeft(r) && r.left[0]).toBe('layers[0].W[0][0]: expected number, got null')
  })
  it('refuses a spec with more parameters than the limit before reading any layer', () => {
    const spec = { widths: [2, 900_000, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }
    expect(decodeModel({ ...example, spec, layers: [] }, { maxParameters: 1_000_000 })).toEqual(
      E.left(['spec.widths: [2, 900000, 1] has 3,600,001 parameters, more than the limit of 1,000,000'])
    )
    expect(parameterCount([2, 2, 1])).toBe(9)
    const long = { ...example, spec: { ...example.spec, widths: new Array(MAX_LAYERS + 2).fill(1) } }
    expect(decodeModel(long)).toEqual(E.left([`spec.widths: expected at most ${MAX_LAYERS + 1} entries, got ${MAX_LAYERS + 2}`]))
  })
})

describe('parameter files of any model', () => {
  const tree = {
    lift: { W: M.unsafeFromArray(2, 3, [0.1, -0.2, 0.3, 1e-300, -0, 5]), b: M.column([0.5, -0.5]) },
    blocks: [{ gamma: M.row([1, 2]) }, { gamma: M.row([3, 4]) }]
  }
  it('encodeParams then decodeParams gives the same tree, bit for bit (through JSON text, -0 aside)', () => {
    const encoded = encodeParams(tree)
    expect(E.isRight(encoded)).toBe(true)
    if (E.isLeft(encoded)) return
    const back = decodeParams(JSON.parse(JSON.stringify(encoded.right)), { like: tree })
    expect(E.isRight(back)).toBe(true)
    if (E.isLeft(back)) return
    expect(M.equals(back.right.lift.b, tree.lift.b)).toBe(true)
    expect(Array.from(back.right.lift.W.data)).toEqual([0.1, -0.2, 0.3, 1e-300, 0, 5])
    expect(M.toRows(back.right.blocks[1]!.gamma)).toEqual([[3, 4]])
    // Without a template: whatever tree the file holds.
    const any = decodeParams(encoded.right)
    expect(E.isRight(any) && Object.keys(any.right as object)).toEqual(['lift', 'blocks'])
  })
  fcTest.prop([fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 4 }), fc.nat()])('round trip of random MLP parameters', (widths, seed) => {
    const spec: MlpSpec = { widths, activations: widths.slice(1).map(() => 'tanh'), loss: 'meanSquaredError', reduction: 'mean' }
    const params = I.init(I.standardNormal)(key(seed), spec)
    const encoded = encodeParams(params)
    if (E.isLeft(encoded)) throw new Error(encoded.left)
    const back = decodeParams(encoded.right, { like: params })
    expect(E.isRight(back) && back.right.every((p, l) => M.equals(p.W, params[l]!.W) && M.equals(p.b, params[l]!.b))).toBe(true)
  })
  it('refuses non-finite numbers and non-matrix leaves when encoding', () => {
    expect(encodeParams({ a: M.row([1, NaN]) })).toEqual(E.left('params.a.data[1] is NaN: a model file holds finite numbers only'))
    expect(encodeParams({ a: [M.row([1]), 3] })).toEqual(E.left('params.a[1]: expected a matrix (or a record or array of them), got 3'))
    const cyclic: Record<string, unknown> = { W: M.row([1]) }
    cyclic['again'] = cyclic
    const encoded = encodeParams(cyclic)
    expect(E.isLeft(encoded) && encoded.left).toMatch(/^params: Tree: at again(\.again)+: nested more than 1000 deep/)
  })
  it.each<[string, unknown, RegExp, boolean]>([
    ['a wrong format', { format: 'puregrad/mlp', version: 1, params: {} }, /^format: expected "puregrad\/params"/, true],
    ['a null entry', { format: 'puregrad/params', version: 1, params: { a: { rows: 1, cols: 2, data: [1, null] } } }, /^params\.a\.data\[1\]: expected number, got null$/, false],
    ['a short data array', { format: 'puregrad/params', version: 1, params: { a: { rows: 2, cols: 2, data: [1] } } }, /^params\.a\.data: expected 4 numbers, got 1$/, false],
    ['a wrong shape for the template', { format: 'puregrad/params', version: 1, params: { lift: { W: { rows: 3, cols: 2, data: [1, 2, 3, 4, 5, 6] }, b: { rows: 2, cols: 1, data: [0, 0] } }, blocks: [] } }, /^params\.lift\.W: expected 2×3, got 3×2$/, true],
    ['a missing key', { format: 'puregrad/params', version: 1, params: { blocks: [] } }, /^params\.lift: missing$/, true]
  ])('names the path of %s', (_, input, message, withTemplate) => {
    const r = withTemplate ? decodeParams(input, { like: tree }) : decodeParams(input)
    expect(E.isLeft(r) && r.left[0]).toMatch(message)
  })
  it('is total and bounded: hostile values, deep nesting and oversized files give Left', () => {
    let deep: unknown = { rows: 1, cols: 1, data: [1] }
    for (let i = 0; i < 1000; i++) deep = [deep]
    expect(decodeParams({ format: 'puregrad/params', version: 1, params: deep })).toEqual(E.left([expect.stringMatching(/nested more than 64 deep$/)]))
    expect(E.isLeft(decodeParams(new Proxy({}, { get: () => { throw new Error('trap') } })))).toBe(true)
    const big = { format: 'puregrad/params', version: 1, params: { a: { rows: 1000, cols: 1000, data: [] } } }
    expect(decodeParams(big, { maxParameters: 1000 })).toEqual(E.left(['params.a: more than the limit of 1,000 parameters in all']))
  })
})
