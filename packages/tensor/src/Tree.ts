/**
 * Parameter trees: readonly records and arrays whose leaves are matrices, as in JAX pytrees.
 * Gradients mirror parameters, and optimizers map over both leaf by leaf, so the structure is walked here once.
 *
 * Every function here is one walk (at the end of the module). Structure is compared by array length and record keys;
 * a leaf of one tree facing a branch of another, or matrices of different shapes, throw a {@link ShapeError} with the
 * path where they differ; a value that is not a tree (a number, null, a class instance) a {@link NotATreeError}.
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

/**
 * A leaf is an object with numeric rows and cols. Its entries are not read here: a leaf may be a value whose data
 * must not be read (grad's traced values). Checked without `in`, on the hot path.
 */
const isMatrix = (t: unknown): t is Matrix =>
  typeof t === 'object' && t !== null && typeof (t as Matrix).rows === 'number' && typeof (t as Matrix).cols === 'number'

/**
 * A value where a tree was expected that is neither a matrix nor an array or plain record (a number, null, a class
 * instance, a function). `path` says where, as the paths of {@link mapWithPath} do ('' is the root); `found` what it is.
 */
export class NotATreeError extends TypeError {
  override readonly name = 'NotATreeError'
  constructor(
    readonly path: string,
    readonly found: string,
    readonly value: unknown
  ) {
    super(`Tree: at ${path || 'the root'}: expected a matrix (or a record or array of them), got ${found}`)
  }
}

/** A path of {@link mapWithPath} under a named root: `pathUnder('params', '[0].W')` is `params[0].W`, `('params', 'W')` `params.W`. */
export const pathUnder = (root: string, path: string): string => (path === '' || path.startsWith('[') ? `${root}${path}` : `${root}.${path}`)

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/** Applies `f` to every leaf; the result has the structure (and type) of the input. */
export const map =
  (f: (leaf: Matrix) => Matrix) =>
  <T extends Tree>(tree: T): T =>
    run(tree, undefined, undefined, { arity: 0, paths: false, build: true, leaf: f }) as T

/** `map` with each leaf's path (`[1].W`): for messages and tools; paths cost a string per leaf. */
export const mapWithPath =
  (f: (leaf: Matrix, path: string) => Matrix) =>
  <T extends Tree>(tree: T): T =>
    run(tree, undefined, undefined, { arity: 0, paths: true, build: true, leaf: (a, _b, _c, path) => f(a, path) }) as T

/** Combines two trees of the same structure and shapes leaf by leaf. */
export const zipWith =
  <T extends Tree>(b: T, f: (a: Matrix, b: Matrix) => Matrix) =>
  (a: T): T =>
    run(a, b, undefined, { arity: 1, paths: false, build: true, leaf: f }) as T

/** `zipWith` with each leaf's path. */
export const zipWithPath =
  <T extends Tree>(b: T, f: (a: Matrix, b: Matrix, path: string) => Matrix) =>
  (a: T): T =>
    run(a, b, undefined, { arity: 1, paths: true, build: true, leaf: (x, y, _c, path) => f(x, y, path) }) as T

/** Combines three trees of the same structure and shapes leaf by leaf (e.g. gradients, first and second moments). */
export const zipWith3 =
  <T extends Tree>(b: T, c: T, f: (a: Matrix, b: Matrix, c: Matrix) => Matrix) =>
  (a: T): T =>
    run(a, b, c, { arity: 2, paths: false, build: true, leaf: f }) as T

