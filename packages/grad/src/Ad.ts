/**
 * Reverse-mode automatic differentiation of any pure function, built on closed-form primitives.
 *
 * Write the forward computation with the ops below; `valueAndGrad(f)(params, ...args)` returns f's value and its
 * gradient with respect to `params` (a tree of matrices: records, arrays, nesting), as a tree of the same shape.
 * Every op is a primitive whose VJP sits beside its forward rule (internal/ad/*), with its formula: the dense layer's
 * is the notebook's part 1, ∂C/∂W = dz·xᵀ, ∂C/∂b = Σ_batch dz, ∂C/∂x = Wᵀ·dz.
 *
 * ```ts
 * import * as M from '@puregrad/tensor/Matrix'
 * import type { Matrix } from '@puregrad/tensor/Matrix'
 * import { Ad } from '@puregrad/grad'
 *
 * const f = (p: { W: Matrix; b: Matrix }, x: Matrix, y: Matrix) =>
 *   Ad.binaryCrossEntropyWithLogits(Ad.add(Ad.matmul(p.W, x), p.b), y, 'sum')
 * const params = { W: M.row([1, -1]), b: M.column([0]) }
 * const { value, grads } = Ad.valueAndGrad(f)(params, M.column([2, 2]), M.row([1])) // grads: { W, b }
 * console.log(value.toFixed(4), M.toRows(grads.W), M.toRows(grads.b)) // z = 0: ln 2, and σ(0) − 1 = −0.5 into dz
 * ```
 * prints
 * ```text
 * 0.6931 [ [ -1, -1 ] ] [ [ -0.5 ] ]
 * ```
 *
 * What is traced: the leaves of the first argument and everything computed from them by these ops. Other arguments
 * and plain matrices are constants (put an input in the tree to get its gradient). The tape belongs to one call and
 * is gone when it returns: nothing global, so calls never interfere. A traced value is a `Matrix` to the type system,
 * but reading its `data` outside the ops, or using it after its call, throws (either would give a wrong gradient).
 *
 * @since 0.2.0
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, axpy, shapeOf, zeros } from '@puregrad/tensor/Matrix'
import type { Activation, ActivationName } from './Activation.js'
import * as Act from './Activation.js'
import type { Reduction } from './Loss.js'
import type { Differentiable } from './Vjp.js'
import type { Key } from '@puregrad/tensor/Random'
import { decodeKey } from '@puregrad/tensor/Random'
import * as E from './internal/ad/elementwise.js'
import type { Conv2dOptions, Geometry, ImageShape, Pool2dOptions } from './internal/ad/image.js'
import * as Img from './internal/ad/image.js'
import * as Norm from './internal/ad/normalization.js'
import * as Lay from './internal/ad/layers.js'
import * as S from './internal/ad/structural.js'
import type { Axis } from './internal/ad/structural.js'
import type { Input, Primitive } from './internal/ad/tape.js'
import { apply, differentiate, valueOf } from './internal/ad/tape.js'
import { gradTree, mapLeaves, traceTree } from './internal/ad/trees.js'
import { withDescend } from './internal/descend.js'

export type { Input } from './internal/ad/tape.js'
export type { Conv2dOptions, ImageShape, Pair, Pool2dOptions } from './internal/ad/image.js'

// -------------------------------------------------------------------------------------
// differentiation
// -------------------------------------------------------------------------------------

/** The value of f and its gradient with respect to the first argument, shaped like it. */
export interface ValueAndGrad<P> {
  readonly value: number
  readonly grads: P
}

/**
 * `valueAndGrad(f)(params, ...args)`: f's value at (params, ...args) and ∂f/∂params as a tree shaped like `params`
 * (a leaf f does not depend on gets zeros). f must return a 1×1 matrix. Throws a ShapeError for a non-scalar result,
 * a TypeError naming the path of a leaf that is not a matrix.
 */
export const valueAndGrad =
  <P, Args extends ReadonlyArray<unknown>>(f: (params: P, ...args: Args) => Input) =>
  (params: P, ...args: Args): ValueAndGrad<P> => {
    const leaves: Array<Matrix> = []
    const { value, cotangents } = differentiate('Ad.valueAndGrad', (call) => f(traceTree('Ad.valueAndGrad', params, call, leaves) as P, ...args))
    return { value, grads: gradTree('Ad.valueAndGrad', params, cotangents) as P }
  }

