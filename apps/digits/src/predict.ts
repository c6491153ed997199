/**
 * --predict: a CSV of 64 grey levels per line (0 to 16, row by row, as the data set's images), read into a 64 × N
 * matrix of inputs; and the predicted digit with its probability for each.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { MAX_GREY, PIXELS } from './data.js'

const NUMBER = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * Parses the CSV text: one image per non-blank line, 64 comma-separated numbers in [0, 16] (blanks around them
 * allowed, a trailing \r too). Left names the file, the line and the value, for the first problem; at most
 * `maxLines` images.
 */
export const parseImages = (name: string, text: string, maxLines: number): E.Either<string, Matrix> => {
  const lines = text.split('\n').map((l, i) => [l.replace(/\r$/, ''), i + 1] as const).filter(([l]) => l.trim() !== '')
  if (lines.length === 0) return E.left(`${name}: no images (expected lines of ${PIXELS} grey levels)`)
  if (lines.length > maxLines) return E.left(`${name}: ${lines.length.toLocaleString('en-US')} images, more than the limit of ${maxLines.toLocaleString('en-US')}`)
  const n = lines.length
  const x = new Float64Array(PIXELS * n)
  for (let j = 0; j < n; j++) {
    const [line, number] = lines[j]!
    const cells = line.split(',')
    if (cells.length !== PIXELS) return E.left(`${name}:${number}: expected ${PIXELS} comma-separated grey levels, got ${cells.length}`)
    for (let i = 0; i < PIXELS; i++) {
      const cell = cells[i]!.trim()
      const v = NUMBER.test(cell) ? Number(cell) : NaN
      if (!(v >= 0 && v <= MAX_GREY)) return E.left(`${name}:${number}: value ${i + 1} is ${JSON.stringify(cell.slice(0, 20))}, not a grey level in [0, ${MAX_GREY}]`)
      x[i * n + j] = v / MAX_GREY
    }
  }
  return E.right(M.unsafeWrap(PIXELS, n, x))
}

export interface Prediction {
  readonly digit: number
  readonly probability: number
}

/** The most probable digit of each column of softmax outputs (10 × N), and its probability. */
export const predictions = (probabilities: Matrix): ReadonlyArray<Prediction> =>
  Array.from({ length: probabilities.cols }, (_, j) => {
    const column = M.columnValues(probabilities, j)
    const digit = column.reduce((best, p, i) => (p > column[best]! ? i : best), 0)
    return { digit, probability: column[digit]! }
  })
