/**
 * Datasets and batches. A dataset holds inputs x (features × N) and targets y (outputs × N), one example per column.
 * `batches` is pure and seeded: the same key gives the same batches. `decodeDataset` is the boundary for JSON data.
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { foldIn, permutation } from '@puregrad/tensor/Random'
import type { Batch } from './Mlp.js'
import { describe, total } from './errors.js'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type Dataset = Batch

export interface BatchOptions {
  /** Examples per batch; the last batch of an epoch holds the remainder when N is not a multiple. */
  readonly batchSize: number
  readonly epochs: number
  /** Reshuffle the examples every epoch (default true); the order then depends only on the key and the epoch. */
  readonly shuffle?: boolean
}

// -------------------------------------------------------------------------------------
// batches
// -------------------------------------------------------------------------------------

/** The columns of m at the given indices, in that order. */
export const selectColumns = (m: Matrix, indices: ReadonlyArray<number>): Matrix =>
  M.makeBy(m.rows, indices.length, (i, j) => m.data[i * m.cols + indices[j]!]!)

/** The number of examples (columns). Throws ShapeError when x and y disagree. */
export const size = (dataset: Dataset): number => {
  if (dataset.x.cols !== dataset.y.cols) {
    throw new M.ShapeError(`Dataset: x has ${dataset.x.cols} examples, y has ${dataset.y.cols}`)
  }
  return dataset.x.cols
}

/**
 * Mini-batches over `epochs` passes of the data, lazily. Epoch e uses permutation(foldIn(key, e), N) when shuffling.
 * Throws RangeError for a batch size or epoch count that is not a positive integer (resp. ≥ 0).
 */
export function* batches(key: Key, dataset: Dataset, { batchSize, epochs, shuffle = true }: BatchOptions): Generator<Batch, void, undefined> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`)
  if (!Number.isSafeInteger(epochs) || epochs < 0) throw new RangeError(`batches: epochs must be an integer ≥ 0, got ${epochs}`)
  const n = size(dataset)
  const identity = Array.from({ length: n }, (_, i) => i)
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffle ? permutation(foldIn(key, epoch), n) : identity
    if (!shuffle && batchSize >= n) {
      yield dataset // one full batch, no copy
      continue
    }
    for (let start = 0; start < n; start += batchSize) {
      const indices = order.slice(start, start + batchSize)
      yield { x: selectColumns(dataset.x, indices), y: selectColumns(dataset.y, indices) }
    }
  }
}

/** The same batch `steps` times: full-batch training, as in the notebook. */
export function* repeat(batch: Batch, steps: number): Generator<Batch, void, undefined> {
  for (let i = 0; i < steps; i++) yield batch
}

// -------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------

/**
 * The JSON shape of a dataset: one row per example, as people write data by hand.
 * `{ "x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]] }`
 */
export const DatasetJson = t.type({ x: t.array(t.array(t.number)), y: t.array(t.array(t.number)) })
export type DatasetJson = t.TypeOf<typeof DatasetJson>

/** Rows (one per example) to a features × N matrix; Left naming the path for empty, ragged or non-finite data. */
const examplesToColumns = (name: string, rows: unknown): E.Either<string, Matrix> => {
  if (!Array.isArray(rows)) return E.left(`${name}: expected Array<Array<number>>, got ${describe(rows)}`)
  if (rows.length === 0) return E.left(`${name}: expected at least one example, got none`)
  const first: unknown = rows[0]
  if (!Array.isArray(first)) return E.left(`${name}[0]: expected Array<number>, got ${describe(first)}`)
  const width = first.length
  if (width === 0) return E.left(`${name}[0]: expected at least one number, got none`)
  const out = new Float64Array(width * rows.length)
  for (let j = 0; j < rows.length; j++) {
    const r: unknown = rows[j]
    if (!Array.isArray(r)) return E.left(`${name}[${j}]: expected Array<number>, got ${describe(r)}`)
    if (r.length !== width) return E.left(`${name}[${j}]: expected ${width} numbers (as ${name}[0]), got ${r.length}`)
    for (let i = 0; i < width; i++) {
      const v: unknown = r[i]
      if (typeof v !== 'number') return E.left(`${name}[${j}][${i}]: expected number, got ${describe(v)}`)
      if (!Number.isFinite(v)) return E.left(`${name}[${j}][${i}]: expected a finite number, got ${v}`)
      out[i * rows.length + j] = v
    }
  }
  return E.right(M.unsafeWrap(width, rows.length, out))
}

/**
 * A dataset from untrusted JSON. Left lists the problems with their paths: not an object, non-numbers
 * (`x[2][1]: expected number, got "a"`), ragged rows, empty data, and x and y example counts that differ; the first
 * problem of x and of y, so the work and the message stay bounded. Total: any input, hostile objects included
 * (getters that throw, Proxies), gives Left, never an exception.
 */
export const decodeDataset = (u: unknown): E.Either<ReadonlyArray<string>, Dataset> =>
  total(
    () => decodeDatasetUnguarded(u),
    (message) => E.left([`the document: ${message}`])
  )

const decodeDatasetUnguarded = (u: unknown): E.Either<ReadonlyArray<string>, Dataset> => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return E.left([`the document: expected { x: Array<Array<number>>, y: Array<Array<number>> }, got ${describe(u)}`])
  const { x, y } = u as Record<string, unknown>
  const errors: Array<string> = []
  const xm = examplesToColumns('x', x)
  const ym = examplesToColumns('y', y)
  if (E.isLeft(xm)) errors.push(xm.left)
  if (E.isLeft(ym)) errors.push(ym.left)
  if (E.isRight(xm) && E.isRight(ym) && xm.right.cols !== ym.right.cols) errors.push(`y: expected ${xm.right.cols} examples (as x), got ${ym.right.cols}`)
  if (errors.length > 0 || E.isLeft(xm) || E.isLeft(ym)) return E.left(errors)
  return E.right({ x: xm.right, y: ym.right })
}

