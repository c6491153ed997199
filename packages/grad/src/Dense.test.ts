import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import * as M from '@puregrad/tensor/Matrix'
import { snapshot } from '@puregrad/tensor/testing/arbitraries'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import * as D from './Dense.js'
import { gradCheck } from './GradCheck.js'
import * as L from './Loss.js'
import { randomCase } from './testing/cases.js'

const p: D.DenseParams = { W: M.unsafeFromArray(2, 3, [1, 2, 3, 4, 5, 6]), b: M.column([0.5, -1]) }
// Two examples as columns: x₁ = (1, 0, −1), x₂ = (2, 1, 0).
const x = M.unsafeFromArray(3, 2, [1, 2, 0, 1, -1, 0])

describe('dense', () => {
  it('computes z = W·x + b and a = σ(z) by hand', () => {
    // z₁ = (1 − 3 + 0.5, 4 − 6 − 1) = (−1.5, −3);  z₂ = (2 + 2 + 0.5, 8 + 5 − 1) = (4.5, 12)
    const { z, a } = D.dense(p, A.identity)(x)
    expect(M.toRows(z)).toEqual([[-1.5, 4.5], [-3, 12]])
    expect(a).toBe(z)
    expect(M.toRows(D.dense(p, A.relu)(x).a)).toEqual([[0, 4.5], [0, 12]])
  })
  it('backward by hand: dW = dz·xᵀ, db = Σ_batch dz, dx = Wᵀ·dz', () => {
    const dz = M.unsafeFromArray(2, 2, [1, 2, -1, 0.5])
    const { grads: { W: dW, b: db }, dx } = D.denseBackward(p, x)(dz)
    // dW row 0 = 1·x₁ + 2·x₂ = (5, 2, −1); row 1 = −1·x₁ + 0.5·x₂ = (0, 0.5, 1)
    expect(M.toRows(dW)).toEqual([[5, 2, -1], [0, 0.5, 1]])
    expect(M.toRows(db)).toEqual([[3], [-0.5]])
    // dx column 1 = Wᵀ·(1, −1) = (1 − 4, 2 − 5, 3 − 6); column 2 = Wᵀ·(2, 0.5) = (4, 6.5, 9)
    expect(M.toRows(dx)).toEqual([[-3, 4], [-3, 6.5], [-3, 9]])
  })
  it('for one example, db = dz: part 1 of the notebook', () => {
    const dz = M.column([0.25, -2])
    expect(M.equals(D.denseBackward(p, M.column([1, 0, -1]))(dz).grads.b, dz)).toBe(true)
  })
  it('shape mismatches throw ShapeError naming the op and shapes', () => {
    expect(() => D.affine(p)(M.zeros(2, 2) as M.Matrix)).toThrow('affine: (2×3)·(2×2): inner dimensions 3 ≠ 2')
    expect(() => D.affine({ ...p, b: M.column([1, 2, 3]) })(x)).toThrow('affine: b must be 2×1 for W 2×3, got 3×1')
    expect(() => D.denseBackward(p, x as M.Matrix)(M.zeros(2, 3) as M.Matrix)).toThrow('denseBackward: dz 2×3 and x 3×2 have different batch sizes')
    expect(() => D.denseBackward(p, x as M.Matrix)(M.zeros(3, 2) as M.Matrix)).toThrow('denseBackward: dz must have 2 rows for W 2×3, got 3×2')
  })
  fcTest.prop([fc.nat()])('leaves params, input and dz byte-identical', (seed) => {
    const c = randomCase(seed, 'squaredError')
    const layer = c.params[0]!
    const before = [snapshot(layer.W), snapshot(layer.b), snapshot(c.x)]
    const { z } = D.dense(layer, A.sigmoid)(c.x)
    const dz = M.map((v) => v / 2)(z)
    const dzBefore = snapshot(dz)
    D.denseBackward(layer, c.x)(dz)
    expect([snapshot(layer.W), snapshot(layer.b), snapshot(c.x), snapshot(dz)]).toEqual([...before, dzBefore])
  })
})

describe('batch reduction: the notebook’s bias gradient', () => {
  // One sigmoid layer with BCE, as in the notebook's output layer, over a batch of 4.
  const c = randomCase(11, 'binaryCrossEntropy')
  const layer = c.params[0]!
  const xs = M.unsafeFromArray(layer.W.cols, 4, Array.from({ length: layer.W.cols * 4 }, (_, i) => Math.sin(i + 1)))
  const ys = M.unsafeFromArray(layer.W.rows, 4, Array.from({ length: layer.W.rows * 4 }, (_, i) => i % 2))
  const cost = (reduction: L.Reduction) => (q: D.DenseParams) => {
    const { z } = D.dense(q, A.sigmoid)(xs)
    return L.binaryCrossEntropy.valueFromLogits(z, ys, reduction)
  }
  const grads = (reduction: L.Reduction, biasReduction: 'sum' | 'mean') => {
    const z = D.affine(layer)(xs)
    const { dz } = L.outputGradient(A.sigmoid, L.binaryCrossEntropy, reduction)(z, ys)
    const { W: dW, b: db } = D.denseBackward(layer, xs)(dz).grads
    return { W: dW, b: biasReduction === 'sum' ? db : M.scale(1 / xs.cols)(db) }
  }
  it.each(['sum', 'mean'] as const)("ours passes the gradient check with reduction '%s'", (reduction) => {
    expect(gradCheck(cost(reduction))(layer, grads(reduction, 'sum')).passed).toBe(true)
  })
  it('the notebook’s (dW summed, db averaged) fails it: no loss has that gradient', () => {
    // np.dot(delta, a.T) sums over the batch, np.mean(delta, axis=1) averages: db is off by the batch size.
    const notebook = grads('sum', 'mean')
    const result = gradCheck(cost('sum'))(layer, notebook)
    expect(result.passed).toBe(false)
    expect(result.worst.path).toBe('b')
    expect(result.worst.numeric / result.worst.analytic).toBeCloseTo(4, 6)
    // And it is not the 'mean' gradient either: there, dW would be averaged too.
    expect(gradCheck(cost('mean'))(layer, notebook).passed).toBe(false)
  })
  it('mean = sum / batch for every parameter', () => {
    const sum = grads('sum', 'sum')
    const mean = grads('mean', 'sum')
    expect(M.approxEquals(1e-15)(pipe(sum.W, M.scale(1 / 4)), mean.W)).toBe(true)
    expect(M.approxEquals(1e-15)(pipe(sum.b, M.scale(1 / 4)), mean.b)).toBe(true)
  })
})
