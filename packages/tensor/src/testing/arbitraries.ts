/**
 * fast-check arbitraries for matrices, shared by the tests of every package (never import a *.test.ts file).
 */
import fc from 'fast-check'
import type { Matrix } from '../Matrix.js'
import { unsafeWrap } from '../Matrix.js'

export interface EntryRange {
  /** Largest |entry|; default 3, which keeps BCE and sigmoid away from log(0) in gradient checks. */
  readonly bound?: number
}

/** A dimension in [1, max]. */
export const dim = (max = 6): fc.Arbitrary<number> => fc.integer({ min: 1, max })

/** A rows×cols matrix with finite entries in [−bound, bound]. */
export const matrix = <R extends number, C extends number>(
  rows: R,
  cols: C,
  { bound = 3 }: EntryRange = {}
): fc.Arbitrary<Matrix<R, C>> =>
  fc
    .float64Array({ minLength: rows * cols, maxLength: rows * cols, min: -bound, max: bound, noNaN: true, noDefaultInfinity: true })
    .map((data) => unsafeWrap(rows, cols, data))

/** A matrix of any shape up to maxDim×maxDim. */
export const anyMatrix = (maxDim = 6, range: EntryRange = {}): fc.Arbitrary<Matrix> =>
  fc.tuple(dim(maxDim), dim(maxDim)).chain(([r, c]) => matrix(r, c, range))

/** Two matrices of one shape. */
export const samePair = (maxDim = 6, range: EntryRange = {}): fc.Arbitrary<readonly [Matrix, Matrix]> =>
  fc.tuple(dim(maxDim), dim(maxDim)).chain(([r, c]) => fc.tuple(matrix(r, c, range), matrix(r, c, range)))

/** (m×k, k×n) operands for a product. */
export const productPair = (maxDim = 6, range: EntryRange = {}): fc.Arbitrary<readonly [Matrix, Matrix]> =>
  fc.tuple(dim(maxDim), dim(maxDim), dim(maxDim)).chain(([m, k, n]) => fc.tuple(matrix(m, k, range), matrix(k, n, range)))

/** (m×k, k×n, n×p) operands for associativity. */
export const productTriple = (maxDim = 6, range: EntryRange = {}): fc.Arbitrary<readonly [Matrix, Matrix, Matrix]> =>
  fc
    .tuple(dim(maxDim), dim(maxDim), dim(maxDim), dim(maxDim))
    .chain(([m, k, n, p]) => fc.tuple(matrix(m, k, range), matrix(k, n, range), matrix(n, p, range)))

/** A byte-for-byte snapshot of a matrix, to prove an operation left it untouched. */
export const snapshot = (m: Matrix): string =>
  `${m.rows}×${m.cols}:` + Array.from(new Uint8Array(new Float64Array(m.data as ArrayLike<number>).buffer)).join(',')
