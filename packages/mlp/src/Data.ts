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
import { formatErrors } from './errors.js'

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
const examplesToColumns = (name: string, rows: ReadonlyArray<ReadonlyArray<number>>): E.Either<string, Matrix> => {
  if (rows.length === 0) return E.left(`${name}: expected at least one example, got none`)
  const width = rows[0]!.length
  if (width === 0) return E.left(`${name}[0]: expected at least one number, got none`)
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j]!
    if (r.length !== width) return E.left(`${name}[${j}]: expected ${width} numbers (as ${name}[0]), got ${r.length}`)
    for (let i = 0; i < width; i++) {
      if (!Number.isFinite(r[i])) return E.left(`${name}[${j}][${i}]: expected a finite number, got ${r[i]}`)
    }
  }
  return E.right(M.makeBy(width, rows.length, (i, j) => rows[j]![i]!))
}

/**
 * A dataset from untrusted JSON. Left lists the problems with their paths: not an object, non-numbers
 * (`x[2][1]: expected a number, got "a"`), ragged rows, empty data, and x and y example counts that differ.
 */
export const decodeDataset = (u: unknown): E.Either<ReadonlyArray<string>, Dataset> => {
  const decoded = DatasetJson.decode(u)
  if (E.isLeft(decoded)) return E.left(formatErrors(decoded.left))
  const { x, y } = decoded.right
  const errors: Array<string> = []
  const xm = examplesToColumns('x', x)
  const ym = examplesToColumns('y', y)
  if (E.isLeft(xm)) errors.push(xm.left)
  if (E.isLeft(ym)) errors.push(ym.left)
  if (x.length !== y.length) errors.push(`y: expected ${x.length} examples (as x), got ${y.length}`)
  if (errors.length > 0 || E.isLeft(xm) || E.isLeft(ym)) return E.left(errors)
  return E.right({ x: xm.right, y: ym.right })
}
