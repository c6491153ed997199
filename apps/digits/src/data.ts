/**
 * The data: the UCI optical recognition of handwritten digits, 8×8 form (1,797 images of 16 grey levels, 0 to 16),
 * shipped as data/digits.txt.gz: one line per image, its label then its 64 grey levels row by row, each one base-17
 * digit (0-9, a-g). Parsed and checked line by line: a damaged file is a one-line error, not a wrong model.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'

/** An image as a column: 1 channel of 8×8, row by row (PyTorch's x.reshape(B, -1).T of a (B, 1, 8, 8) batch). */
export const IMAGE = { channels: 1, height: 8, width: 8 } as const
export const PIXELS = 64
export const CLASSES = 10
/** The largest grey level: inputs are grey / MAX_GREY, in [0, 1]. */
export const MAX_GREY = 16

/** Images and labels: x is 64 × N (grey / 16), y is 10 × N one-hot, `labels` the digits. */
export interface Digits {
  readonly x: Matrix
  readonly y: Matrix
  readonly labels: ReadonlyArray<number>
}

/** One-hot targets (10 × N) for digit labels. */
export const oneHotDigits = (labels: ReadonlyArray<number>): Matrix => M.makeBy(CLASSES, labels.length, (i, j) => (labels[j] === i ? 1 : 0))

/** Parses the packed text; Left names the first bad line. */
export const parseDigits = (text: string): E.Either<string, Digits> => {
  const lines = text.split('\n').filter((l) => l !== '')
  if (lines.length === 0) return E.left('the digits file holds no images')
  const x = new Float64Array(PIXELS * lines.length)
  const labels: Array<number> = []
  for (let j = 0; j < lines.length; j++) {
    const line = lines[j]!
    if (line.length !== PIXELS + 1 || !/^[0-9][0-9a-g]{64}$/.test(line)) {
      return E.left(`the digits file, line ${j + 1}: expected a label and 64 grey levels (0-9, a-g), got ${JSON.stringify(line.slice(0, 20))}…`)
    }
    labels.push(Number(line[0]))
    for (let i = 0; i < PIXELS; i++) x[i * lines.length + j] = parseInt(line[i + 1]!, 17) / MAX_GREY
  }
  return E.right({ x: M.unsafeWrap(PIXELS, lines.length, x), y: oneHotDigits(labels), labels })
}

/** The file shipped with the app, next to dist/ and src/. */
export const DATA_FILE = new URL('../data/digits.txt.gz', import.meta.url)

/** Reads and parses the shipped data; Left says what is wrong with it. */
export const loadDigits = (file: URL = DATA_FILE): E.Either<string, Digits> => {
  let text: string
  try {
    text = gunzipSync(readFileSync(file)).toString('utf8')
  } catch (e) {
    return E.left(`cannot read the digits data ${file.pathname}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return parseDigits(text)
}
