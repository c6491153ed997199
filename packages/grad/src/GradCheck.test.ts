import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import type { DenseParams } from './Dense.js'
import { gradCheck } from './GradCheck.js'
import * as L from './Loss.js'
import { nearKink, randomCase } from './testing/cases.js'
import * as V from './Vjp.js'

/** The output activations each loss accepts: its canonical one (fused path) and others (chained path). */
const outputsFor: Readonly<Record<L.LossName, ReadonlyArray<A.Activation>>> = {
  binaryCrossEntropy: [A.sigmoid],
  softmaxCrossEntropy: [A.softmax],
  squaredError: A.names.map((n) => A.byName[n]),
  meanSquaredError: A.names.map((n) => A.byName[n])
}

const network = (hidden: A.Activation, output: A.Activation, loss: L.Loss, reduction: L.Reduction, y: Matrix, depth: number) => {
  const layers = Array.from({ length: depth - 1 }, () => V.dense(hidden))
  const head = V.affine()
  const body = layers.length === 0 ? V.stack(head) : V.stack(layers[0]!, ...layers.slice(1), head)
  return V.andThen(V.outputLoss(output, loss, reduction)(y))(body)
}

describe('gradCheck on every layer × activation × loss × reduction, random shapes', () => {
  const combos = A.names.flatMap((hidden) =>
    L.names.flatMap((loss) =>
      outputsFor[loss].flatMap((output) => (['sum', 'mean'] as const).map((reduction) => ({ hidden, output, loss, reduction })))
    )
  )
  it.each(combos)('$hidden hidden, $output.name output, $loss, $reduction', ({ hidden, output, loss, reduction }) => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const c = randomCase(seed, loss)
        const activations = c.params.map((_, l) => (l === c.params.length - 1 ? output : A.byName[hidden]))
        fc.pre(!nearKink(activations, c.params, c.x)) // a central difference across relu's kink disagrees
        const f = network(A.byName[hidden], output, L.byName[loss], reduction, c.y, c.params.length)
        const { dp, dx } = V.valueAndGrad(f)(c.params, c.x)
        // x joins the tree, so the input gradient dx = Wᵀ·dz is checked too.
        const result = gradCheck<{ p: ReadonlyArray<DenseParams>; x: Matrix }>(({ p, x }) => f(p, x)[0])(
          { p: c.params, x: c.x },
          { p: dp, x: dx }
        )
        expect(result.passed, JSON.stringify(result.worst)).toBe(true)
      }),
      { numRuns: 6 }
    )
  })
})

describe('gradCheck itself', () => {
  const c = randomCase(3, 'squaredError')
  const f = network(A.tanh, A.identity, L.squaredError, 'sum', c.y, c.params.length)
  const { dp } = V.valueAndGrad(f)(c.params, c.x)
  const g = (p: ReadonlyArray<DenseParams>): number => f(p, c.x)[0]

  it('passes on correct gradients, reporting tiny errors', () => {
    const r = gradCheck(g)(c.params, dp)
    expect(r.passed).toBe(true)
    expect(r.entries).toBe(c.params.reduce((n, p) => n + p.W.data.length + p.b.data.length, 0))
    expect(r.maxAbsError).toBeLessThan(1e-7)
    expect(r.directional.relError).toBeLessThan(1e-7)
  })
  it('fails on a wrong entry and says where', () => {
    const last = dp.length - 1
    const bad = dp.map((p, l) =>
      l === last ? { ...p, b: { ...p.b, data: Float64Array.from(p.b.data, (v, i) => (i === 0 ? v + 0.01 : v)) } } : p
    )
    const r = gradCheck(g)(c.params, bad)
    expect(r.passed).toBe(false)
    expect([r.worst.path, r.worst.row, r.worst.col]).toEqual([`[${last}].b`, 0, 0])
    expect(r.worst.absError).toBeCloseTo(0.01, 6)
  })
  fcTest.prop([fc.nat()], { numRuns: 5 })('the directional check sees a gradient scaled by 2 (relative error ½)', (seed) => {
    const doubled = dp.map((p) => ({ W: { ...p.W, data: p.W.data.map((v) => 2 * v) }, b: { ...p.b, data: p.b.data.map((v) => 2 * v) } }))
    const r = gradCheck(g, { key: { k0: 0, k1: seed >>> 0 } })(c.params, doubled)
    expect(r.passed).toBe(false)
    // ⟨2g, v⟩ against ⟨g, v⟩: |2s − s| / |2s| = ½ whatever the direction.
    expect(r.directional.relError).toBeCloseTo(0.5, 5)
  })
})
