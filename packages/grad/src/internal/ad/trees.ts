/**
 * The parameter trees of Ad: tracing a params tree into traced leaves, building the gradient tree of the same
 * structure, and mapping over a tree whose leaves may be traced (whose data must not be read). Records, arrays and
 * nesting; a leaf that is not a matrix is a TypeError naming its path. Module-level walks without closures: a training
 * step runs them on every call.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { zeros } from '@puregrad/tensor/Matrix'
import type { Call } from './tape.js'
import { Traced } from './tape.js'

/** A matrix that is not traced (a traced value's data must not be read, so it is told apart first). */
const isPlainMatrix = (u: unknown): u is Matrix =>
  typeof u === 'object' &&
  u !== null &&
  !(u instanceof Traced) &&
  typeof (u as Matrix).rows === 'number' &&
  typeof (u as Matrix).cols === 'number' &&
  ArrayBuffer.isView((u as Matrix).data)

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === 'object' && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/**
 * The params tree with every leaf a new traced value of `call` (collected in `leaves`, in Tree.leaves order). Module
 * level and without closures, like Tree.map: a training step runs it on every call. A leaf that is not a matrix is a
 * TypeError naming its path.
 */
export const traceTree = (op: string, params: unknown, call: Call, leaves: Array<Matrix>): unknown => {
  try {
    return trace(params, call, leaves)
  } catch (e) {
    if (e === NESTED) throw new TypeError(`${op}: a parameter is a traced value of another call: nested differentiation is not supported`)
    if (e !== BAD_LEAF) throw e
    throw new TypeError(`${op}: ${badLeafPath(params, '')}`)
  }
}

const trace = (t: unknown, call: Call, leaves: Array<Matrix>): unknown => {
  if (isPlainMatrix(t)) {
    leaves.push(t)
    return call.leaf(t)
  }
  if (Array.isArray(t)) {
    const out = new Array<unknown>(t.length)
    for (let i = 0; i < t.length; i++) out[i] = trace(t[i], call, leaves)
    return out
  }
  if (!isRecord(t)) throw t instanceof Traced ? NESTED : BAD_LEAF
  const out: Record<string, unknown> = {}
  for (const k in t) putKey(out, k, trace(t[k], call, leaves))
  return out
}

/** The gradient tree: the params' structure with leaf i replaced by its cotangent (zeros where there is none). */
export const gradTree = (t: unknown, cotangents: ReadonlyArray<Matrix | undefined>, leaves: ReadonlyArray<Matrix>, at: { next: number }): unknown => {
  if (Array.isArray(t)) {
    const out = new Array<unknown>(t.length)
    for (let i = 0; i < t.length; i++) out[i] = gradTree(t[i], cotangents, leaves, at)
    return out
  }
  if (isPlainMatrix(t)) {
    const i = at.next++
    return cotangents[i] ?? zerosLike(leaves[i]!)
  }
  const rec = t as Readonly<Record<string, unknown>>
  const out: Record<string, unknown> = {}
  for (const k in rec) putKey(out, k, gradTree(rec[k], cotangents, leaves, at))
  return out
}

/** rec[k] = value; a key named "__proto__" (a tree parsed from JSON) is defined, or it would set the prototype. */
const putKey = (rec: Record<string, unknown>, k: string, value: unknown): void => {
  if (k === '__proto__') Object.defineProperty(rec, k, { value, enumerable: true, writable: true, configurable: true })
  else rec[k] = value
}

const NESTED = new TypeError('Ad: nested differentiation')

/** Thrown inside a walk; `mapLeaves` walks again with paths to say where. */
const BAD_LEAF = new TypeError('Ad: a leaf is not a matrix')

/**
 * The tree (records, arrays, nesting) with every leaf replaced by f(leaf), leaves visited in Tree.leaves order (array
 * index order, record keys in insertion order). A leaf that is not a matrix is a TypeError naming its path; a traced
 * leaf (a customVjp's parameters inside a call) is passed to f without its data being read.
 */
export const mapLeaves = <P>(op: string, tree: P, f: (leaf: Matrix) => Matrix): P => {
  try {
    return mapTree(tree, f) as P
  } catch (e) {
    if (e !== BAD_LEAF) throw e
    throw new TypeError(`${op}: ${badLeafPath(tree, '')}`)
  }
}

const mapTree = (t: unknown, f: (leaf: Matrix) => Matrix): unknown => {
  if (t instanceof Traced || isPlainMatrix(t)) return f(t)
  if (Array.isArray(t)) {
    const out = new Array<unknown>(t.length)
    for (let i = 0; i < t.length; i++) out[i] = mapTree(t[i], f)
    return out
  }
  if (!isRecord(t)) throw BAD_LEAF
  const out: Record<string, unknown> = {}
  for (const k in t) putKey(out, k, mapTree(t[k], f))
  return out
}

/** The path and kind of the first leaf that is not a matrix, e.g. `params.layers[0].W: expected a matrix …, got number`. */
const badLeafPath = (t: unknown, path: string): string => {
  const here = `params${path === '' || path.startsWith('[') ? path : `.${path}`}`
  if (t instanceof Traced || isPlainMatrix(t)) return ''
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) {
      const found = badLeafPath(t[i], `${path}[${i}]`)
      if (found !== '') return found
    }
    return ''
  }
  if (isRecord(t)) {
    for (const k in t) {
      const found = badLeafPath(t[k], path === '' ? k : `${path}.${k}`)
      if (found !== '') return found
    }
    return ''
  }
  const kind = t === null ? 'null' : typeof t === 'object' ? 'an object that is not a plain record' : typeof t
  return `${here}: expected a matrix (or a record or array of them), got ${kind}`
}

const zerosLike = (m: Matrix): Matrix => zeros(m.rows, m.cols)
