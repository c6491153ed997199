/**
 * Elementwise primitives, each forward rule with its VJP beside it (g = ∂C/∂output, same shape as the output).
 *
 * Binary ops broadcast as numpy does in 2-D: each dimension of the two operands is equal or 1, and a 1 stretches to
 * the other's size (n×1 against n×m repeats a column, 1×m a row, 1×1 a scalar). The pullback of a stretched operand
 * sums the cotangent over the axes it was stretched along, so its gradient has the operand's own shape.
 *
 * Unary activations reuse the closed-form rules of `Activation` (forward and backward), so Ad and Backprop share
 * one implementation of each σ and σ'.
 */

import { exp as expScalar } from '@puregrad/tensor/Exp'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Activation } from '../../Activation.js'
import * as A from '../../Activation.js'
import type { Primitive } from './tape.js'
import { log as ln } from '@puregrad/tensor/Log'

// -------------------------------------------------------------------------------------
// broadcasting
// -------------------------------------------------------------------------------------

/** The broadcast shape of a and b, or a ShapeError naming the op and both shapes. */
export const broadcastShape = (op: string, a: Matrix, b: Matrix): readonly [number, number] => {
  const rows = a.rows === b.rows || b.rows === 1 ? a.rows : a.rows === 1 ? b.rows : -1
  const cols = a.cols === b.cols || b.cols === 1 ? a.cols : a.cols === 1 ? b.cols : -1
  if (rows < 0 || cols < 0) throw new ShapeError(`Ad.${op}: shapes ${shapeOf(a)} and ${shapeOf(b)} do not broadcast`)
  return [rows, cols]
}

/** Index steps that read m broadcast: row stride 0 along a stretched row, column stride 0 along a stretched column. */
const strides = (m: Matrix): readonly [number, number] => [m.rows === 1 ? 0 : m.cols, m.cols === 1 ? 0 : 1]

/** out[i, j] = f(a[i, j], b[i, j]) with a and b broadcast to rows × cols. */
const zipBroadcast = (a: Matrix, b: Matrix, rows: number, cols: number, f: (x: number, y: number) => number): Matrix => {
  const out = new Float64Array(rows * cols)
  const ad = a.data, bd = b.data
  const [ars, acs] = strides(a), [brs, bcs] = strides(b)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = f(ad[i * ars + j * acs]!, bd[i * brs + j * bcs]!)
  }
  return unsafeWrap(rows, cols, out)
}

/** out[i, j] = rule(g[i, j], a[i, j], b[i, j]) with a and b read broadcast to g's shape. */
const zipWithCotangent = (g: Matrix, a: Matrix, b: Matrix, rule: (g: number, x: number, y: number) => number): Matrix => {
  const { rows, cols } = g
  const out = new Float64Array(rows * cols)
  const [ars, acs] = strides(a), [brs, bcs] = strides(b)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = rule(g.data[i * cols + j]!, a.data[i * ars + j * acs]!, b.data[i * brs + j * bcs]!)
  }
  return unsafeWrap(rows, cols, out)
}

/**
 * g (rows × cols) summed down to `to`'s shape: over the rows where `to` has one row, over the columns where it has
 * one column (numpy's rule for the gradient of a broadcast operand). Returns g itself when nothing was broadcast.
 */
export const unbroadcast = (g: Matrix, to: Matrix): Matrix => {
  if (g.rows === to.rows && g.cols === to.cols) return g
  const out = new Float64Array(to.rows * to.cols)
  const [rs, cs] = strides(to)
  for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) out[i * rs + j * cs] += g.data[i * g.cols + j]!
  return unsafeWrap(to.rows, to.cols, out)
}

const map = (x: Matrix, f: (v: number, i: number) => number): Matrix => {
  const out = new Float64Array(x.rows * x.cols)
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]!, i)
  return unsafeWrap(x.rows, x.cols, out)
}

// -------------------------------------------------------------------------------------
// binary
// -------------------------------------------------------------------------------------

type Pair = { readonly a: Matrix; readonly b: Matrix }