/**
 * f as an objective for `Train`: (params, batch) ↦ { loss, grads }, f's value and its gradient with respect to the
 * params, so that `Train.step(Ad.objective(loss), optimizer)` trains any forward code.
 */
export const objective = <P, B>(f: (params: P, batch: B) => Input): ((params: P, batch: B) => { readonly loss: number; readonly grads: P }) => {
  const run = valueAndGrad(f)
  return withDescend(
    (params: P, batch: B) => {
      const { value, grads } = run(params, batch)
      return { loss: value, grads }
    },
    (params: P, batch: B, factor: number) => valueAndStep(f, params, batch, factor)
  )
}

/**
 * Train.step's private route for an objective with plain SGD: f's value and θ + factor·∂f/∂θ for every leaf, the
 * update fused into the VJP of the op that uses a leaf (Dense's W in its product's epilogue) where it is that leaf's
 * only use, applied after the sweep (Matrix.axpy, as SGD applies it) for the others: the same bits either way.
 */
const valueAndStep = <P, B>(f: (params: P, batch: B) => Input, params: P, batch: B, factor: number): { readonly loss: number; readonly params: P } => {
  const leaves: Array<Matrix> = []
  const { value, cotangents, stepped } = differentiate(
    'Ad.objective',
    (call) => f(traceTree('Ad.objective', params, call, leaves) as P, batch),
    { scale: factor }
  )
  const next = new Array<Matrix>(leaves.length)
  for (let i = 0; i < leaves.length; i++) {
    const θ = leaves[i]!
    next[i] = stepped[i] ?? axpy(factor, cotangents[i] ?? zeros(θ.rows, θ.cols))(θ)
  }
  return { loss: value, params: gradTree('Ad.objective', params, next) as P }
}

/** `grad(f)(params, ...args)`: the gradient alone (see {@link valueAndGrad}). */
export const grad =
  <P, Args extends ReadonlyArray<unknown>>(f: (params: P, ...args: Args) => Input) =>
  (params: P, ...args: Args): P =>
    valueAndGrad(f)(params, ...args).grads

/** x as a constant: the same values, with no gradient flowing back through it. Also reads a traced value out. */
export const stopGradient = (x: Input): Matrix => valueOf(x)

// -------------------------------------------------------------------------------------
// elementwise (broadcasting n×1, 1×m, 1×1 and numbers against n×m, either side)
// -------------------------------------------------------------------------------------

const binary =
  <S>(p: Primitive<undefined, S>) =>
  (a: Input, b: Input): Matrix =>
    apply(p, [a, b], undefined)
const unary =
  <S>(p: Primitive<undefined, S>) =>
  (x: Input): Matrix =>
    apply(p, [x], undefined)

/** a + b. ∂/∂a = g, ∂/∂b = g, each summed over the axes it was broadcast along. */
export const add = binary(E.add)
/** a − b. ∂/∂a = g, ∂/∂b = −g. */
export const sub = binary(E.sub)
/** a ⊙ b. ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a. */
export const mul = binary(E.mul)
/** a / b. ∂/∂a = g / b, ∂/∂b = −g ⊙ a / b². */
export const div = binary(E.div)
/** −x. ∂/∂x = −g. */
export const neg = unary(E.neg)
/** eˣ. ∂/∂x = g ⊙ eˣ. */
export const exp = unary(E.exp)
/** ln x. ∂/∂x = g / x. */
export const log = unary(E.log)
/** x². ∂/∂x = 2x ⊙ g. */
export const square = unary(E.square)
/** √x. ∂/∂x = g / (2√x). */
export const sqrt = unary(E.sqrt)
/** tanh x. ∂/∂x = g ⊙ (1 − tanh²x). */
export const tanh = unary(E.tanh)
/** σ(x). ∂/∂x = g ⊙ σ(x)(1 − σ(x)). */
export const sigmoid = unary(E.sigmoid)
/** max(x, 0). ∂/∂x = g where x > 0, else 0. */
export const relu = unary(E.relu)
/** ln(1 + eˣ). ∂/∂x = g ⊙ σ(x). */
export const softplus = unary(E.softplus)
/** Per column, e^(xᵢ)/Σⱼ e^(xⱼ). ∂/∂x = y ⊙ (g − Σᵢ gᵢyᵢ) per column. */
export const softmax = unary(E.softmax)
/** Per column, xᵢ − logsumexp(x). ∂/∂x = g − softmax(x) ⊙ Σᵢ gᵢ per column. */
export const logSoftmax = unary(Lay.logSoftmax)

