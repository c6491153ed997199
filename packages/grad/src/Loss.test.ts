import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import * as M from '@puregrad/tensor/Matrix'
import { key, split } from '@puregrad/tensor/Random'
import { anyMatrix } from '@puregrad/tensor/testing/arbitraries'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import { gradCheck } from './GradCheck.js'
import * as L from './Loss.js'
import { lossKernels } from './internal/kernels.js'
import { randomTargets } from './testing/cases.js'

describe('values by hand', () => {
  it("binary cross-entropy is the notebook's (y − 1)·ln(1 − a) − y·ln(a)", () => {
    const a = M.row([0.8, 0.3])
    const y = M.row([1, 0])
    // −ln 0.8 − ln 0.7 summed; halved for 'mean' over a batch of 2
    expect(L.binaryCrossEntropy.value(a, y, 'sum')).toBeCloseTo(-Math.log(0.8) - Math.log(0.7), 15)
    expect(L.binaryCrossEntropy.value(a, y, 'mean')).toBeCloseTo((-Math.log(0.8) - Math.log(0.7)) / 2, 15)
  })
  it('squared error is ½‖a − y‖², divided by the batch for mean', () => {
    const a = M.unsafeFromArray(2, 2, [1, 2, 3, 4])
    const y = M.zeros(2, 2)
    expect(L.squaredError.value(a, y, 'sum')).toBe(15)
    expect(L.squaredError.value(a, y, 'mean')).toBe(7.5)
  })
  it('softmax cross-entropy is −Σ y·ln a', () => {
    expect(L.softmaxCrossEntropy.value(M.column([0.25, 0.75]), M.column([0, 1]), 'sum')).toBeCloseTo(-Math.log(0.75), 15)
  })
})

describe('numerical stability', () => {
  it('BCE is finite for outputs that are exactly 0 or 1, and exact where the prediction is right', () => {
    const a = M.row([0, 1, 0, 1])
    const y = M.row([0, 1, 1, 0])
    const v = L.binaryCrossEntropy.value(a, y, 'sum')
    expect(Number.isFinite(v)).toBe(true)
    expect(v).toBeCloseTo(2 * -Math.log(1e-16), 10)
    expect(L.binaryCrossEntropy.value(M.row([0, 1]), M.row([0, 1]), 'sum')).toBe(0)
    expect(M.allFinite(L.binaryCrossEntropy.gradient(a, y, 'sum'))).toBe(true)
  })
  it('BCE from logits is exact where sigmoid saturates: C(z = 800, y = 0) = 800', () => {
    expect(L.binaryCrossEntropy.valueFromLogits(M.row([800, -800, 1e4]), M.row([0, 1, 1]), 'sum')).toBe(1600)
  })
  it('softmax CE from logits is exact where softmax underflows', () => {
    // logits (0, 1000), target class 0: C = logsumexp − z₀ = 1000 (+ ln(1 + e^−1000))
    expect(L.softmaxCrossEntropy.valueFromLogits(M.column([0, 1000]), M.column([1, 0]), 'sum')).toBe(1000)
  })
  it('the fused sigmoid + BCE gradient stays a − y at saturation', () => {
    const z = M.row([800, -800])
    const { loss, dz } = L.outputGradient(A.sigmoid, L.binaryCrossEntropy, 'sum')(z, M.row([0, 1]))
    expect(loss).toBe(1600)
    expect(Array.from(dz.data)).toEqual([1, -1])
  })
})

