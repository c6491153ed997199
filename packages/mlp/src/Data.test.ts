import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { test as fcTest } from '@fast-check/vitest'
import { argmax, batches, decodeDataset, oneHot, repeat, selectColumns, split, standardize } from './Data.js'
import * as Metrics from './Metrics.js'

const dataset = { x: M.makeBy(2, 10, (i, j) => 10 * i + j), y: M.makeBy(1, 10, (_, j) => j) }
const ids = (b: { y: M.Matrix }): Array<number> => Array.from(b.y.data)

describe('batches', () => {
  it('splits each epoch into full batches and a last partial one', () => {
    const bs = [...batches(key(0), dataset, { batchSize: 4, epochs: 2 })]
    expect(bs.map((b) => b.x.cols)).toEqual([4, 4, 2, 4, 4, 2])
    const epoch = (e: number) => bs.slice(3 * e, 3 * e + 3).flatMap(ids)
    expect([...epoch(0)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(epoch(0)).not.toEqual(epoch(1)) // reshuffled
    // x and y stay paired: column j of x holds (j, 10 + j) for example j
    bs.forEach((b) => ids(b).forEach((id, c) => expect(M.columnValues(b.x, c)).toEqual([id, 10 + id])))
  })
  it('is seeded: the same key gives the same batches, another key another order', () => {
    const order = (seed: number) => [...batches(key(seed), dataset, { batchSize: 3, epochs: 1 })].flatMap(ids)
    expect(order(5)).toEqual(order(5))
    expect(order(5)).not.toEqual(order(6))
  })
  it('without shuffling keeps the order; a batch as large as the data is the data itself', () => {
    expect([...batches(key(0), dataset, { batchSize: 4, epochs: 1, shuffle: false })].flatMap(ids)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect([...batches(key(0), dataset, { batchSize: 10, epochs: 2, shuffle: false })]).toEqual([dataset, dataset])
  })
  it('rejects impossible options and mismatched data', () => {
    expect(() => [...batches(key(0), dataset, { batchSize: 0, epochs: 1 })]).toThrow('batches: batchSize must be a positive integer, got 0')
    expect(() => [...batches(key(0), dataset, { batchSize: 2, epochs: -1 })]).toThrow('batches: epochs must be an integer ≥ 0, got -1')
    expect(() => [...batches(key(0), { x: dataset.x, y: M.zeros(1, 3) }, { batchSize: 2, epochs: 1 })]).toThrow('Dataset: x has 10 examples, y has 3')
  })
  it('repeat and selectColumns', () => {
    expect([...repeat(dataset, 3)].length).toBe(3)
    expect(M.toRows(selectColumns(dataset.x, [9, 0]))).toEqual([[9, 0], [19, 10]])
  })
})

describe('decodeDataset', () => {
  it('turns rows of examples into columns', () => {
    const r = decodeDataset({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] })
    expect(E.isRight(r) && [M.toRows(r.right.x), M.toRows(r.right.y)]).toEqual([[[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 0]]])
  })
  it.each<[string, unknown, ReadonlyArray<string>]>([
    ['not an object', 42, ['the document: expected { x: Array<Array<number>>, y: Array<Array<number>> }, got 42']],
    ['a missing y', { x: [[1]] }, ['y: expected Array<Array<number>>, got nothing']],
    ['a non-number', { x: [[1, 'a']], y: [[1]] }, ['x[0][1]: expected number, got "a"']],
    ['a ragged row', { x: [[1, 2], [3]], y: [[1], [0]] }, ['x[1]: expected 2 numbers (as x[0]), got 1']],
    ['no examples', { x: [], y: [] }, ['x: expected at least one example, got none', 'y: expected at least one example, got none']],
    ['different example counts', { x: [[1], [2]], y: [[1]] }, ['y: expected 2 examples (as x), got 1']]
  ])('reports %s with its path', (_, input, errors) => {
    expect(decodeDataset(input)).toEqual(E.left(errors))
  })
  fcTest.prop([fc.anything()])('never throws on garbage', (u) => {
    expect(['Left', 'Right']).toContain(decodeDataset(u)._tag)
  })
  it('never throws on getters, Proxies or BigInt, and stops at the first bad entry of 10^6', () => {
    const getter = Object.defineProperty({ y: [[1]] }, 'x', { get: () => { throw new Error('getter') } })
    const proxy = new Proxy({}, { get: () => { throw new Error('trap') } })
    expect(decodeDataset(getter)).toEqual(E.left(['the document: reading it threw: getter']))
    expect(E.isLeft(decodeDataset(proxy))).toBe(true)
    expect(E.isLeft(decodeDataset({ x: [proxy], y: [[1]] }))).toBe(true)
    expect(decodeDataset({ x: [[1n]], y: [[1]] })).toEqual(E.left(['x[0][0]: expected number, got the BigInt 1n']))
    const nulls = { x: Array.from({ length: 1000 }, () => new Array<null>(1000).fill(null)), y: [[1]] }
    expect(decodeDataset(nulls)).toEqual(E.left(['x[0][0]: expected number, got null']))
  })
})

describe('splits, scaling and labels', () => {
  const n = 30
  const labels = M.row(Array.from({ length: n }, (_, j) => (j < 18 ? 0 : j < 27 ? 1 : 2))) // 18, 9 and 3 of each class
  const data = { x: M.makeBy(2, n, (i, j) => i * 100 + j), y: labels }
  it('a seeded 60/20/20 split puts every example in exactly one part, the same way every time', () => {
    const s = split(key(1), data, { train: 0.6, validation: 0.2, test: 0.2 })
    const ids = (d: { x: M.Matrix } | undefined) => Array.from(d!.x.data.slice(0, d!.x.cols))
    const all = [...ids(s.train), ...ids(s.validation), ...ids(s.test)].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: n }, (_, j) => j))
    expect([s.train.x.cols, s.validation!.x.cols, s.test!.x.cols]).toEqual([18, 6, 6])
    expect(ids(split(key(1), data, { train: 0.6, validation: 0.2, test: 0.2 }).test)).toEqual(ids(s.test))
    expect(ids(split(key(2), data, { train: 0.6, validation: 0.2, test: 0.2 }).test)).not.toEqual(ids(s.test))
    expect(split(key(1), data, { train: 1 }).validation).toBeUndefined()
  })
  it('stratified, every part keeps the class balance', () => {
    const s = split(key(3), data, { train: 0.6, validation: 0.2, test: 0.2 }, { stratify: true })
    const count = (d: { y: M.Matrix } | undefined) => [0, 1, 2].map((c) => Array.from(d!.y.data).filter((v) => v === c).length)
    expect(count(s.train)).toEqual([11, 5, 2])
    expect(count(s.validation)).toEqual([3, 2, 0])
    expect(count(s.test)).toEqual([4, 2, 1])
    // one-hot targets stratify by their argmax
    const hot = split(key(3), { x: data.x, y: oneHot(labels, 3) }, { train: 0.6, validation: 0.2, test: 0.2 }, { stratify: true })
    expect(argmax(hot.test!.y)).toEqual(Array.from(s.test!.y.data))
  })
  it('refuses fractions that do not add up, or that leave a part empty', () => {
    expect(() => split(key(1), data, { train: 0.5, validation: 0.2 })).toThrow('split: the fractions must sum to 1, got 0.7')
    expect(() => split(key(1), data, { train: 1.2, test: -0.2 })).toThrow(RangeError)
    expect(() => split(key(1), { x: M.row([1, 2]), y: M.row([0, 1]) }, { train: 0.9, test: 0.1 })).toThrow('leave the test part empty')
  })
  it('standardize fits mean and σ on one set and applies them to any; a constant feature maps to 0', () => {
    const x = M.unsafeFromArray(2, 4, [1, 2, 3, 4, 5, 5, 5, 5])
    const st = standardize(x)
    expect(Array.from(st.mean.data)).toEqual([2.5, 5])
    expect(st.std.data[0]).toBeCloseTo(Math.sqrt(1.25), 15)
    expect(Array.from(st.apply(x).data.slice(4))).toEqual([0, 0, 0, 0])
    expect(Array.from(st.apply(M.column([2.5, 6])).data)).toEqual([0, 1])
  })
  it('oneHot, argmax, accuracy and confusion', () => {
    expect(M.toRows(oneHot(M.row([2, 0, 1]), 3))).toEqual([[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    expect(() => oneHot(M.row([3]), 3)).toThrow('oneHot: label 0 is 3, not an integer in [0, 3)')
    expect(argmax(M.unsafeFromArray(2, 3, [0.1, 0.9, 0.5, 0.8, 0.2, 0.5]))).toEqual([1, 0, 0])
    expect(Metrics.accuracy([0, 1, 1, 2], [0, 1, 2, 2])).toBe(0.75)
    expect(Metrics.confusion([0, 1, 1, 2], [0, 1, 2, 2], 3)).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    expect(() => Metrics.accuracy([1], [1, 2])).toThrow(RangeError)
  })
})
