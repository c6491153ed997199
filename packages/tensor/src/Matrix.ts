/**
 * Row-major matrices of 64-bit floats, examples as columns (x is features × batch, W is out × in, b is out × 1).
 *
 * Every function is pure: it returns a new matrix and never writes its inputs. Functions are data-last, so
 * `pipe(a, matmul(b), add(c))` reads as a·b + c. `R` and `C` are phantom dimensions: literal numbers where
 * known, so `matmul` of two matrices whose known inner dimensions differ fails to compile; a mismatch that only
 * shows at run time throws a {@link ShapeError} naming the operation and both shapes.
 *
 * Untrusted data enters through `fromRows` and `fromArray`, which return `Either`.
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import { gemm } from './internal/Kernel.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

type Mutators = 'copyWithin' | 'fill' | 'reverse' | 'set' | 'sort' | 'subarray' | 'buffer'

/** TypeScript has no readonly typed array (TypeScript#37792): this is Float64Array without its mutators. */
export interface ReadonlyFloat64Array extends Omit<Float64Array, Mutators> {
  readonly [i: number]: number
}

/** Row-major matrix of 64-bit floats; entry (i, j) is `data[i * cols + j]`. */
export interface Matrix<R extends number = number, C extends number = number> {
  readonly rows: R
  readonly cols: C
  readonly data: ReadonlyFloat64Array
}

/** A runtime shape mismatch past the boundary: a programming error, never a silent wrong result. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError'
}

/** `2×3`: the notation every message in puregrad uses for a shape. */
export const shapeOf = (m: Matrix): string => `${m.rows}×${m.cols}`

// -------------------------------------------------------------------------------------
// constructors (trusted: dimensions come from code)
// -------------------------------------------------------------------------------------

const checkDims = (op: string, rows: number, cols: number): void => {
  if (!isDim(rows) || !isDim(cols)) {
    throw new ShapeError(`${op}: dimensions must be positive integers, got ${rows}×${cols}`)
  }
}

const isDim = (n: number): boolean => Number.isSafeInteger(n) && n > 0

/** Wraps a fresh buffer the caller hands over and will not write again. */
const wrap = <R extends number, C extends number>(rows: R, cols: C, data: Float64Array): Matrix<R, C> => ({
  rows,
  cols,
  data
})

/** The rows×cols matrix of zeros. Throws ShapeError for non-positive or fractional dimensions. */
export const zeros = <R extends number = number, C extends number = number>(rows: NoInfer<R>, cols: NoInfer<C>): Matrix<R, C> => {
  checkDims('zeros', rows, cols)
  return wrap(rows, cols, new Float64Array(rows * cols))
}

/** The rows×cols matrix with every entry equal to `value`. */
export const fill = <R extends number = number, C extends number = number>(rows: NoInfer<R>, cols: NoInfer<C>, value: number): Matrix<R, C> => {
  checkDims('fill', rows, cols)
  return wrap(rows, cols, new Float64Array(rows * cols).fill(value))
}

/** Entry (i, j) is `f(i, j)`. */
export const makeBy = <R extends number = number, C extends number = number>(
  rows: NoInfer<R>,
  cols: NoInfer<C>,
  f: (i: number, j: number) => number
): Matrix<R, C> => {
  checkDims('makeBy', rows, cols)
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = f(i, j)
  return wrap(rows, cols, out)
}

/** The n×n identity. */
export const identity = <N extends number = number>(n: NoInfer<N>): Matrix<N, N> => makeBy<N, N>(n, n, (i, j) => (i === j ? 1 : 0))

/** A column vector (n×1) from trusted numbers. Throws ShapeError when empty. */
export const column = (values: ReadonlyArray<number>): Matrix<number, 1> => {
  checkDims('column', values.length, 1)
  return wrap(values.length, 1, Float64Array.from(values))
}

