import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { GradCheck } from '@puregrad/grad'
import * as Act from '@puregrad/grad/Activation'
import * as M from '@puregrad/tensor/Matrix'
import { key, split, uniform as uniformDraw } from '@puregrad/tensor/Random'
import { nearKink, randomTargets } from '@puregrad/grad/testing/cases'
import { describe, expect, it } from 'vitest'
import * as I from './Init.js'
import * as Mlp from './Mlp.js'
import type { MlpSpec } from './Spec.js'
import { notebookXor, validateSpec } from './Spec.js'
import { xor } from './testing/xor.js'

const outputFor = { binaryCrossEntropy: 'sigmoid', softmaxCrossEntropy: 'softmax' } as const

describe('lossAndGradients', () => {
  it('matches central differences on random networks, activations and losses', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.constantFrom(...Act.names), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('binaryCrossEntropy', 'softmaxCrossEntropy', 'squaredError') as fc.Arbitrary<MlpSpec['loss']>,
        fc.constantFrom(...Act.names),
        fc.constantFrom('sum', 'mean') as fc.Arbitrary<MlpSpec['reduction']>,
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (widths0, hidden, loss, squaredErrorOutput, reduction, batch, seed) => {
          const widths = loss === 'softmaxCrossEntropy' ? [...widths0.slice(0, -1), Math.max(2, widths0[widths0.length - 1]!)] : widths0
          // Every hidden layer its own activation; squared error takes any output activation, the others their own.
          const output = loss === 'squaredError' || loss === 'meanSquaredError' ? squaredErrorOutput : outputFor[loss]
          const spec: MlpSpec = { widths, activations: [...hidden.slice(0, widths.length - 2), output], loss, reduction }
          expect(E.isRight(validateSpec(spec))).toBe(true)
          const [kp, kx, ky] = split(key(seed), 3)
          const params = I.init(I.glorotUniform)(kp!, spec).map((p) => ({ ...p, b: M.map((v) => v + 0.1)(p.b) }))
          const batchData = { x: uniformDraw(kx!, widths[0]!, batch, -1, 1), y: randomTargets(ky!, loss, widths[widths.length - 1]!, batch) }
          // a central difference across relu's kink disagrees with the one-sided derivative
          fc.pre(!nearKink(spec.activations.map((name) => Act.byName[name]), params, batchData.x))
          const { loss: value, grads } = Mlp.lossAndGradients(spec)(params, batchData)
          expect(value).toBe(Mlp.loss(spec)(params, batchData))
          const r = GradCheck.gradCheck((p: Mlp.Params) => Mlp.loss(spec)(p, batchData))(params, grads)
          expect(r.passed, JSON.stringify(r.worst)).toBe(true)
        }
      ),
      { numRuns: 150 }
    )
  })
  it('gradients have exactly the shape of the parameters', () => {
    const params = I.init(I.standardNormal)(key(0), notebookXor)
    const { grads } = Mlp.lossAndGradients(notebookXor)(params, xor)
    expect(grads.map((g) => [M.shapeOf(g.W), M.shapeOf(g.b)])).toEqual(params.map((p) => [M.shapeOf(p.W), M.shapeOf(p.b)]))
  })
  it('predict gives one output column per input column, in (0, 1) for a sigmoid net', () => {
    const params = I.init(I.standardNormal)(key(0), notebookXor)
    const out = Mlp.predict(notebookXor, params)(xor.x)
    expect(M.shapeOf(out)).toBe('1×4')
    expect(Array.from(out.data).every((v) => v > 0 && v < 1)).toBe(true)
  })
  it('parameters that do not fit the spec throw ShapeError naming the layer', () => {
    const params = I.init(I.standardNormal)(key(0), { ...notebookXor, widths: [2, 3, 1] })
    expect(() => Mlp.predict(notebookXor, params)(xor.x)).toThrow('Mlp: layer 0 expects W 2×2 and b 2×1, got W 3×2 and b 3×1')
    expect(() => Mlp.predict(notebookXor, params.slice(1))(xor.x)).toThrow('Mlp: the spec has 2 layers, the parameters 1')
  })
})