/** The leaves in a fixed order (array index order, then record keys in insertion order). */
export const leaves = (tree: Tree): ReadonlyArray<Matrix> => {
  const out: Array<Matrix> = []
  run(tree, undefined, undefined, { arity: 0, paths: false, build: false, leaf: (m) => void out.push(m) })
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
// the walk
// -------------------------------------------------------------------------------------

/**
 * What one walk does: rebuild (or only visit) the first tree, calling `leaf` at each of its leaves with the leaves
 * at the same place in up to two other trees (`arity`), and with the leaf's path when `paths` is set.
 */
interface Walk {
  readonly arity: 0 | 1 | 2
  readonly paths: boolean
  readonly build: boolean
  readonly leaf: (a: Matrix, b: Matrix, c: Matrix, path: string) => unknown
}

type TreeRecord = { readonly [key: string]: Tree }

/**
 * A plain record: an object literal, JSON.parse's records, or Object.create(null); not an array, class instance or
 * Map. `constructor === Object` answers for literals through an inline cache; the prototype is read for the rest.
 */
const isRecord = (t: unknown): t is TreeRecord => {
  if (typeof t !== 'object' || t === null) return false
  if ((t as { readonly constructor?: unknown }).constructor === Object) return true
  const proto: unknown = Object.getPrototypeOf(t)
  return proto === Object.prototype || proto === null
}

/**
 * Thrown where a walk without paths meets a problem: `run` then walks again with paths, which throws the error that
 * says where. A training step walks trees several times and builds no path strings.
 */
const PROBLEM = new ShapeError('Tree: the trees differ')

/** How deep a tree may nest: deeper is taken for a tree that contains itself (a cycle would never end). */
const MAX_DEPTH = 1000

const where = (path: string): string => path || 'the root'
const child = (path: string, key: string): string => (path ? `${path}.${key}` : key)

/** What faces a matrix or a record in another tree, for messages. */
const describe = (u: unknown): string =>
  isMatrix(u) ? 'a matrix' : Array.isArray(u) || isRecord(u) ? 'a branch' : u === null ? 'null' : typeof u === 'object' ? 'an object that is not a plain record' : typeof u

/**
 * The one walk every function here is: `a` rebuilt (arrays by index, records by key in insertion order) with
 * `w.leaf` at each leaf, `b` and `c` walked in lockstep for `w.arity` > 0 and checked to have `a`'s structure and
 * shapes. Module-level recursion, no closure per node; a record's copy starts empty and gains its keys in order (on V8
 * that is faster than a spread copy whose values are then replaced, and records of one shape share a hidden class).
 */
const walk = (a: unknown, b: unknown, c: unknown, w: Walk, path: string, depth: number): unknown => {
  if (depth > MAX_DEPTH) return fail(w, `Tree: at ${where(path)}: nested more than ${MAX_DEPTH} deep (does the tree contain itself?)`)
  return Array.isArray(a) ? walkArray(a, b, c, w, path, depth) : isMatrix(a) ? atLeaf(a, b, c, w, path) : walkRecord(a, b, c, w, path, depth)
}

const atLeaf = (a: Matrix, b: unknown, c: unknown, w: Walk, path: string): unknown => {
  if (w.arity > 0) {
    matchLeaf(a, b, w, path)
    if (w.arity > 1) matchLeaf(a, c, w, path)
  }
  return w.leaf(a, b as Matrix, c as Matrix, path)
}

const walkArray = (a: ReadonlyArray<unknown>, b: unknown, c: unknown, w: Walk, path: string, depth: number): unknown => {
  const n = a.length
  if (w.arity > 0 && !(Array.isArray(b) && b.length === n && (w.arity === 1 || (Array.isArray(c) && c.length === n)))) {
    return fail(w, `Tree: at ${where(path)}: expected an array of ${n}`)
  }
  const out = w.build ? new Array<unknown>(n) : undefined
  for (let i = 0; i < n; i++) {
    const x = a[i], y = w.arity > 0 ? (b as ReadonlyArray<unknown>)[i] : undefined, z = w.arity > 1 ? (c as ReadonlyArray<unknown>)[i] : undefined
    const at = w.paths ? `${path}[${i}]` : ''
    const r = isMatrix(x) ? atLeaf(x, y, z, w, at) : walk(x, y, z, w, at, depth + 1)
    if (out !== undefined) out[i] = r
  }
  return out
}

const walkRecord = (a: unknown, b: unknown, c: unknown, w: Walk, path: string, depth: number): unknown => {
  if (!isRecord(a)) {
    if (!w.paths) throw PROBLEM
    throw new NotATreeError(path, a === null ? 'null' : typeof a === 'object' ? 'an object that is not a plain record' : typeof a, a)
  }
  if (w.arity > 0 && !(isBranchRecord(b) && (w.arity === 1 || isBranchRecord(c)))) {
    return fail(w, `Tree: at ${where(path)}: a record faces ${describe(w.arity > 1 && isBranchRecord(b) ? c : b)}`)
  }
  const out: Record<string, unknown> | undefined = w.build ? {} : undefined
  let keys = 0
  for (const k in a) {
    const place = keys++ // the key's place in the record: its load and store sites (see put)
    const x = (a as TreeRecord)[k], y = w.arity > 0 ? ownKey(b as TreeRecord, place, k) : undefined, z = w.arity > 1 ? ownKey(c as TreeRecord, place, k) : undefined
    if (w.arity > 0 && (y === undefined || (w.arity > 1 && z === undefined))) return fail(w, `Tree: at ${child(path, k)}: missing in one tree`)
    const at = w.paths ? child(path, k) : ''
    const r = isMatrix(x) ? atLeaf(x, y, z, w, at) : walk(x, y, z, w, at, depth + 1)
    if (out !== undefined) put(out, place, k, r)
  }
  if (w.arity > 0 && (countKeys(b) !== keys || (w.arity > 1 && countKeys(c) !== keys))) return fail(w, `Tree: at ${where(path)}: keys differ`)
  return out
}

const matchLeaf = (a: Matrix, o: unknown, w: Walk, path: string): void => {
  if (!isMatrix(o)) fail(w, `Tree: at ${where(path)}: a matrix faces ${describe(o)}`)
  else if (o.rows !== a.rows || o.cols !== a.cols) fail(w, `Tree: at ${where(path)}: shapes differ: ${shapeOf(a)} and ${shapeOf(o)}`)
}

const fail = (w: Walk, message: string): never => {
  throw w.paths ? new ShapeError(message) : PROBLEM
}

/**
 * An object that is neither an array nor a matrix, facing a record of the first tree: its own keys are compared with
 * the record's, so its prototype is not checked (the first tree's records are).
 */
const isBranchRecord = (o: unknown): o is TreeRecord => typeof o === 'object' && o !== null && !Array.isArray(o) && !isMatrix(o)

/**
 * o[k] when k is o's own key, else undefined. A key o only inherits from Object.prototype holds a function, or for
 * "__proto__" Object.prototype itself: both are told apart without a hasOwn call per key. Read at a site for the key's
 * place in its record, as `put` writes (a keyed load at a site that has seen several names costs about 100
 * instructions on V8, one that has seen one name about 5).
 */
const ownKey = (o: TreeRecord, place: number, k: string): unknown => {
  const v: unknown = place === 0 ? o[k] : place === 1 ? o[k] : place === 2 ? o[k] : o[k]
  return typeof v === 'function' || (k === '__proto__' && !Object.hasOwn(o, k)) ? undefined : v
}

const countKeys = (o: unknown): number => {
  let n = 0
  for (const _ in o as object) n++
  return n
}

/**
 * out[k] = value as an own property, at a store site chosen by the key's place in its record (first, second, third,
 * later). V8 keeps feedback per site: a site that has seen one key name stores about as fast as a literal, one that
 * sees several goes megamorphic and costs about 190 instructions a store. So records whose keys come in one order, as
 * every layer's { W, b }, are built fast (Ad's XOR step: 24,100 → 22,300 instructions), and other trees lose nothing
 * (apps/bench/results/2026-12-02-log-and-ad-costs.md). A key named "__proto__" (JSON.parse makes them) is defined, or
 * it would set the prototype.
 */
const put = (out: Record<string, unknown>, place: number, k: string, value: unknown): void => {
  if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
  else if (place === 0) out[k] = value
  else if (place === 1) out[k] = value
  else if (place === 2) out[k] = value
  else out[k] = value
}

/** Runs a walk from the root; a problem met without paths is reported by a second walk, with paths, that only checks. */
const run = (a: unknown, b: unknown, c: unknown, w: Walk): unknown => {
  try {
    return walk(a, b, c, w, '', 0)
  } catch (e) {
    if (e !== PROBLEM) throw e
    walk(a, b, c, { arity: w.arity, paths: true, build: false, leaf: nothing }, '', 0)
    throw e
  }
}

const nothing = (): undefined => undefined
