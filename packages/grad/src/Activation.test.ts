import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import * as M from '@puregrad/tensor/Matrix'
import { anyMatrix, snapshot } from '@puregrad/tensor/testing/arbitraries'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import { activationKernels } from './internal/kernels.js'
import { gradCheck } from './GradCheck.js'

const row = (xs: ReadonlyArray<number>): M.Matrix => M.row(xs)
const values = (m: M.Matrix): Array<number> => Array.from(m.data)

describe('forward values', () => {
  it('by hand', () => {
    const s0 = values(A.sigmoid.forward(row([0, Math.log(3)])))
    expect(s0[0]).toBe(0.5)
    expect(s0[1]).toBeCloseTo(0.75, 15) // 1/(1 + 1/3) = 3/4
    expect(values(A.tanh.forward(row([0])))).toEqual([0])
    expect(values(A.relu.forward(row([-2, 0, 3])))).toEqual([0, 0, 3])
    expect(values(A.leakyRelu(0.1).forward(row([-2, 3])))).toEqual([-0.2, 3])
    expect(values(A.identity.forward(row([-2, 3])))).toEqual([-2, 3])
    expect(values(A.softplus.forward(row([0])))).toEqual([Math.LN2])
    // softmax of (0, ln 3) in one column: (1, 3)/4
    const s = A.softmax.forward(M.column([0, Math.log(3)]))
    expect(values(s)[0]).toBeCloseTo(0.25, 15)
    expect(values(s)[1]).toBeCloseTo(0.75, 15)
  })
  it('sigmoid and softplus are stable for |z| up to 1e4 and beyond', () => {
    const z = row([-1e4, -800, -40, 40, 800, 1e4, 1e308])
    const s = values(A.sigmoid.forward(z))
    expect(s.every(Number.isFinite)).toBe(true)
    expect(s[0]).toBe(0)
    expect(s[2]).toBeCloseTo(Math.exp(-40), 30) // e^z/(1 + e^z) keeps tiny values: no 1 − 1 cancellation
    expect(s[5]).toBe(1)
    const sp = values(A.softplus.forward(z))
    expect(sp.every(Number.isFinite)).toBe(true)
    expect(sp[0]).toBe(0)
    expect(sp[5]).toBe(1e4)
    expect(sp[2]).toBeCloseTo(Math.exp(-40), 30)
  })
  it('softmax is stable for large logits and each column sums to 1', () => {
    const s = A.softmax.forward(M.unsafeFromArray(3, 2, [1000, -1000, 1001, -999, 999, -1001]))
    expect(M.allFinite(s)).toBe(true)
    const sums = M.toRows(M.sumColumns(M.transpose(s)))
    sums.forEach(([v]) => expect(v).toBeCloseTo(1, 14))
  })
})

describe('derivatives against finite differences', () => {
  // f(z) = ⟨σ(z), r⟩ has ∂f/∂z = backward(z, σ(z), r): a check of every backward rule, softmax's JVP included.
  it.each(A.names)('%s', (name) => {
    const act = A.byName[name]
    fc.assert(
      fc.property(anyMatrix(5), anyMatrix(5), (z0, r0) => {
        // relu and leakyRelu have a kink at 0, where a central difference straddles two slopes: stay clear of it.
        const z = M.map((v) => (Math.abs(v) < 1e-3 ? v + 0.5 : v))(z0)
        const r = M.makeBy(z.rows, z.cols, (i, j) => M.get(r0, i % r0.rows, j % r0.cols))
        const dz = act.backward(z, act.forward(z), r)
        const result = gradCheck((w: M.Matrix) => M.inner(act.forward(w), r))(z, dz)
        expect(result.passed, JSON.stringify(result.worst)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })
})

describe('purity and shapes', () => {
  fcTest.prop([anyMatrix(6)])('forward and backward leave z, a and da byte-identical', (z) => {
    for (const name of A.names) {
      const act = A.byName[name]
      const a = act.forward(z)
      const before = [snapshot(z), snapshot(a)]
      act.backward(z, a, a)
      expect([snapshot(z), snapshot(a)]).toEqual(before)
    }
  })
  fcTest.prop([anyMatrix(6), anyMatrix(6)])('the kernels run in place give forward and backward bit for bit', (z, d) => {
    const da = M.makeBy(z.rows, z.cols, (i, j) => M.get(d, i % d.rows, j % d.cols))
    for (const name of A.names) {
      const act = A.byName[name]
      const kernels = activationKernels(act)!
      const a = act.forward(z)
      const over = Float64Array.from(z.data)
      kernels.forward(over, over, z.rows, z.cols)
      expect(M.equals(M.unsafeWrap(z.rows, z.cols, over), a)).toBe(true)
      // A layer that overwrote z with a passes a for z when the kernel does not read it.
      const grad = Float64Array.from(da.data)
      kernels.backward(kernels.needsZ ? z.data : a.data, a.data, grad, grad, z.rows, z.cols)
      expect(M.equals(M.unsafeWrap(z.rows, z.cols, grad), act.backward(z, a, da))).toBe(true)
    }
  })
  it('backward rejects mismatched shapes', () => {
    expect(() => A.sigmoid.backward(M.zeros(2, 2), M.zeros(2, 2), M.zeros(2, 1))).toThrow(
      'sigmoid.backward: z, a and da must share a shape, got 2×2, 2×2 and 2×1'
    )
  })
})
