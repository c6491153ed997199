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