/** A row vector (1×n) from trusted numbers. Throws ShapeError when empty. */
export const row = (values: ReadonlyArray<number>): Matrix<1, number> => {
  checkDims('row', 1, values.length)
  return wrap(1, values.length, Float64Array.from(values))
}

/**
 * Copies a buffer into a matrix, for trusted callers (kernels, codecs after validation).
 * Throws ShapeError when the length is not rows·cols.
 */
export const unsafeFromArray = <R extends number = number, C extends number = number>(
  rows: NoInfer<R>,
  cols: NoInfer<C>,
  data: ArrayLike<number>
): Matrix<R, C> => {
  checkDims('unsafeFromArray', rows, cols)
  if (data.length !== rows * cols) {
    throw new ShapeError(`unsafeFromArray: ${rows}×${cols} needs ${rows * cols} entries, got ${data.length}`)
  }
  return wrap(rows, cols, Float64Array.from(data))
}

/**
 * Takes ownership of a fresh buffer without copying it. The caller must never write `data` again:
 * this is how kernels outside this module return their results.
 */
export const unsafeWrap = <R extends number = number, C extends number = number>(rows: NoInfer<R>, cols: NoInfer<C>, data: Float64Array): Matrix<R, C> => {
  checkDims('unsafeWrap', rows, cols)
  if (data.length !== rows * cols) {
    throw new ShapeError(`unsafeWrap: ${rows}×${cols} needs ${rows * cols} entries, got ${data.length}`)
  }
  return wrap(rows, cols, data)
}

// -------------------------------------------------------------------------------------
// constructors (untrusted data: Either)
// -------------------------------------------------------------------------------------

const describe = (u: unknown): string =>
  typeof u === 'number' ? String(u) : u === null ? 'null' : Array.isArray(u) ? 'an array' : typeof u

/** Runs a reader over data that may be hostile (a Proxy, a throwing getter): a throw becomes a Left. */
const guarded = (read: () => E.Either<string, Matrix>): E.Either<string, Matrix> => {
  try {
    return read()
  } catch {
    return E.left('the data could not be read (a getter or Proxy threw)')
  }
}

/**
 * A matrix from an array of rows. Left, naming the row and column, when the input is empty, ragged,
 * or holds anything but finite numbers.
 */
export const fromRows = (rows: ReadonlyArray<ReadonlyArray<unknown>>): E.Either<string, Matrix> => guarded(() => {
  if (!Array.isArray(rows) || rows.length === 0) return E.left('expected at least one row, got none')
  const first: unknown = rows[0]
  if (!Array.isArray(first)) return E.left(`row 0: expected an array, got ${describe(first)}`)
  const cols = first.length
  if (cols === 0) return E.left('row 0: expected at least one column, got none')
  const out = new Float64Array(rows.length * cols)
  for (let i = 0; i < rows.length; i++) {
    const r: unknown = rows[i]
    if (!Array.isArray(r)) return E.left(`row ${i}: expected an array, got ${describe(r)}`)
    if (r.length !== cols) return E.left(`row ${i}: expected ${cols} columns (as row 0), got ${r.length}`)
    for (let j = 0; j < cols; j++) {
      const v: unknown = r[j]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        return E.left(`row ${i}, column ${j}: expected a finite number, got ${describe(v)}`)
      }
      out[i * cols + j] = v
    }
  }
  return E.right(wrap(rows.length, cols, out))
})

/**
 * A rows×cols matrix from row-major data. Left when a dimension is not a positive integer, when the data is not an
 * array-like (an array or typed array), when the length is not rows·cols, or when an entry is not a finite number
 * (naming its row and column). Total: any input gives Left or Right, never an exception.
 */
