/**
 * Random small networks and data for gradient checks, from a seed (shared by this package's tests and mlp's).
 */
import fc from 'fast-check'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { makeBy, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { key, normal, permutation, split, uniform, uniforms } from '@puregrad/tensor/Random'
import * as A from '../Activation.js'
import type { DenseStack } from '../Backprop.js'
import type { DenseParams } from '../Dense.js'
import { affine } from '../Dense.js'
import * as L from '../Loss.js'
import type { LossName } from '../Loss.js'

/** An integer in [lo, hi] from a key. */
export const intIn = (k: Key, lo: number, hi: number): number => lo + Math.floor(uniforms(k, 1)[0]! * (hi - lo + 1))

/** Dense parameters with N(0, 1) entries scaled by `scale`. */
export const randomParams = (k: Key, widths: ReadonlyArray<number>, scale = 1): ReadonlyArray<DenseParams> =>
  widths.slice(1).map((out, l) => {
    const [kw, kb] = split(split(k, widths.length)[l]!, 2)
    const inputs = widths[l]!
    const W = normal(kw!, out, inputs)
    const b = normal(kb!, out, 1)
    const scaleBy = <R extends number, C extends number>(m: Matrix<R, C>): Matrix<R, C> =>
      unsafeWrap(m.rows, m.cols, Float64Array.from(m.data, (v) => v * scale))
    return { W: scaleBy(W), b: scaleBy(b) }
  })

/** Targets that fit a loss: {0, 1} for BCE, one-hot columns for softmax CE, N(0, 1) for squared error. */
export const randomTargets = (k: Key, loss: LossName, rows: number, cols: number): Matrix => {
  switch (loss) {
    case 'binaryCrossEntropy':
      return makeBy(rows, cols, (i, j) => (uniforms(split(k, rows * cols)[i * cols + j]!, 1)[0]! < 0.5 ? 0 : 1))
    case 'softmaxCrossEntropy': {
      const hot = permutation(k, Math.max(rows, cols)).map((v) => v % rows)
      return makeBy(rows, cols, (i, j) => (hot[j] === i ? 1 : 0))
    }
    case 'squaredError':
    case 'meanSquaredError':
      return normal(k, rows, cols)
  }
}

export interface RandomCase {
  readonly widths: ReadonlyArray<number>
  readonly params: ReadonlyArray<DenseParams>
  readonly x: Matrix
  readonly y: Matrix
}

/** A network with 1–3 layers of width 1–5, a batch of 1–5 inputs in [−1, 1], and targets that fit `loss`. */
export const randomCase = (seed: number, loss: LossName): RandomCase => {
  const [kDepth, kWidths, kParams, kx, ky] = split(key(seed), 5)
  const depth = intIn(kDepth!, 1, 3)
  const widths = split(kWidths!, depth + 2).map((k) => intIn(k, 1, 5))
  const layerWidths = widths.slice(0, depth + 1)
  // softmax over a single output is constant: give CE at least two classes.
  const last = layerWidths.length - 1
  const outWidths = loss === 'softmaxCrossEntropy' ? layerWidths.map((w, i) => (i === last ? Math.max(w, 2) : w)) : layerWidths
  const batch = widths[depth + 1]!
  return {
    widths: outWidths,
    params: randomParams(kParams!, outWidths),
    x: uniform(kx!, outWidths[0]!, batch, -1, 1),
    y: randomTargets(ky!, loss, outWidths[last]!, batch)
  }
}

/** A random network: 1–4 layers of width 1–5, any hidden activations, an output activation that fits the loss. */
export const anyNetwork = fc
  .record({
    widths: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }),
    hidden: fc.array(fc.constantFrom(...A.names), { minLength: 4, maxLength: 4 }),
    loss: fc.constantFrom(...L.names),
    squaredErrorOutput: fc.constantFrom(...A.names),
    reduction: fc.constantFrom('sum', 'mean') as fc.Arbitrary<L.Reduction>,
    batch: fc.integer({ min: 1, max: 5 }),
    seed: fc.nat()
  })
  .map(({ widths: w, hidden, loss, squaredErrorOutput, reduction, batch, seed }) => {
    // softmax over one output is constant: CE gets at least two classes. Squared error takes any output activation
    // (the chained, non-canonical path); BCE and CE take their canonical one (the fused path).
    const widths = loss === 'softmaxCrossEntropy' ? [...w.slice(0, -1), Math.max(2, w[w.length - 1]!)] : w
    const output = loss === 'squaredError' ? squaredErrorOutput : A.byName[L.byName[loss].canonical].name
    const stack: DenseStack = {
      activations: [...hidden.slice(0, widths.length - 2), output].map((n) => A.byName[n]),
      loss: L.byName[loss],
      reduction
    }
    const [kp, kx, ky] = split(key(seed), 3)
    const params = randomParams(kp!, widths, 0.8)
    const x = uniform(kx!, widths[0]!, batch, -1, 1)
    const y = randomTargets(ky!, loss, widths[widths.length - 1]!, batch)
    return { stack, params, x, y }
  })

/**
 * Whether some pre-activation z_l = W_l·a_l + b_l of a layer whose activation has a kink at 0 (relu, leakyRelu) lies
 * within `margin` of it: there a central difference (steps of 1e-6 on inputs of size about 1, carried through the
 * layers) straddles two slopes and disagrees with the one-sided derivative. Property tests skip such cases.
 */
export const nearKink = (activations: ReadonlyArray<A.Activation>, params: ReadonlyArray<DenseParams>, x: Matrix, margin = 1e-4): boolean => {
  let a = x
  return params.some((p, l) => {
    const σ = activations[l]!
    const z = affine(p)(a)
    a = σ.forward(z)
    return (σ.name === 'relu' || σ.name === 'leakyRelu') && z.data.some((v) => Math.abs(v) < margin)
  })
}