// -------------------------------------------------------------------------------------
// products, reductions, shapes
// -------------------------------------------------------------------------------------

/** a·b, (R×K)·(K×C) → R×C. ∂/∂a = g·bᵀ, ∂/∂b = aᵀ·g. */
export const matmul = <R extends number, K extends number, C extends number>(a: Matrix<R, K>, b: Matrix<K, C>): Matrix<R, C> =>
  apply(S.matmul, [a, b], undefined) as Matrix<R, C>

/** xᵀ. ∂/∂x = gᵀ. */
export const transpose = <R extends number, C extends number>(x: Matrix<R, C>): Matrix<C, R> => apply(S.transpose, [x], undefined) as Matrix<C, R>

/** Σ over axis 0 (rows: → 1×m), 1 (columns: → n×1) or everything (→ 1×1). ∂/∂x = g repeated along the axis. */
export const sum = (x: Input, axis?: 0 | 1): Matrix => apply(S.sum, [x], axis as Axis)

/** The mean over axis 0, 1 or everything. ∂/∂x = g/n repeated along the axis. */
export const mean = (x: Input, axis?: 0 | 1): Matrix => apply(S.mean, [x], axis as Axis)

/** The entries of x, row-major, as rows × cols. ∂/∂x = g reshaped back. */
export const reshape = (x: Input, rows: number, cols: number): Matrix => apply(S.reshape, [x], [rows, cols] as const)

/** Rows [start, end) of x. ∂/∂x = g in those rows, 0 elsewhere. */
export const sliceRows = (x: Input, start: number, end: number): Matrix => apply(S.sliceRows, [x], [start, end] as const)

/** The matrices stacked by rows, first on top (all with one column count). ∂/∂xₖ = xₖ's rows of g. */
export const concatRows = (xs: ReadonlyArray<Input>): Matrix => apply(S.concatRows, xs, undefined)

// -------------------------------------------------------------------------------------
// fused layers and losses
// -------------------------------------------------------------------------------------

/**
 * The dense layer σ(W·x + b) (default σ: identity), on the matmul kernels with the bias and σ in their epilogue.
 * With dz = g ⊙ σ'(z): ∂/∂W = dz·xᵀ, ∂/∂b = Σ_batch dz (∂C/∂b = ∂C/∂z for one example), ∂/∂x = Wᵀ·dz.
 */
export const dense = (p: { readonly W: Matrix; readonly b: Matrix }, x: Input, activation: ActivationName | Activation = 'identity'): Matrix =>
  apply(Lay.dense, [p.W, p.b, x], activationOf(activation))

const activationOf = (a: ActivationName | Activation): Activation => {
  if (typeof a !== 'string') return a
  const found = Object.hasOwn(Act.byName, a) ? Act.byName[a] : undefined
  if (found === undefined) throw new RangeError(`Ad.dense: unknown activation ${JSON.stringify(a)} (${Act.names.join(', ')})`)
  return found
}

/**
 * Binary cross-entropy of sigmoid(z) against targets y in [0, 1], from the logits z: Σ softplus(z) − y·z over the
 * entries ('mean': ÷ the batch size, the columns). ∂/∂z = (σ(z) − y)/k. Exact where σ(z) rounds to 0 or 1.
 */
export const binaryCrossEntropyWithLogits = (z: Input, y: Input, reduction: Reduction): Matrix =>
  apply(Lay.binaryCrossEntropyWithLogits, [z, y], reduction)

/** Cross-entropy of softmax(z) (per column) against one-hot targets y (n×B). ∂/∂z = (softmax(z) − y)/k. */
export const softmaxCrossEntropy = (z: Input, y: Input, reduction: Reduction): Matrix => apply(Lay.softmaxCrossEntropy, [z, y], reduction)

/** softmaxCrossEntropy with the targets given as class indices (1×B integers in [0, n)). */
export const softmaxCrossEntropyWithIntegerLabels = (z: Input, labels: Matrix, reduction: Reduction): Matrix =>
  apply(Lay.softmaxCrossEntropy, [z, Lay.oneHot(valueOf(labels), valueOf(z).rows)], reduction)

/** ½‖a − y‖² per example, summed over the batch ('mean': ÷ the batch size). ∂/∂a = (a − y)/k. */
export const squaredError = (a: Input, y: Input, reduction: Reduction): Matrix => apply(Lay.squaredError, [a, y], reduction)