export const fromArray = (rows: number, cols: number, data: ArrayLike<unknown>): E.Either<string, Matrix> => guarded(() => {
  if (!isDim(rows)) return E.left(`rows: expected a positive integer, got ${describe(rows)}`)
  if (!isDim(cols)) return E.left(`cols: expected a positive integer, got ${describe(cols)}`)
  if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
    return E.left(`data: expected an array of ${rows * cols} numbers, got ${describe(data)}`)
  }
  if (data.length !== rows * cols) {
    return E.left(`data: a ${rows}×${cols} matrix needs ${rows * cols} entries, got ${data.length}`)
  }
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < out.length; i++) {
    const v = data[i]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      return E.left(`row ${Math.floor(i / cols)}, column ${i % cols}: expected a finite number, got ${describe(v)}`)
    }
    out[i] = v
  }
  return E.right(wrap(rows, cols, out))
})

// -------------------------------------------------------------------------------------
// combinators: products
// -------------------------------------------------------------------------------------

const innerMismatch = (op: string, a: Matrix, b: Matrix, left: number, right: number, sym: string): ShapeError =>
  new ShapeError(`${op}: (${shapeOf(a)})${sym}(${shapeOf(b)}): inner dimensions ${left} ≠ ${right}`)

/** `pipe(a, matmul(b))` is a·b. Shapes: (R×K)·(K×C) -> R×C. */
export const matmul =
  <K extends number, C extends number>(b: Matrix<K, C>) =>
  <R extends number>(a: Matrix<R, K>): Matrix<R, C> => {
    if (a.cols !== b.rows) throw innerMismatch('matmul', a, b, a.cols, b.rows, '·')
    const out = new Float64Array(a.rows * b.cols)
    gemm(a.rows, b.cols, a.cols, a.data, a.cols, 1, b.data, b.cols, 1, out)
    return wrap(a.rows, b.cols, out)
  }

/** `pipe(a, transposeMatmul(b))` is aᵀ·b without forming aᵀ (da = Wᵀ·dz). Shapes: (K×R)ᵀ·(K×C) -> R×C. */
export const transposeMatmul =
  <K extends number, C extends number>(b: Matrix<K, C>) =>
  <R extends number>(a: Matrix<K, R>): Matrix<R, C> => {
    if (a.rows !== b.rows) throw innerMismatch('transposeMatmul', a, b, a.rows, b.rows, 'ᵀ·')
    const out = new Float64Array(a.cols * b.cols)
    gemm(a.cols, b.cols, a.rows, a.data, 1, a.cols, b.data, b.cols, 1, out)
    return wrap(a.cols, b.cols, out)
  }

/** `pipe(a, matmulTranspose(b))` is a·bᵀ without forming bᵀ (dW = dz·xᵀ). Shapes: (R×K)·(C×K)ᵀ -> R×C. */
export const matmulTranspose =
  <C extends number, K extends number>(b: Matrix<C, K>) =>
  <R extends number>(a: Matrix<R, K>): Matrix<R, C> => {
    if (a.cols !== b.cols) throw innerMismatch('matmulTranspose', a, b, a.cols, b.cols, '·ᵀ')
    const out = new Float64Array(a.rows * b.rows)
    gemm(a.rows, b.rows, a.cols, a.data, a.cols, 1, b.data, 1, b.cols, out)
    return wrap(a.rows, b.rows, out)
  }

/** The outer product a·bᵀ of two column vectors: (R×1), (C×1) -> R×C. */
export const outer =
  <C extends number>(b: Matrix<C, 1>) =>
  <R extends number>(a: Matrix<R, 1>): Matrix<R, C> => {
    if (a.cols !== 1 || b.cols !== 1) {
      throw new ShapeError(`outer: expected two column vectors, got ${shapeOf(a)} and ${shapeOf(b)}`)
    }
    return matmulTranspose(b)(a)
  }

/** The transpose: (R×C) -> C×R. */
export const transpose = <R extends number, C extends number>(a: Matrix<R, C>): Matrix<C, R> => {
  const { rows, cols, data } = a
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j]
  return wrap(cols, rows, out)
}

// -------------------------------------------------------------------------------------
// combinators: element-wise
// -------------------------------------------------------------------------------------

