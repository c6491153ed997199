/**
 * Compile-time checks of TreeOf: a parameter type written with `interface` is a tree; a non-matrix leaf is not.
 */

import type { Matrix } from './Matrix.js'
import { zeros } from './Matrix.js'
import type { TreeOf } from './Tree.js'

interface Layer {
  readonly W: Matrix
  readonly b: Matrix
}
interface Net {
  readonly layers: ReadonlyArray<Layer>
  readonly head: Layer
}

const accepts = <P,>(p: P & TreeOf<P>): P => p

const layer: Layer = { W: zeros(2, 2), b: zeros(2, 1) }
export const net: Net = accepts<Net>({ layers: [layer], head: layer })
export const inferred = accepts({ layers: [layer], head: layer })

interface WithNumber {
  readonly W: Matrix
  readonly rate: number
}
// @ts-expect-error a leaf that is a number is not a parameter
export const bad = accepts<WithNumber>({ W: zeros(1, 1), rate: 0.1 })

// Dimensions are literal only when asked for: makeBy(4, n, f) combines with any matrix.
const n: number = 3
export const combined: Matrix = [zeros(4, n)].concat([zeros(4, 3)])[0]!
export const literal: Matrix<2, 3> = zeros(2, 3)
