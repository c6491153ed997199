/**
 * Small seeded data sets for the examples: three interleaved spirals in the plane, and every bit sequence of a length.
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { makeBy, row } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { normal } from '@puregrad/tensor/Random'
import { cosPi, sinPi } from '@puregrad/tensor/Trig'

/** `perClass` points of each of `classes` spiral arms (2 × N, radius up to 1, noise σ = 0.03) and their labels (1 × N). */
export const spirals = (key: Key, classes: number, perClass: number): { readonly x: Matrix; readonly labels: Matrix } => {
  const n = classes * perClass
  const noise = normal(key, 2, n)
  const radius = (j: number) => ((j % perClass) + 1) / perClass
  // The arm's start plus 3 radians per unit of radius, in half-turns (Trig's unit: the same bits on every engine).
  const angle = (j: number) => (2 * Math.floor(j / perClass)) / classes + (3 / Math.PI) * radius(j)
  const x = makeBy(2, n, (i, j) => radius(j) * (i === 0 ? cosPi(angle(j)) : sinPi(angle(j))) + 0.03 * noise.data[i * n + j]!)
  return { x, labels: row(Array.from({ length: n }, (_, j) => Math.floor(j / perClass))) }
}

/** Every sequence of `steps` bits as the columns of a steps × 2^steps matrix (row t holds the bit at time t). */
export const allBitSequences = (steps: number): Matrix => makeBy(steps, 2 ** steps, (t, j) => (j >> t) & 1)

/** The index of the largest entry of each column (1 × B). */
export const argmax = (m: Matrix): ReadonlyArray<number> =>
  Array.from({ length: m.cols }, (_, j) => {
    let best = 0
    for (let i = 1; i < m.rows; i++) if (m.data[i * m.cols + j]! > m.data[best * m.cols + j]!) best = i
    return best
  })