const sameShape = (op: string, a: Matrix, b: Matrix): void => {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${op}: shapes differ: ${shapeOf(a)} and ${shapeOf(b)}`)
  }
}

/** a + b, entry by entry. */
export const add =
  <R extends number, C extends number>(b: Matrix<R, C>) =>
  (a: Matrix<R, C>): Matrix<R, C> => {
    sameShape('add', a, b)
    const x = a.data, y = b.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] + y[i]
    return wrap(a.rows, a.cols, out)
  }

/** `pipe(a, sub(b))` is a − b. */
export const sub =
  <R extends number, C extends number>(b: Matrix<R, C>) =>
  (a: Matrix<R, C>): Matrix<R, C> => {
    sameShape('sub', a, b)
    const x = a.data, y = b.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] - y[i]
    return wrap(a.rows, a.cols, out)
  }

/** a ⊙ b, the element-wise (Hadamard) product. */
export const hadamard =
  <R extends number, C extends number>(b: Matrix<R, C>) =>
  (a: Matrix<R, C>): Matrix<R, C> => {
    sameShape('hadamard', a, b)
    const x = a.data, y = b.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] * y[i]
    return wrap(a.rows, a.cols, out)
  }

/** s·a. */
export const scale =
  (s: number) =>
  <R extends number, C extends number>(a: Matrix<R, C>): Matrix<R, C> => {
    const x = a.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = s * x[i]
    return wrap(a.rows, a.cols, out)
  }

/** `pipe(y, axpy(alpha, x))` is α·x + y (BLAS axpy), e.g. a gradient step `pipe(W, axpy(-lr, dW))`. */
export const axpy =
  <R extends number, C extends number>(alpha: number, x: Matrix<R, C>) =>
  (y: Matrix<R, C>): Matrix<R, C> => {
    sameShape('axpy', x, y)
    const xs = x.data, ys = y.data, out = new Float64Array(xs.length)
    for (let i = 0; i < out.length; i++) out[i] = alpha * xs[i] + ys[i]
    return wrap(y.rows, y.cols, out)
  }

/** f applied to every entry. For hot paths, prefer a dedicated loop: this calls `f` once per entry. */
export const map =
  (f: (x: number) => number) =>
  <R extends number, C extends number>(a: Matrix<R, C>): Matrix<R, C> => {
    const x = a.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = f(x[i])
    return wrap(a.rows, a.cols, out)
  }

/** `pipe(a, zipWith(b, f))` has entries f(aᵢⱼ, bᵢⱼ). */
export const zipWith =
  <R extends number, C extends number>(b: Matrix<R, C>, f: (x: number, y: number) => number) =>
  (a: Matrix<R, C>): Matrix<R, C> => {
    sameShape('zipWith', a, b)
    const x = a.data, y = b.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = f(x[i], y[i])
    return wrap(a.rows, a.cols, out)
  }

/** Adds the column vector `b` (R×1) to every column of `a` (R×C): z = W·x + b over a batch. */
export const addColumn =
  <R extends number>(b: Matrix<R, 1>) =>
  <C extends number>(a: Matrix<R, C>): Matrix<R, C> => {
    if (b.cols !== 1 || b.rows !== a.rows) {
      throw new ShapeError(`addColumn: expected a ${a.rows}×1 column for ${shapeOf(a)}, got ${shapeOf(b)}`)
    }
    const { rows, cols, data } = a
    const out = new Float64Array(rows * cols)
    for (let i = 0; i < rows; i++) {
      const bi = b.data[i]
      for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] + bi
    }
    return wrap(rows, cols, out)
  }

// -------------------------------------------------------------------------------------
// combinators: reductions
// -------------------------------------------------------------------------------------

/** Σ over columns (the batch): (R×C) -> R×1, each row summed left to right. db = sumColumns(dz). */
export const sumColumns = <R extends number>(a: Matrix<R, number>): Matrix<R, 1> => {
  const { rows, cols, data } = a
  const out = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let s = 0
    for (let j = 0; j < cols; j++) s += data[i * cols + j]
    out[i] = s
  }
  return wrap(rows, 1, out)
}

/** The sum of every entry, in storage order. */
export const sum = (a: Matrix): number => {
  const x = a.data
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]
  return s
}

/** The mean of every entry. */
export const mean = (a: Matrix): number => sum(a) / a.data.length

/** The Frobenius inner product ⟨a, b⟩ = Σᵢⱼ aᵢⱼ·bᵢⱼ. */
export const inner = (a: Matrix, b: Matrix): number => {
  sameShape('inner', a, b)
  const x = a.data, y = b.data
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i] * y[i]
  return s
}

/** The largest |aᵢⱼ − bᵢⱼ|; NaN when either holds NaN. */
export const maxAbsDiff = (a: Matrix, b: Matrix): number => {
  sameShape('maxAbsDiff', a, b)
  const x = a.data, y = b.data
  let worst = 0
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i])
    if (!(d <= worst)) worst = d // NaN propagates: `NaN <= worst` is false
  }
  return worst
}

/** True when every entry is finite (no NaN, no ±Infinity). */
export const allFinite = (a: Matrix): boolean => {
  const x = a.data
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false
  return true
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/** Entry (i, j). Throws RangeError outside the matrix. */
export const get = (a: Matrix, i: number, j: number): number => {
  if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < a.rows && j < a.cols)) {
    throw new RangeError(`get: (${i}, ${j}) is outside a ${shapeOf(a)} matrix`)
  }
  return a.data[i * a.cols + j]
}

/** Same shape and bit-identical entries (Object.is per entry: NaN equals NaN, +0 differs from −0). */
export const equals = (a: Matrix, b: Matrix): boolean => {
  if (a.rows !== b.rows || a.cols !== b.cols) return false
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) return false
  return true
}

/**
 * Same shape and every |aᵢⱼ − bᵢⱼ| ≤ tolerance·max(1, |aᵢⱼ|, |bᵢⱼ|): absolute near zero, relative for large entries.
 * Any NaN makes it false.
 */
export const approxEquals =
  (tolerance: number) =>
  (a: Matrix, b: Matrix): boolean => {
    if (a.rows !== b.rows || a.cols !== b.cols) return false
    for (let i = 0; i < a.data.length; i++) {
      const x = a.data[i], y = b.data[i]
      if (x === y) continue // equal infinities
      if (!(Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y)))) return false
    }
    return true
  }

/** The rows as plain arrays, e.g. for JSON. */
export const toRows = (a: Matrix): Array<Array<number>> =>
  Array.from({ length: a.rows }, (_, i) => Array.from(a.data.slice(i * a.cols, (i + 1) * a.cols)))

/** Column j as plain numbers. */
export const columnValues = (a: Matrix, j: number): Array<number> => {
  if (!(Number.isInteger(j) && j >= 0 && j < a.cols)) throw new RangeError(`columnValues: no column ${j} in ${shapeOf(a)}`)
  return Array.from({ length: a.rows }, (_, i) => a.data[i * a.cols + j])
}

/**
 * Aligned, readable printing: a header with the shape, then one line per row, decimal points aligned.
 * `digits` (default 4) fixes the digits after the point; large or tiny magnitudes switch to exponent form.
 */
export const show = (a: Matrix, digits = 4): string => {
  const format = (x: number): string => {
    const abs = Math.abs(x)
    return abs !== 0 && (abs >= 1e6 || abs < 10 ** -digits) && Number.isFinite(x)
      ? x.toExponential(digits)
      : x.toFixed(digits)
  }
  const cells = toRows(a).map((r) => r.map(format))
  const width = Math.max(...cells.flat().map((c) => c.length))
  const lines = cells.map((r) => '  [' + r.map((c) => c.padStart(width)).join(', ') + ']')
  return `Matrix ${shapeOf(a)}\n${lines.join('\n')}`
}