// -------------------------------------------------------------------------------------
// splits, scaling, labels
// -------------------------------------------------------------------------------------

export interface SplitFractions {
  readonly train: number
  readonly validation?: number
  readonly test?: number
}

/** The parts of a split; validation and test are present when their fraction is positive (a matrix has ≥ 1 column). */
export interface Split {
  readonly train: Dataset
  readonly validation?: Dataset
  readonly test?: Dataset
}

/**
 * The class of each example: y's row when it is a single row of integer labels, else the row of the column's largest
 * entry (one-hot targets).
 */
export const classesOf = (y: Matrix): ReadonlyArray<number> => (y.rows === 1 ? Array.from(y.data) : argmax(y))

/**
 * A seeded split into train, validation and test sets by the given fractions (which must sum to 1; validation and test
 * default to 0). With `stratify`, each class is split by the same fractions, so every part keeps the class balance:
 * classes come from `classesOf(y)`. The same key gives the same split; every example lands in exactly one part.
 * Throws RangeError for fractions outside [0, 1] or not summing to 1, and when a part whose fraction is positive would
 * be empty.
 */
export const split = (key: Key, dataset: Dataset, fractions: SplitFractions, { stratify = false } = {}): Split => {
  const { train, validation = 0, test = 0 } = fractions
  for (const [name, f] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (!(f >= 0 && f <= 1)) throw new RangeError(`split: the ${name} fraction must be in [0, 1], got ${f}`)
  }
  if (Math.abs(train + validation + test - 1) > 1e-9) throw new RangeError(`split: the fractions must sum to 1, got ${train + validation + test}`)
  const n = size(dataset)
  const groups: ReadonlyArray<ReadonlyArray<number>> = stratify ? byClass(classesOf(dataset.y)) : [Array.from({ length: n }, (_, i) => i)]
  const parts: [Array<number>, Array<number>, Array<number>] = [[], [], []]
  groups.forEach((members, g) => {
    const order = permutation(foldIn(key, g), members.length).map((i) => members[i]!)
    const nTrain = Math.round(members.length * train)
    const nValidation = Math.round(members.length * (train + validation)) - nTrain
    parts[0].push(...order.slice(0, nTrain))
    parts[1].push(...order.slice(nTrain, nTrain + nValidation))
    parts[2].push(...order.slice(nTrain + nValidation))
  })
  const names = ['train', 'validation', 'test'] as const
  const wanted = [train, validation, test]
  parts.forEach((indices, p) => {
    if (indices.length === 0 && wanted[p]! > 0) throw new RangeError(`split: ${n} examples leave the ${names[p]} part empty`)
  })
  const take = (indices: ReadonlyArray<number>): Dataset => ({ x: selectColumns(dataset.x, indices), y: selectColumns(dataset.y, indices) })
  return {
    train: take(parts[0]),
    ...(validation > 0 ? { validation: take(parts[1]) } : {}),
    ...(test > 0 ? { test: take(parts[2]) } : {})
  }
}