describe('gradients against finite differences', () => {
  /** Random logits; softmax cross-entropy gets at least two rows (a one-row softmax is constant). */
  const logits = (name: L.LossName) =>
    anyMatrix(5).map((z) => (name === 'softmaxCrossEntropy' && z.rows === 1 ? M.unsafeFromArray(2, z.cols, [...z.data, ...z.data.map((v) => -v)]) : z))
  const cases = L.names.flatMap((n) => (['sum', 'mean'] as const).map((r) => [n, r] as const))
  it.each(cases)('%s, %s: ∂C/∂a', (name, reduction) => {
    const loss = L.byName[name]
    const act = A.byName[loss.canonical]
    fc.assert(
      fc.property(logits(name), fc.nat(), (z, seed) => {
        // Predictions in the loss's domain: σ(z) for BCE, softmax(z) for CE, z itself for squared error.
        const a = act.forward(z)
        const y = randomTargets(split(key(seed), 1)[0]!, name, a.rows, a.cols)
        const result = gradCheck((p: M.Matrix) => loss.value(p, y, reduction), { epsilon: 1e-7 })(a, loss.gradient(a, y, reduction))
        expect(result.passed, JSON.stringify(result.worst)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
  it.each(cases)('%s, %s: the fused ∂C/∂z equals the chained one and checks against C(z)', (name, reduction) => {
    const loss = L.byName[name]
    const act = A.byName[loss.canonical]
    fc.assert(
      fc.property(logits(name), fc.nat(), (z, seed) => {
        const a = act.forward(z)
        const y = randomTargets(key(seed), name, a.rows, a.cols)
        const fused = L.outputGradient(act, loss, reduction)(z, y)
        const chained = act.backward(z, a, loss.gradient(a, y, reduction))
        expect(M.approxEquals(1e-9)(fused.dz, chained)).toBe(true)
        expect(fused.loss).toBeCloseTo(loss.value(a, y, reduction), 9)
        const result = gradCheck((w: M.Matrix) => loss.valueFromLogits(w, y, reduction))(z, fused.dz)
        expect(result.passed, JSON.stringify(result.worst)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
  it.each(cases)('%s, %s: fromLogits is valueFromLogits and (mass·σ(z) − y)/k, bit for bit', (name, reduction) => {
    const loss = L.byName[name]
    const act = A.byName[loss.canonical]
    fc.assert(
      fc.property(logits(name), fc.nat(), (z, seed) => {
        const y = randomTargets(key(seed), name, z.rows, z.cols)
        const a = act.forward(z)
        const k = L.divisor(reduction, z.cols)
        // mass is Σ of the target column for softmax CE (as it computes it), 1 for the element-wise pairs.
        const mass = (j: number) => (name === 'softmaxCrossEntropy' ? M.columnValues(y, j).reduce((s, v) => s + v, 0) : 1)
        const expected = M.makeBy(z.rows, z.cols, (i, j) => (mass(j) * M.get(a, i, j) - M.get(y, i, j)) / k)
        const fused = loss.fromLogits(z, y, reduction)
        expect(fused.loss).toBe(loss.valueFromLogits(z, y, reduction))
        expect(M.equals(fused.dz, expected)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
  it.each(cases)('%s, %s: the kernel run over z itself gives fromLogits bit for bit', (name, reduction) => {
    const loss = L.byName[name]
    fc.assert(
      fc.property(logits(name), fc.nat(), (z, seed) => {
        const y = randomTargets(key(seed), name, z.rows, z.cols)
        const over = Float64Array.from(z.data)
        const value = lossKernels(loss)!.fromLogits(over, y.data, over, z.rows, z.cols, reduction)
        const fused = loss.fromLogits(z, y, reduction)
        expect(Object.is(value, fused.loss)).toBe(true)
        expect(M.equals(M.unsafeWrap(z.rows, z.cols, over), fused.dz)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
  fcTest.prop([anyMatrix(4)])('softmax CE with targets that are not distributions: ∂C/∂z = (Σy)·a − y', (z0) => {
    const z = M.unsafeFromArray(z0.rows + 1, z0.cols, [...z0.data, ...new Array(z0.cols).fill(0.5)])
    const y = M.map((v) => Math.abs(v))(z) // mass ≠ 1
    const { dz } = L.outputGradient(A.softmax, L.softmaxCrossEntropy, 'sum')(z, y)
    expect(gradCheck((w: M.Matrix) => L.softmaxCrossEntropy.valueFromLogits(w, y, 'sum'))(z, dz).passed).toBe(true)
  })
  it('mismatched prediction and target shapes throw ShapeError', () => {
    expect(() => L.squaredError.value(M.zeros(2, 2), M.zeros(1, 2), 'sum')).toThrow(
      'squaredError: prediction and target shapes differ: 2×2 and 1×2'
    )
  })
})
