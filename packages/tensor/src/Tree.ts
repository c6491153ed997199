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

/**
 * T itself when T is a tree whose leaves are all matrices, written any way (records declared with `interface`
 * included, which have no index signature and so are not `Tree`s), else a type T is not assignable to. Take a
 * caller's own parameter type as `<P>(params: P & TreeOf<P>)`.
 */
export type TreeOf<T> = T extends Matrix
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<TreeOf<U>>
    : T extends (...args: never) => unknown
      ? never
      : T extends object
        ? { readonly [K in keyof T]: TreeOf<T[K]> }
        : never

/** A leaf is anything with numeric rows and cols and a data array: checked without `in`, on the hot path. */
const isMatrix = (t: unknown): t is Matrix => typeof (t as Matrix).rows === 'number' && (t as Matrix).data !== undefined

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Applies `f` to every leaf; the result has the structure (and type) of the input. */
export const map =
  (f: (leaf: Matrix) => Matrix) =>
  <T extends Tree>(tree: T): T =>
    mapTree(tree, f) as T

/** `map` with each leaf's path (`[1].W`): for messages and tools; paths cost a string per leaf. */
export const mapWithPath =
  (f: (leaf: Matrix, path: string) => Matrix) =>
  <T extends Tree>(tree: T): T =>
    walk(tree, [], (leaf, _, path) => f(leaf, path), true)

/** Combines two trees of the same structure and shapes leaf by leaf. */
export const zipWith =
  <T extends Tree>(b: T, f: (a: Matrix, b: Matrix) => Matrix) =>
  (a: T): T =>
    zipChecked(a, b, f) as T

/** `zipWith` with each leaf's path. */
export const zipWithPath =
  <T extends Tree>(b: T, f: (a: Matrix, b: Matrix, path: string) => Matrix) =>
  (a: T): T =>
    walk(a, [b], (leaf, others, path) => f(leaf, others[0]!, path), true)

/** Combines three trees of the same structure and shapes leaf by leaf (e.g. gradients, first and second moments). */
export const zipWith3 =
  <T extends Tree>(b: T, c: T, f: (a: Matrix, b: Matrix, c: Matrix) => Matrix) =>
  (a: T): T =>
    walk(a, [b, c], (leaf, others) => f(leaf, others[0]!, others[1]!), false)

/** The leaves in a fixed order (array index order, then record keys in insertion order). */
export const leaves = (tree: Tree): ReadonlyArray<Matrix> => {
  const out: Array<Matrix> = []
  const visit = (t: Tree): void => {
    if (isMatrix(t)) out.push(t)
    else if (Array.isArray(t)) for (let i = 0; i < t.length; i++) visit(t[i])
    else for (const k in t) visit((t as { readonly [key: string]: Tree })[k]!)
  }
  visit(tree)
  return out
}

/** The number of entries in all the leaves: a model's parameter count. */
export const size = (tree: Tree): number => leaves(tree).reduce((n, m) => n + m.rows * m.cols, 0)

/** Left fold over the leaves in {@link leaves} order. */
export const reduce =
  <B>(initial: B, f: (acc: B, leaf: Matrix) => B) =>
  (tree: Tree): B =>
    leaves(tree).reduce(f, initial)

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const where = (path: string): string => path || 'the root'

type TreeRecord = { readonly [key: string]: Tree }

// map and zipWith run on every training step: module-level recursion (no closure per call), no key arrays, no
// paths, leaves of a record handled in place. A record's copy starts empty and gains its keys in order: on V8 that
// is faster than a spread copy whose values are then replaced (records of one shape then share one hidden class).
// On a mismatch zipTrees throws a bare marker and zipWith re-walks with paths (walk) to say where.

/**
 * out[k] = value as an own property. Assigning to a key named "__proto__" would set the record's prototype instead
 * (a tree parsed from JSON can have such a key), so that one key is defined rather than assigned.
 */
const put = (out: Record<string, Tree>, k: string, value: Tree): void => {
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
  else out[k] = value
}

const mapTree = (t: Tree, f: (leaf: Matrix) => Matrix): Tree => {
  if (Array.isArray(t)) {
    const out = new Array<Tree>(t.length)
    for (let i = 0; i < t.length; i++) out[i] = mapTree(t[i], f)
    return out
  }
  if (isMatrix(t)) return f(t)
  const rec = t as TreeRecord
  const out: Record<string, Tree> = {}
  for (const k in rec) {
    const child = rec[k]!
    put(out, k, isMatrix(child) ? f(child) : mapTree(child, f))
  }
  return out
}