const byClass = (classes: ReadonlyArray<number>): ReadonlyArray<ReadonlyArray<number>> => {
  const groups = new Map<number, Array<number>>()
  classes.forEach((c, i) => (groups.get(c) ?? groups.set(c, []).get(c)!).push(i))
  return [...groups.keys()].sort((a, b) => a - b).map((c) => groups.get(c)!)
}

/** Per-feature mean and standard deviation fitted on one dataset's inputs, and the map x ↦ (x − μ)/σ for any inputs. */
export interface Standardizer {
  readonly mean: Matrix<number, 1>
  readonly std: Matrix<number, 1>
  readonly apply: (x: Matrix) => Matrix
}

/**
 * Fits standardisation on `x` (features × N, usually the training inputs only): μ and σ per feature (row), σ the
 * population standard deviation; a constant feature gets σ = 1, so it maps to 0 instead of NaN.
 */
export const standardize = (x: Matrix): Standardizer => {
  const { rows, cols, data } = x
  const mean = new Float64Array(rows)
  const std = new Float64Array(rows)
  for (let i = 0; i < rows; i++) {
    let s = 0
    for (let j = 0; j < cols; j++) s += data[i * cols + j]!
    const mu = s / cols
    let v = 0
    for (let j = 0; j < cols; j++) v += (data[i * cols + j]! - mu) ** 2
    mean[i] = mu
    std[i] = v > 0 ? Math.sqrt(v / cols) : 1
  }
  return {
    mean: M.unsafeWrap(rows, 1, mean),
    std: M.unsafeWrap(rows, 1, std),
    apply: (z) => {
      if (z.rows !== rows) throw new M.ShapeError(`standardize: fitted on ${rows} features, got ${M.shapeOf(z)}`)
      return M.makeBy(rows, z.cols, (i, j) => (z.data[i * z.cols + j]! - mean[i]!) / std[i]!)
    }
  }
}

/** Integer labels (1 × N, each in [0, classes)) as one-hot columns (classes × N). RangeError for a bad label. */
export const oneHot = (labels: Matrix, classes: number): Matrix => {
  if (labels.rows !== 1) throw new M.ShapeError(`oneHot: labels must be 1×N, got ${M.shapeOf(labels)}`)
  if (!Number.isSafeInteger(classes) || classes < 1) throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`)
  const out = new Float64Array(classes * labels.cols)
  for (let j = 0; j < labels.cols; j++) {
    const c = labels.data[j]!
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`oneHot: label ${j} is ${c}, not an integer in [0, ${classes})`)
    out[c * labels.cols + j] = 1
  }
  return M.unsafeWrap(classes, labels.cols, out)
}

/** The row of each column's largest entry (the first on ties): predicted classes from scores or probabilities. */
export const argmax = (m: Matrix): ReadonlyArray<number> =>
  Array.from({ length: m.cols }, (_, j) => {
    let best = 0
    for (let i = 1; i < m.rows; i++) if (m.data[i * m.cols + j]! > m.data[best * m.cols + j]!) best = i
    return best
  })
