import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { test as fcTest } from '@fast-check/vitest'
import { batches, decodeDataset, repeat, selectColumns } from './Data.js'

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
