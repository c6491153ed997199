import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as K from './internal/Kernel.js'
import * as M from './Matrix.js'
import { anyMatrix, dim, matrix, productPair, productTriple, samePair, snapshot } from './testing/arbitraries.js'

const naive = (a: M.Matrix, b: M.Matrix): M.Matrix =>
  M.makeBy(a.rows, b.cols, (i, j) => {
    let s = 0
    for (let p = 0; p < a.cols; p++) s += M.get(a, i, p) * M.get(b, p, j)
    return s
  })

const m = (rows: ReadonlyArray<ReadonlyArray<number>>): M.Matrix =>
  pipe(
    M.fromRows(rows),
    E.getOrElseW((e) => {
      throw new Error(e)
    })
  )

const tol = M.approxEquals(1e-9)

describe('constructors from untrusted data', () => {
  it('fromRows builds a row-major matrix', () => {
    const a = m([[1, 2, 3], [4, 5, 6]])
    expect([a.rows, a.cols, Array.from(a.data)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]])
  })
  it.each([
    [[], 'expected at least one row, got none'],
    [[[]], 'row 0: expected at least one column, got none'],
    [[[1, 2], [3]], 'row 1: expected 2 columns (as row 0), got 1'],
    [[[1, 2], [3, NaN]], 'row 1, column 1: expected a finite number, got NaN'],
    [[[1, Infinity]], 'row 0, column 1: expected a finite number, got Infinity'],
    [[[1, '2']], 'row 0, column 1: expected a finite number, got string'],
    [[[1], 7], 'row 1: expected an array, got 7'],
    [[null], 'row 0: expected an array, got null']
  ])('fromRows(%j) is Left %j', (rows, message) => {
    expect(M.fromRows(rows as never)).toEqual(E.left(message))
  })
  it('fromArray and fromRows are total: null, strings, hostile objects give Left', () => {
    expect(M.fromArray(1, 1, null as never)).toEqual(E.left('data: expected an array of 1 numbers, got null'))
    expect(M.fromArray(1, 1, 'x' as never)).toEqual(E.left('data: expected an array of 1 numbers, got string'))
    const hostile = new Proxy([1], { get: () => { throw new Error('boom') } })
    expect(E.isLeft(M.fromArray(1, 1, hostile))).toBe(true)
    expect(E.isLeft(M.fromRows(hostile as never))).toBe(true)
    expect(E.isLeft(M.fromRows(null as never))).toBe(true)
  })
  it('fromArray checks dims, length and entries', () => {
    expect(M.fromArray(2, 2, [1, 2, 3, 4])).toEqual(E.right(M.unsafeFromArray(2, 2, [1, 2, 3, 4])))
    expect(M.fromArray(0, 2, [])).toEqual(E.left('rows: expected a positive integer, got 0'))
    expect(M.fromArray(2, 1.5, [1, 2, 3])).toEqual(E.left('cols: expected a positive integer, got 1.5'))
    expect(M.fromArray(-1, 2, [])).toEqual(E.left('rows: expected a positive integer, got -1'))
    expect(M.fromArray(2, 2, [1, 2, 3])).toEqual(E.left('data: a 2×2 matrix needs 4 entries, got 3'))
    expect(M.fromArray(2, 2, [1, 2, 3, NaN])).toEqual(E.left('row 1, column 1: expected a finite number, got NaN'))
  })
  fcTest.prop([fc.anything()])('fromRows never throws on garbage', (u) => {
    expect(E.isLeft(M.fromRows(u as never)) || E.isRight(M.fromRows(u as never))).toBe(true)
  })
  it('trusted constructors reject impossible dimensions with ShapeError', () => {
    expect(() => M.zeros(0, 2)).toThrow(new M.ShapeError('zeros: dimensions must be positive integers, got 0×2'))
    expect(() => M.column([])).toThrow(M.ShapeError)
    expect(() => M.unsafeFromArray(2, 2, [1])).toThrow('unsafeFromArray: 2×2 needs 4 entries, got 1')
  })
  it('zeros, fill, identity, column, row, makeBy', () => {
    expect(M.toRows(M.zeros(1, 2))).toEqual([[0, 0]])
    expect(M.toRows(M.fill(2, 1, 7))).toEqual([[7], [7]])
    expect(M.toRows(M.identity(2))).toEqual([[1, 0], [0, 1]])
    expect(M.toRows(M.column([1, 2]))).toEqual([[1], [2]])
    expect(M.toRows(M.row([1, 2]))).toEqual([[1, 2]])
    expect(M.toRows(M.makeBy(2, 2, (i, j) => 10 * i + j))).toEqual([[0, 1], [10, 11]])
  })
})