// -------------------------------------------------------------------------------------
// images (a column is one image's C·H·W values in (c, h, w) order: PyTorch's x.reshape(B, -1).T)
// -------------------------------------------------------------------------------------

/**
 * 2-D convolution (cross-correlation, as PyTorch's conv2d) of images x ((C·H·W) × B) with p.W, out × (C·kh·kw)
 * (PyTorch's `weight.reshape(out, -1)`), plus p.b (out × 1): an (out·OH·OW) × B result, OH = ⌊(H + 2·ph − kh)/sh⌋ + 1
 * (likewise OW). Zero padding; stride and padding default to 1 and 0. Runs as one matrix product over the im2col
 * matrix cols (C·kh·kw rows, a column per output position and example): Y = W·cols + b. With G = g as out × (OH·OW·B):
 * ∂/∂W = G·colsᵀ, ∂/∂b = Σ over positions and examples of G, ∂/∂x = col2im(Wᵀ·G).
 */
export const conv2d = (p: { readonly W: Matrix; readonly b: Matrix }, x: Input, options: Conv2dOptions): Matrix =>
  apply(Img.conv2d, [p.W, p.b, x], Img.geometry('conv2d', options, 'one'))

/**
 * The max over each kh×kw window (stride defaults to the kernel): (C·OH·OW) × B. ∂/∂x: g goes to each window's first
 * maximum. A NaN in a window gives NaN, as PyTorch.
 */
export const maxPool2d = (x: Input, options: Pool2dOptions): Matrix => apply(Img.maxPool2d, [x], Img.geometry('maxPool2d', options, 'kernel'))

/** The mean over each kh×kw window (stride defaults to the kernel): (C·OH·OW) × B. ∂/∂x: g/(kh·kw) to each window entry. */
export const avgPool2d = (x: Input, options: Pool2dOptions): Matrix => apply(Img.avgPool2d, [x], Img.geometry('avgPool2d', options, 'kernel'))

const shapeFrom = (g: Geometry, channels: number): ImageShape => ({ channels, height: g.OH, width: g.OW })

/**
 * The image shape conv2d gives with `filters` output channels (W's rows), without running it: its output has
 * channels·height·width rows. Throws as conv2d would for options that do not fit.
 */
export const conv2dShape = (options: Conv2dOptions, filters: number): ImageShape => {
  if (!Number.isSafeInteger(filters) || filters < 1) throw new RangeError(`Ad.conv2dShape: filters must be a positive integer, got ${String(filters)}`)
  return shapeFrom(Img.geometry('conv2d', options, 'one'), filters)
}

/** The image shape maxPool2d and avgPool2d give, without running them (the channels stay). */
export const pool2dShape = (options: Pool2dOptions): ImageShape => shapeFrom(Img.geometry('pool2d', options, 'kernel'), options.channels)

// -------------------------------------------------------------------------------------
// normalisation and dropout
// -------------------------------------------------------------------------------------

/**
 * Layer normalisation of each column (one example) over its n rows: γ ⊙ (x − μ)/√(σ² + ε) + β, with μ and the
 * biased σ² of the column (as PyTorch's LayerNorm over the features), p.gamma and p.beta n × 1, ε default 1e-5.
 * With x̂ the normalised x and ĝ = g ⊙ γ: ∂/∂γ = Σ_batch g ⊙ x̂, ∂/∂β = Σ_batch g,
 * ∂/∂x = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂))/√(σ² + ε) per column.
 */
export const layerNorm = (p: { readonly gamma: Matrix; readonly beta: Matrix }, x: Input, options: { readonly eps?: number } = {}): Matrix => {
  const eps = options.eps ?? 1e-5
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new RangeError(`Ad.layerNorm: eps must be a finite number ≥ 0, got ${String(eps)}`)
  return apply(Norm.layerNorm, [p.gamma, p.beta, x], eps)
}

/**
 * Inverted dropout with an explicit key: each entry is kept with probability 1 − rate and scaled by 1/(1 − rate), or
 * zeroed; the same key gives the same mask. x itself at rate 0 (use it for evaluation), zeros at rate 1.
 * ∂/∂x = the same mask ⊙ g.
 */
export const dropout = (key: Key, x: Input, rate: number): Matrix => {
  const checked = decodeKey(key)
  if (checked._tag === 'Left') throw new TypeError(`Ad.dropout: the key: ${checked.left} (make one with Random.key(seed))`)
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`Ad.dropout: rate must be in [0, 1], got ${String(rate)}`)
  return rate === 0 ? (typeof x === 'number' ? valueOf(x) : x) : apply(Norm.dropout, [x], { key, rate })
}