const MISMATCH = new ShapeError('Tree: the trees differ')

const zipLeaves = (x: Matrix, y: Tree, f: (a: Matrix, b: Matrix) => Matrix): Matrix => {
  if (!isMatrix(y) || x.rows !== y.rows || x.cols !== y.cols) throw MISMATCH
  return f(x, y)
}

const zipTrees = (x: Tree, y: Tree, f: (a: Matrix, b: Matrix) => Matrix): Tree => {
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || y.length !== x.length) throw MISMATCH
    const out = new Array<Tree>(x.length)
    for (let i = 0; i < x.length; i++) out[i] = zipTrees(x[i], (y as ReadonlyArray<Tree>)[i]!, f)
    return out
  }
  if (isMatrix(x)) return zipLeaves(x, y, f)
  if (isMatrix(y) || Array.isArray(y)) throw MISMATCH
  const rx = x as TreeRecord, ry = y as TreeRecord
  const out: Record<string, Tree> = {}
  let keys = 0
  for (const k in rx) {
    const child = rx[k]!, other = ry[k]
    if (other === undefined) throw MISMATCH
    put(out, k, isMatrix(child) ? zipLeaves(child, other, f) : zipTrees(child, other, f))
    keys++
  }
  for (const _ in ry) keys--
  if (keys !== 0) throw MISMATCH
  return out
}

/** zipTrees, with a mismatch reported by a walk that names its path. */
const zipChecked = (a: Tree, b: Tree, f: (a: Matrix, b: Matrix) => Matrix): Tree => {
  try {
    return zipTrees(a, b, f)
  } catch (e) {
    if (e !== MISMATCH) throw e
    walk(a, [b], (leaf) => leaf, true) // throws a ShapeError naming the path
    throw new ShapeError('Tree: the trees differ')
  }
}

/**
 * Walks `first` and `others` in lockstep, rebuilding the structure with `f` at the leaves. Paths are built only
 * when `withPaths` is set (a training step walks trees several times and needs none); a mismatch always reports one.
 */
const walk = <T extends Tree>(
  first: T,
  others: ReadonlyArray<Tree>,
  f: (leaf: Matrix, others: ReadonlyArray<Matrix>, path: string) => Matrix,
  withPaths: boolean
): T => {
  const go = (t: Tree, rest: ReadonlyArray<Tree>, path: string): Tree => {
    if (isMatrix(t)) {
      for (const o of rest) {
        if (!isMatrix(o)) throw new ShapeError(`Tree: at ${where(path)}: a matrix faces a branch`)
        if (o.rows !== t.rows || o.cols !== t.cols) {
          throw new ShapeError(`Tree: at ${where(path)}: shapes differ: ${shapeOf(t)} and ${shapeOf(o)}`)
        }
      }
      return f(t, rest as ReadonlyArray<Matrix>, path)
    }
    if (Array.isArray(t)) {
      const arr: ReadonlyArray<Tree> = t
      for (const o of rest) {
        if (!Array.isArray(o) || o.length !== arr.length) throw new ShapeError(`Tree: at ${where(path)}: expected an array of ${arr.length}`)
      }
      const out = new Array<Tree>(arr.length)
      for (let i = 0; i < arr.length; i++) {
        const children = rest.length === 0 ? rest : rest.map((o) => (o as ReadonlyArray<Tree>)[i]!)
        out[i] = go(arr[i]!, children, withPaths ? `${path}[${i}]` : '')
      }
      return out
    }
    const rec = t as { readonly [key: string]: Tree }
    const out: Record<string, Tree> = {}
    let count = 0
    for (const k in rec) {
      count++
      const children = rest.map((o) => {
        const child = isMatrix(o) || Array.isArray(o) ? undefined : (o as { readonly [key: string]: Tree })[k]
        if (child === undefined) throw new ShapeError(`Tree: at ${path ? `${path}.${k}` : k}: missing in one tree`)
        return child
      })
      put(out, k, go(rec[k]!, children, withPaths ? (path ? `${path}.${k}` : k) : ''))
    }
    for (const o of rest) if (Object.keys(o).length !== count) throw new ShapeError(`Tree: at ${where(path)}: keys differ`)
    return out
  }
  return go(first, others, '') as T
}
