/**
 * The reference product and random product problems, shared by the kernel tests (single-threaded and threaded).
 */
import fc from 'fast-check'
import * as M from '../Matrix.js'
import { dim, matrix } from './arbitraries.js'

/** The reference: one dot product per output, ascending p, from +0. */
export const naive = (m: number, n: number, k: number, a: ArrayLike<number>, ars: number, acs: number, b: ArrayLike<number>, brs: number, bcs: number) => {
  const out = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = 0; p < k; p++) s += a[i * ars + p * acs]! * b[p * brs + j * bcs]!
      out[i * n + j] = s
    }
  }
  return out
}

export const sameBits = (x: Float64Array, y: Float64Array): boolean => x.length === y.length && x.every((v, i) => Object.is(v, y[i]))

/** Shapes up to maxDim (mostly not multiples of the 4×4 tile), with a layout: a·b, aᵀ·b or a·bᵀ. */
export const problem = (maxDim = 37) =>
  fc
  .tuple(dim(maxDim), dim(maxDim), dim(maxDim), fc.constantFrom('nn', 'tn', 'nt'))
  .chain(([m, n, k, layout]) => fc.tuple(fc.constant({ m, n, k, layout }), matrix(m, k), matrix(k, n)))
  .map(([{ m, n, k, layout }, a0, b0]) => {
    // Store A as m×k or k×m and B as k×n or n×k; the strides read the same logical operands.
    const a = layout === 'tn' ? M.transpose(a0) : a0
    const b = layout === 'nt' ? M.transpose(b0) : b0
    const [ars, acs] = layout === 'tn' ? [1, m] : [k, 1]
    const [brs, bcs] = layout === 'nt' ? [1, k] : [n, 1]
    return { m, n, k, a: a.data, ars, acs, b: b.data, brs, bcs }
  })
