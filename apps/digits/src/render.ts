/**
 * What the terminal shows after a run: the figures, the confusion matrix, and misclassified test digits drawn in
 * shades of grey, side by side with their true and predicted labels. Pure string building.
 */
import { PIXELS } from './data.js'

export interface Style {
  readonly bold: (s: string) => string
  readonly dim: (s: string) => string
  readonly good: (s: string) => string
  readonly bad: (s: string) => string
}

export const plain: Style = { bold: (s) => s, dim: (s) => s, good: (s) => s, bad: (s) => s }
export const colored: Style = {
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
  good: (s) => `\x1b[32m${s}\x1b[39m`,
  bad: (s) => `\x1b[31m${s}\x1b[39m`
}

/** The confusion matrix as a table: rows are the true digits, columns the predicted ones; the diagonal stands out. */
export const confusionTable = (confusion: ReadonlyArray<ReadonlyArray<number>>, style: Style): string => {
  const width = Math.max(3, ...confusion.flat().map((c) => String(c).length + 1))
  const cell = (s: string) => s.padStart(width)
  const header = `${style.dim('true\\pred')} ${confusion.map((_, j) => cell(String(j))).join('')}`
  const rows = confusion.map((row, i) =>
    `${String(i).padStart(9)} ${row.map((c, j) => (i === j ? style.good(cell(String(c))) : c === 0 ? style.dim(cell('·')) : style.bad(cell(String(c))))).join('')}`
  )
  return [header, ...rows].join('\n')
}

const SHADES = ' .:-=+*#%@'

/** One image (64 values in [0, 1], row by row) as 8 lines of 16 characters (each pixel two wide). */
export const drawDigit = (pixels: ReadonlyArray<number>): ReadonlyArray<string> =>
  Array.from({ length: 8 }, (_, r) =>
    Array.from({ length: 8 }, (_, c) => SHADES[Math.min(SHADES.length - 1, Math.floor(pixels[r * 8 + c]! * SHADES.length))]!.repeat(2)).join('')
  )

export interface Misclassified {
  readonly pixels: ReadonlyArray<number>
  readonly label: number
  readonly predicted: number
}

/** Up to `count` misclassified digits drawn side by side, each captioned "true 3 → 8". */
export const drawMisclassified = (digits: ReadonlyArray<Misclassified>, style: Style, count = 5): string => {
  const shown = digits.slice(0, count)
  if (shown.length === 0) return style.good('no misclassified test digits')
  const pictures = shown.map((d) => drawDigit(d.pixels))
  const lines = Array.from({ length: 8 }, (_, r) => pictures.map((p) => `|${p[r]}|`).join('  '))
  const captions = shown.map((d) => `true ${d.label} → ${d.predicted}`.padEnd(20)).join('')
  return [...lines, captions.trimEnd()].join('\n')
}

/** The pixels of column j of a 64 × N input matrix. */
export const pixelsOf = (x: { readonly cols: number; readonly data: ArrayLike<number> }, j: number): ReadonlyArray<number> =>
  Array.from({ length: PIXELS }, (_, i) => x.data[i * x.cols + j]!)
