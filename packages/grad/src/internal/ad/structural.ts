/**
 * Products, reductions and reshaping, each forward rule with its VJP beside it (g = ∂C/∂output).
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, matmul as mm, matmulTranspose, shapeOf, sumColumns, transpose as tr, transposeMatmul, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Primitive } from './tape.js'
import { scalar } from './tape.js'

/** a·b, (R×K)·(K×C) → R×C: ∂/∂a = g·bᵀ, ∂/∂b = aᵀ·g (neither transpose is materialised). */
export const matmul: Primitive<undefined, { readonly a: Matrix; readonly b: Matrix }> = {
  name: 'matmul',
  forward: ([a, b]) => {
    if (a!.cols !== b!.rows) throw new ShapeError(`Ad.matmul: (${shapeOf(a!)})·(${shapeOf(b!)}): inner dimensions ${a!.cols} ≠ ${b!.rows}`)
    return [mm(b!)(a!), { a: a!, b: b! }]
  },
  vjp: ({ a, b }, g, needs) => [needs[0] ? matmulTranspose(b)(g) : undefined, needs[1] ? transposeMatmul(g)(a) : undefined]
}

/** xᵀ: ∂/∂x = gᵀ. */
export const transpose: Primitive<undefined, undefined> = {
  name: 'transpose',
  forward: ([x]) => [tr(x!), undefined],
  vjp: (_, g) => [tr(g)]
}

/** 0: over rows (→ 1×m), 1: over columns (→ n×1), undefined: everything (→ 1×1). */
export type Axis = 0 | 1 | undefined

interface Reduced {
  readonly rows: number
  readonly cols: number
  readonly axis: Axis
  /** 1 for a sum; 1/count for a mean. */
  readonly factor: number
}

/** Σ over the axis, each sum from +0 in index order (columns left to right, as Matrix.sumColumns does). */
const sumAlong = (x: Matrix, axis: Axis): Matrix => {
  if (axis === 1) return sumColumns(x)
  const { rows, cols, data } = x
  if (axis === 0) {
    const out = new Float64Array(cols)
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += data[i * cols + j]!
    return unsafeWrap(1, cols, out)
  }
  let s = 0
  for (let i = 0; i < data.length; i++) s += data[i]!
  return scalar(s)
}

const checkAxis = (op: string, axis: unknown): Axis => {
  if (axis !== 0 && axis !== 1 && axis !== undefined) throw new RangeError(`Ad.${op}: axis must be 0, 1 or omitted, got ${String(axis)}`)
  return axis
}

const count = (x: Matrix, axis: Axis): number => (axis === 0 ? x.rows : axis === 1 ? x.cols : x.rows * x.cols)

/** g spread back over the reduced axis, times `factor`: every entry of x fed its output with weight `factor`. */
const spread = ({ rows, cols, axis, factor }: Reduced, g: Matrix): Matrix => {
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = factor * g.data[axis === 0 ? j : axis === 1 ? i : 0]!
  }
  return unsafeWrap(rows, cols, out)
}

/** Σ x over an axis: ∂/∂x = g repeated along the summed axis. */
export const sum: Primitive<Axis, Reduced> = {
  name: 'sum',
  forward: ([x], axis) => [sumAlong(x!, checkAxis('sum', axis)), { rows: x!.rows, cols: x!.cols, axis, factor: 1 }],
  vjp: (saved, g) => [spread(saved, g)]
}

/** The mean over an axis (Σ/n): ∂/∂x = g/n repeated along the axis. */
export const mean: Primitive<Axis, Reduced> = {
  name: 'mean',
  forward: ([x], axis) => {
    const n = count(x!, checkAxis('mean', axis))
    const s = sumAlong(x!, axis)
    const out = new Float64Array(s.data.length)
    for (let i = 0; i < out.length; i++) out[i] = s.data[i]! / n
    return [unsafeWrap(s.rows, s.cols, out), { rows: x!.rows, cols: x!.cols, axis, factor: 1 / n }]
  }
  ,
  vjp: (saved, g) => [spread(saved, g)]
}

/** The same entries in row-major order as rows × cols: ∂/∂x = g reshaped back. */
export const reshape: Primitive<readonly [number, number], readonly [number, number]> = {
  name: 'reshape',
  forward: ([x], [rows, cols]) => {
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 1 || cols < 1 || rows * cols !== x!.rows * x!.cols) {
      throw new ShapeError(`Ad.reshape: cannot reshape ${shapeOf(x!)} (${x!.rows * x!.cols} entries) to ${rows}×${cols}`)
    }
    return [unsafeWrap(rows, cols, x!.data as Float64Array), [x!.rows, x!.cols]]
  },
  vjp: ([rows, cols], g) => [unsafeWrap(rows, cols, g.data as Float64Array)]
}

/** Rows [start, end) of x: ∂/∂x = g in those rows, 0 elsewhere. */
export const sliceRows: Primitive<readonly [number, number], { readonly rows: number; readonly start: number }> = {
  name: 'sliceRows',
  forward: ([x], [start, end]) => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > x!.rows || start >= end) {
      throw new ShapeError(`Ad.sliceRows: rows [${start}, ${end}) of ${shapeOf(x!)}: need 0 ≤ start < end ≤ ${x!.rows}`)
    }
    const c = x!.cols
    return [unsafeWrap(end - start, c, x!.data.slice(start * c, end * c) as Float64Array), { rows: x!.rows, start }]
  },
  vjp: ({ rows, start }, g) => {
    const out = new Float64Array(rows * g.cols)
    out.set(g.data as Float64Array, start * g.cols)
    return [unsafeWrap(rows, g.cols, out)]
  }
}

/** The rows of every x stacked, first on top: ∂/∂xₖ = the rows of g that xₖ filled. */
export const concatRows: Primitive<undefined, ReadonlyArray<number>> = {
  name: 'concatRows',
  forward: (xs) => {
    if (xs.length === 0) throw new ShapeError('Ad.concatRows: nothing to concatenate')
    const cols = xs[0]!.cols
    const bad = xs.find((x) => x.cols !== cols)
    if (bad !== undefined) throw new ShapeError(`Ad.concatRows: every part needs ${cols} columns (as the first), got ${shapeOf(bad)}`)
    const rows = xs.reduce((n, x) => n + x.rows, 0)
    const out = new Float64Array(rows * cols)
    let at = 0
    for (const x of xs) {
      out.set(x.data as Float64Array, at)
      at += x.data.length
    }
    return [unsafeWrap(rows, cols, out), xs.map((x) => x.rows)]
  },
  vjp: (rowCounts, g, needs) => {
    let at = 0
    return rowCounts.map((rows, k) => {
      const from = at
      at += rows * g.cols
      return needs[k] ? unsafeWrap(rows, g.cols, g.data.slice(from, at) as Float64Array) : undefined
    })
  }
}