describe('products', () => {
  it('matmul by hand', () => {
    // [1 2; 3 4]·[5; 6] = [1·5 + 2·6; 3·5 + 4·6] = [17; 39]
    expect(M.toRows(pipe(m([[1, 2], [3, 4]]), M.matmul(m([[5], [6]]))))).toEqual([[17], [39]])
  })
  it('shape mismatches throw ShapeError naming the op and both shapes', () => {
    const a = M.zeros(2, 3)
    const b = M.zeros(2, 1) as M.Matrix
    expect(() => pipe(a as M.Matrix, M.matmul(b))).toThrow('matmul: (2×3)·(2×1): inner dimensions 3 ≠ 2')
    expect(() => pipe(M.zeros(3, 2) as M.Matrix, M.transposeMatmul(M.zeros(2, 2) as M.Matrix))).toThrow(
      'transposeMatmul: (3×2)ᵀ·(2×2): inner dimensions 3 ≠ 2'
    )
    expect(() => pipe(a as M.Matrix, M.matmulTranspose(M.zeros(1, 2) as M.Matrix))).toThrow(
      'matmulTranspose: (2×3)·ᵀ(1×2): inner dimensions 3 ≠ 2'
    )
    expect(() => pipe(a as M.Matrix, M.add(M.zeros(3, 2) as M.Matrix))).toThrow('add: shapes differ: 2×3 and 3×2')
    expect(() => pipe(a as M.Matrix, M.addColumn(M.zeros(3, 1) as M.Matrix<number, 1>))).toThrow(M.ShapeError)
  })
  fcTest.prop([productPair(12)])('matmul is bit-identical to the naive ascending-k loop', ([a, b]) => {
    expect(M.equals(pipe(a, M.matmul(b)), naive(a, b))).toBe(true)
  })
  fcTest.prop([fc.tuple(dim(40), dim(40), dim(40)).chain(([r, k, c]) => fc.tuple(matrix(r, k), matrix(k, c)))], {
    numRuns: 40
  })('the tiled kernel equals the small kernel bit for bit, at sizes that are not multiples of the tile', ([a, b]) => {
    const tiled = new Float64Array(a.rows * b.cols)
    const small = new Float64Array(a.rows * b.cols)
    K.gemmTiled(a.rows, b.cols, a.cols, a.data, a.cols, 1, b.data, b.cols, 1, tiled)
    K.gemmSmall(a.rows, b.cols, a.cols, a.data, a.cols, 1, b.data, b.cols, 1, small)
    expect(M.equals(M.unsafeWrap(a.rows, b.cols, tiled), M.unsafeWrap(a.rows, b.cols, small))).toBe(true)
  })
  fcTest.prop([productPair(20)])('transposed-operand variants equal the explicit forms', ([a, b]) => {
    const at = M.transpose(a)
    const bt = M.transpose(b)
    expect(M.equals(pipe(at, M.transposeMatmul(b)), pipe(a, M.matmul(b)))).toBe(true)
    expect(M.equals(pipe(a, M.matmulTranspose(bt)), pipe(a, M.matmul(b)))).toBe(true)
  })
  fcTest.prop([anyMatrix()])('transpose is an involution', (a) => {
    expect(M.equals(M.transpose(M.transpose(a)), a)).toBe(true)
  })
  fcTest.prop([productPair()])('(a·b)ᵀ = bᵀ·aᵀ', ([a, b]) => {
    expect(M.equals(M.transpose(pipe(a, M.matmul(b))), pipe(M.transpose(b), M.matmul(M.transpose(a))))).toBe(true)
  })
  fcTest.prop([productTriple()])('(a·b)·c ≈ a·(b·c)', ([a, b, c]) => {
    expect(tol(pipe(a, M.matmul(b), M.matmul(c)), pipe(a, M.matmul(pipe(b, M.matmul(c)))))).toBe(true)
  })
  fcTest.prop([fc.tuple(dim(), dim(), dim()).chain(([r, k, c]) => fc.tuple(matrix(r, k), matrix(k, c), matrix(k, c)))])(
    'a·(b + c) ≈ a·b + a·c',
    ([a, b, c]) => {
      expect(tol(pipe(a, M.matmul(pipe(b, M.add(c)))), pipe(a, M.matmul(b), M.add(pipe(a, M.matmul(c)))))).toBe(true)
    }
  )
  // Exact up to the sign of zero: a sum that starts at +0 turns a −0 entry into +0.
  fcTest.prop([anyMatrix()])('identity is neutral on both sides', (a) => {
    expect(M.approxEquals(0)(pipe(M.identity(a.rows), M.matmul(a)), a)).toBe(true)
    expect(M.approxEquals(0)(pipe(a, M.matmul(M.identity(a.cols))), a)).toBe(true)
  })
  it('outer', () => {
    expect(M.toRows(pipe(M.column([1, 2]), M.outer(M.column([3, 4, 5]))))).toEqual([[3, 4, 5], [6, 8, 10]])
    expect(() => pipe(M.zeros(2, 2) as unknown as M.Matrix<number, 1>, M.outer(M.column([1])))).toThrow('outer: expected two column vectors')
  })
})