// -------------------------------------------------------------------------------------
// your own primitives
// -------------------------------------------------------------------------------------

/** A forward rule and its VJP: `forward(...inputs)` returns the output and what the VJP needs; `vjp(saved, g)` returns ∂C/∂inputs in order. */
export interface CustomRule<S> {
  readonly name?: string
  readonly forward: (...inputs: ReadonlyArray<Matrix>) => readonly [output: Matrix, saved: S]
  readonly vjp: (saved: S, g: Matrix) => ReadonlyArray<Matrix | null>
}

/**
 * Your own closed-form primitive as an op. Either a forward rule with its VJP (`{ forward, vjp }`: the op takes the
 * inputs as arguments), or a `Vjp.Differentiable` (p, x) ↦ [y, pullback] such as grad's `Vjp.affine()`, whose
 * parameters are a tree (the op takes (p, x) and differentiates both). Each cotangent the VJP returns must have its
 * input's shape (a ShapeError names the op otherwise); null stands for "no gradient" (zeros).
 */
export function customVjp<S>(rule: CustomRule<S>): (...inputs: ReadonlyArray<Input>) => Matrix
export function customVjp<P>(d: Differentiable<P, Matrix, Matrix, Matrix | null>): (p: P, x: Input) => Matrix
export function customVjp(rule: CustomRule<unknown> | Differentiable<unknown, Matrix, Matrix, Matrix | null>): (...args: ReadonlyArray<never>) => Matrix {
  if (typeof rule === 'function') {
    const d = rule
    const primitive = checkedPrimitive<{ readonly rebuild: (values: ReadonlyArray<Matrix>) => unknown }>(
      'customVjp',
      (inputs, { rebuild }) => {
        const [y, pullback] = d(rebuild(inputs.slice(0, -1)), inputs[inputs.length - 1]!)
        return [y, pullback]
      },
      (pullback, g) => {
        const [dp, dx] = (pullback as (g: Matrix) => readonly [unknown, Matrix | null])(g)
        const ds: Array<Matrix | null> = []
        mapLeaves('Ad.customVjp: the pullback\'s parameter gradient', dp, (leaf) => (ds.push(leaf), leaf))
        return [...ds, dx]
      }
    )
    return ((p: unknown, x: Input) => {
      const leaves: Array<Matrix> = []
      mapLeaves('Ad.customVjp', p, (leaf) => (leaves.push(leaf), leaf))
      const rebuild = (values: ReadonlyArray<Matrix>) => {
        let i = 0
        return mapLeaves('Ad.customVjp', p, () => values[i++]!)
      }
      return apply(primitive, [...leaves, x], { rebuild })
    }) as never
  }
  const name = rule.name ?? 'customVjp'
  const primitive = checkedPrimitive<undefined>(name, (inputs) => rule.forward(...inputs), (saved, g) => rule.vjp(saved, g))
  return ((...inputs: ReadonlyArray<Input>) => apply(primitive, inputs, undefined)) as never
}

/** A user's rule as a primitive whose VJP's cotangents are checked against the inputs' shapes (null: zeros). */
const checkedPrimitive = <A>(
  name: string,
  forward: (inputs: ReadonlyArray<Matrix>, attrs: A) => readonly [Matrix, unknown],
  vjp: (saved: unknown, g: Matrix) => ReadonlyArray<Matrix | null>
): Primitive<A, { readonly saved: unknown; readonly shapes: ReadonlyArray<Matrix> }> => ({
  name,
  forward: (inputs, attrs) => {
    const [y, saved] = forward(inputs, attrs)
    if (typeof y !== 'object' || y === null || typeof y.rows !== 'number') throw new TypeError(`Ad.${name}: the forward rule must return [output matrix, saved]`)
    return [y, { saved, shapes: inputs }]
  },
  vjp: ({ saved, shapes }, g, needs) => {
    const ds = vjp(saved, g)
    return shapes.map((x, i) => {
      if (!needs[i]) return undefined
      const d = ds[i]
      if (d === null || d === undefined) return zerosLike(x)
      if (d.rows !== x.rows || d.cols !== x.cols) throw new ShapeError(`Ad.${name}: the VJP returned ${shapeOf(d)} for input ${i}, which is ${shapeOf(x)}`)
      return d
    })
  }
})

const zerosLike = (m: Matrix): Matrix => zeros(m.rows, m.cols)
