/**
 * Parameter trees: readonly records and arrays whose leaves are matrices, as in JAX pytrees.
 * Gradients mirror parameters, and optimizers map over both leaf by leaf, so the structure is walked here once.
 *
 * Structure is compared by array length and record keys; a leaf of one tree facing a branch of another, or
 * matrices of different shapes, throw a {@link ShapeError} with the path where they differ.
 *
 * @since 0.1.0
 */
import type { Matrix } from './Matrix.js'
import { ShapeError, shapeOf } from './Matrix.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A matrix, or a readonly array or record of trees. */
export type Tree = Matrix | ReadonlyArray<Tree> | { readonly [key: string]: Tree }

const isMatrix = (t: unknown): t is Matrix =>
  typeof t === 'object' && t !== null && 'data' in t && 'rows' in t && 'cols' in t

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Applies `f` to every leaf; the result has the structure (and type) of the input. */
export const map =
  (f: (leaf: Matrix, path: string) => Matrix) =>
  <T extends Tree>(tree: T): T =>
    zipWithN(tree, [], (leaf, _rest, path) => f(leaf, path))

/** Combines two trees of the same structure and shapes leaf by leaf. */
export const zipWith =
  <T extends Tree>(b: T, f: (a: Matrix, b: Matrix, path: string) => Matrix) =>
  (a: T): T =>
    zipWithN(a, [b], (leaf, [other], path) => f(leaf, other!, path))

/** Combines three trees of the same structure and shapes leaf by leaf (e.g. gradients, first and second moments). */
export const zipWith3 =
  <T extends Tree>(b: T, c: T, f: (a: Matrix, b: Matrix, c: Matrix, path: string) => Matrix) =>
  (a: T): T =>
    zipWithN(a, [b, c], (leaf, [bLeaf, cLeaf], path) => f(leaf, bLeaf!, cLeaf!, path))

/** The leaves in a fixed order (array index order, then record keys in insertion order). */
export const leaves = (tree: Tree): ReadonlyArray<Matrix> => {
  const out: Array<Matrix> = []
  const walk = (t: Tree): void => {
    if (isMatrix(t)) out.push(t)
    else if (Array.isArray(t)) t.forEach(walk)
    else Object.values(t).forEach(walk)
  }
  walk(tree)
  return out
}

/** Left fold over the leaves in {@link leaves} order. */
export const reduce =
  <B>(initial: B, f: (acc: B, leaf: Matrix) => B) =>
  (tree: Tree): B =>
    leaves(tree).reduce(f, initial)

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const zipWithN = <T extends Tree>(
  first: T,
  others: ReadonlyArray<Tree>,
  f: (leaf: Matrix, others: ReadonlyArray<Matrix>, path: string) => Matrix
): T => {
  const go = (t: Tree, rest: ReadonlyArray<Tree>, path: string): Tree => {
    if (isMatrix(t)) {
      const leaves = rest.map((o) => {
        if (!isMatrix(o)) throw new ShapeError(`Tree: at ${path || 'the root'}: a matrix faces a branch`)
        if (o.rows !== t.rows || o.cols !== t.cols) {
          throw new ShapeError(`Tree: at ${path || 'the root'}: shapes differ: ${shapeOf(t)} and ${shapeOf(o)}`)
        }
        return o
      })
      return f(t, leaves, path)
    }
    if (Array.isArray(t)) {
      const arr: ReadonlyArray<Tree> = t
      rest.forEach((o) => {
        if (!Array.isArray(o) || o.length !== arr.length) {
          throw new ShapeError(`Tree: at ${path || 'the root'}: expected an array of ${arr.length}`)
        }
      })
      return arr.map((child, i) => go(child, rest.map((o) => (o as ReadonlyArray<Tree>)[i]!), `${path}[${i}]`))
    }
    const rec = t as { readonly [key: string]: Tree }
    const keys = Object.keys(rec)
    const out: Record<string, Tree> = {}
    for (const k of keys) {
      const children = rest.map((o) => {
        const child = isMatrix(o) || Array.isArray(o) ? undefined : (o as { readonly [key: string]: Tree })[k]
        if (child === undefined) throw new ShapeError(`Tree: at ${path ? `${path}.${k}` : k}: missing in one tree`)
        return child
      })
      out[k] = go(rec[k]!, children, path ? `${path}.${k}` : k)
    }
    rest.forEach((o) => {
      if (Object.keys(o).length !== keys.length) throw new ShapeError(`Tree: at ${path || 'the root'}: keys differ`)
    })
    return out
  }
  return go(first, others, '') as T
}
