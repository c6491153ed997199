/**
 * The parameter trees of Ad, walked by Tree's one walk: tracing a params tree into traced leaves, building the
 * gradient tree of the same structure, and mapping over a tree whose leaves may be traced (Tree reads no leaf's data).
 * A value in the tree that is not a matrix is a TypeError naming its path under `params`.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { zeros } from '@puregrad/tensor/Matrix'
import type { Tree } from '@puregrad/tensor/Tree'
import { map, NotATreeError, pathUnder } from '@puregrad/tensor/Tree'
import type { Call } from './tape.js'
import { Traced } from './tape.js'

/**
 * The params tree with every leaf a new traced value of `call`, the leaves collected in `leaves` in Tree.leaves order.
 * A traced value of another call among the params is refused: nested differentiation is not supported.
 */
export const traceTree = (op: string, params: unknown, call: Call, leaves: Array<Matrix>): unknown =>
  mapLeaves(op, params, (leaf) => {
    if (leaf instanceof Traced) {
      throw new TypeError(`${op}: a parameter is a traced value of another call: nested differentiation is not supported`)
    }
    if (!ArrayBuffer.isView(leaf.data)) throw new TypeError(`${op}: a ${leaf.rows}×${leaf.cols} parameter's data is not a Float64Array`)
    leaves.push(leaf)
    return call.leaf(leaf)
  })

/** The gradient tree: the params' structure with leaf i replaced by its cotangent (zeros where there is none). */
export const gradTree = (op: string, params: unknown, cotangents: ReadonlyArray<Matrix | undefined>): unknown => {
  let i = 0
  return mapLeaves(op, params, (leaf) => cotangents[i++] ?? zeros(leaf.rows, leaf.cols))
}

/**
 * The tree (records, arrays, nesting) with every leaf replaced by f(leaf), leaves visited in Tree.leaves order. A value
 * that is not a matrix is a TypeError saying where: `Ad.valueAndGrad: params.layers[0].W: expected a matrix (or a
 * record or array of them), got number`.
 */
export const mapLeaves = <P>(op: string, tree: P, f: (leaf: Matrix) => Matrix): P => {
  try {
    return map(f)(tree as Tree) as P
  } catch (e) {
    if (!(e instanceof NotATreeError)) throw e
    throw new TypeError(`${op}: ${pathUnder('params', e.path)}: expected a matrix (or a record or array of them), got ${e.found}`)
  }
}