describe('element-wise ops and reductions', () => {
  const a = m([[1, -2], [3, 4]])
  const b = m([[10, 20], [30, 40]])
  it('computes each by hand', () => {
    expect(M.toRows(pipe(a, M.add(b)))).toEqual([[11, 18], [33, 44]])
    expect(M.toRows(pipe(a, M.sub(b)))).toEqual([[-9, -22], [-27, -36]])
    expect(M.toRows(pipe(a, M.hadamard(b)))).toEqual([[10, -40], [90, 160]])
    expect(M.toRows(pipe(a, M.scale(2)))).toEqual([[2, -4], [6, 8]])
    expect(M.toRows(pipe(b, M.axpy(-1, a)))).toEqual([[9, 22], [27, 36]])
    expect(M.toRows(pipe(a, M.map(Math.abs)))).toEqual([[1, 2], [3, 4]])
    expect(M.toRows(pipe(a, M.zipWith(b, Math.max)))).toEqual([[10, 20], [30, 40]])
    expect(M.toRows(pipe(a, M.addColumn(M.column([100, 200]))))).toEqual([[101, 98], [203, 204]])
    expect(M.toRows(M.sumColumns(a))).toEqual([[-1], [7]])
    expect(M.sum(a)).toBe(6)
    expect(M.mean(a)).toBe(1.5)
    expect(M.inner(a, b)).toBe(10 - 40 + 90 + 160)
    expect(M.maxAbsDiff(a, b)).toBe(36)
    expect(M.maxAbsDiff(a, M.unsafeFromArray(2, 2, [1, -2, 3, NaN]))).toBeNaN()
    expect(M.allFinite(a)).toBe(true)
    expect(M.allFinite(pipe(a, M.scale(Infinity)))).toBe(false)
    expect(M.columnValues(a, 1)).toEqual([-2, 4])
  })
  it('equals is bitwise, approxEquals is relative above 1 and absolute below', () => {
    expect(M.equals(a, m([[1, -2], [3, 4]]))).toBe(true)
    expect(M.equals(M.fill(1, 1, 0), M.fill(1, 1, -0))).toBe(false)
    expect(M.equals(a, M.transpose(a))).toBe(false)
    expect(M.approxEquals(1e-6)(M.fill(1, 1, 1e9), M.fill(1, 1, 1e9 + 100))).toBe(true)
    expect(M.approxEquals(1e-6)(M.fill(1, 1, 0), M.fill(1, 1, 1e-5))).toBe(false)
    expect(M.approxEquals(1e-6)(M.fill(1, 1, NaN), M.fill(1, 1, NaN))).toBe(false)
    expect(M.approxEquals(1e-6)(M.zeros(1, 2), M.zeros(2, 1))).toBe(false)
  })
  it('show aligns decimal points', () => {
    expect(M.show(m([[1, -22.5], [0.125, 3]]), 2)).toBe('Matrix 2×2\n  [  1.00, -22.50]\n  [  0.13,   3.00]')
  })
  it('get rejects indices outside the matrix', () => {
    expect(() => M.get(a, 2, 0)).toThrow('get: (2, 0) is outside a 2×2 matrix')
  })
})

describe('purity', () => {
  const binary: ReadonlyArray<[string, (a: M.Matrix, b: M.Matrix) => unknown]> = [
    ['add', (a, b) => pipe(a, M.add(b))],
    ['sub', (a, b) => pipe(a, M.sub(b))],
    ['hadamard', (a, b) => pipe(a, M.hadamard(b))],
    ['axpy', (a, b) => pipe(a, M.axpy(2, b))],
    ['zipWith', (a, b) => pipe(a, M.zipWith(b, (x, y) => x * y))],
    ['inner', (a, b) => M.inner(a, b)],
    ['maxAbsDiff', (a, b) => M.maxAbsDiff(a, b)],
    ['matmulTranspose', (a, b) => pipe(a, M.matmulTranspose(b))],
    ['transposeMatmul', (a, b) => pipe(a, M.transposeMatmul(b))]
  ]
  fcTest.prop([samePair(8)])('binary ops leave both inputs byte-identical', ([a, b]) => {
    const before = [snapshot(a), snapshot(b)]
    for (const [, op] of binary) op(a, b)
    expect([snapshot(a), snapshot(b)]).toEqual(before)
  })
  const unary: ReadonlyArray<(a: M.Matrix) => unknown> = [
    M.transpose,
    M.scale(3),
    M.map((x) => x + 1),
    M.sumColumns,
    M.sum,
    M.allFinite,
    M.toRows,
    M.show,
    (a) => pipe(a, M.addColumn(M.fill(a.rows, 1, 1) as M.Matrix<number, 1>)),
    (a) => pipe(a, M.matmul(M.transpose(a)))
  ]
  fcTest.prop([anyMatrix(8)])('unary ops leave their input byte-identical and return a fresh buffer', (a) => {
    const before = snapshot(a)
    for (const op of unary) {
      const out = op(a)
      if (typeof out === 'object' && out !== null && 'data' in out) expect((out as M.Matrix).data).not.toBe(a.data)
    }
    expect(snapshot(a)).toBe(before)
  })
})