/** A broadcasting binary op from its scalar rule and the partial derivatives ∂out/∂a and ∂out/∂b. */
const binary = (
  name: string,
  f: (x: number, y: number) => number,
  da: ((g: number, x: number, y: number) => number) | 'g',
  db: ((g: number, x: number, y: number) => number) | 'g' | '-g'
): Primitive<undefined, Pair> => ({
  name,
  forward: ([a, b]) => {
    const [rows, cols] = broadcastShape(name, a!, b!)
    return [zipBroadcast(a!, b!, rows, cols, f), { a: a!, b: b! }]
  },
  vjp: ({ a, b }, g, needs) => {
    const partial = (rule: typeof da | typeof db, to: Matrix): Matrix =>
      rule === 'g' ? unbroadcast(g, to) : rule === '-g' ? unbroadcast(map(g, (v) => -v), to) : unbroadcast(zipWithCotangent(g, a, b, rule), to)
    return [needs[0] ? partial(da, a) : undefined, needs[1] ? partial(db, b) : undefined]
  }
})

/** a + b: ∂/∂a = g, ∂/∂b = g (each summed over its broadcast axes). */
export const add = binary('add', (x, y) => x + y, 'g', 'g')

/** a − b: ∂/∂a = g, ∂/∂b = −g. */
export const sub = binary('sub', (x, y) => x - y, 'g', '-g')

/** a ⊙ b: ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a. */
export const mul = binary('mul', (x, y) => x * y, (g, _, y) => g * y, (g, x) => g * x)

/** a / b: ∂/∂a = g / b, ∂/∂b = −g·a / b². */
export const div = binary('div', (x, y) => x / y, (g, _, y) => g / y, (g, x, y) => (-g * x) / (y * y))

// -------------------------------------------------------------------------------------
// unary
// -------------------------------------------------------------------------------------

/** A unary op from its scalar rule and dy/dx written from x and y = f(x). */
const unary = (name: string, f: (x: number) => number, dydx: (x: number, y: number) => number): Primitive<undefined, Pair> => ({
  name,
  forward: ([x]) => {
    const y = map(x!, f)
    return [y, { a: x!, b: y }]
  },
  vjp: ({ a: x, b: y }, g) => [map(g, (v, i) => v * dydx(x.data[i]!, y.data[i]!))]
})

/** −x: ∂/∂x = −g. */
export const neg = unary('neg', (x) => -x, () => -1)

/** eˣ (tensor's Exp.exp: the same bits on every engine): ∂/∂x = g·eˣ = g·y. */
export const exp = unary('exp', expScalar, (_, y) => y)

/** ln x: ∂/∂x = g / x. */
export const log: Primitive<undefined, Pair> = {
  name: 'log',
  forward: ([x]) => [map(x!, ln), { a: x!, b: x! }],
  vjp: ({ a: x }, g) => [map(g, (v, i) => v / x.data[i]!)]
}

/** x²: ∂/∂x = 2x·g. */
export const square = unary('square', (x) => x * x, (x) => 2 * x)

/** √x: ∂/∂x = g / (2√x) = g / (2y). */
export const sqrt = unary('sqrt', Math.sqrt, (_, y) => 1 / (2 * y))

/** An activation of grad's `Activation` as a primitive: y = σ(x), ∂/∂x = σ.backward(x, y, g) (its closed form). */
export const activation = (σ: Activation): Primitive<undefined, Pair> => ({
  name: σ.name,
  forward: ([x]) => {
    const y = σ.forward(x!)
    return [y, { a: x!, b: y }]
  },
  vjp: ({ a: x, b: y }, g) => [σ.backward(x, y, g)]
})

/** tanh x: ∂/∂x = g·(1 − y²). */
export const tanh = activation(A.tanh)
/** σ(x) = 1/(1 + e⁻ˣ): ∂/∂x = g·y(1 − y). */
export const sigmoid = activation(A.sigmoid)
/** max(x, 0): ∂/∂x = g where x > 0, else 0. */
export const relu = activation(A.relu)
/** ln(1 + eˣ): ∂/∂x = g·σ(x). */
export const softplus = activation(A.softplus)
/** Per column: yᵢ = e^(xᵢ) / Σⱼ e^(xⱼ); ∂/∂x = y ⊙ (g − Σᵢ gᵢyᵢ) (the Jacobian-vector product). */
export const softmax = activation(A.softmax)
