import fc from 'fast-check'
import { Kernel as K } from '@puregrad/tensor/internal/engine'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as A from '../Activation.js'
import * as B from '../Backprop.js'
import type { DenseParams } from '../Dense.js'
import * as L from '../Loss.js'
import { anyNetwork, randomParams } from '../testing/cases.js'
import { smallGradientStep } from './smallStep.js'
import type { DenseStack } from './stack.js'
import { resolve } from './stack.js'

/** Hidden activations whose σ' the kernels apply from a, and output pairs with a loss kernel: the small step's rules. */
const takes = (stack: DenseStack): boolean =>
  stack.activations.slice(0, -1).every((a) => a === A.sigmoid || a === A.tanh || a === A.relu) &&
  stack.activations[stack.activations.length - 1]!.name === stack.loss.canonical

const flat = (params: ReadonlyArray<DenseParams>): Array<number> =>
  params.flatMap((p) => [...p.W.data, ...p.b.data])

describe('smallGradientStep', () => {
  it('takes every small stack of kernel rules and gives lossAndGradients then θ + scale·g, bit for bit, writing none of its inputs', () => {
    let taken = 0
    fc.assert(
      fc.property(anyNetwork, fc.double({ min: -2, max: 2, noNaN: true }), fc.constantFrom('auto' as const, 'js' as const), ({ stack, params, x, y }, scale, backend) => {
        const small = smallGradientStep(resolve(stack))
        expect(small !== undefined).toBe(takes(stack))
        if (small === undefined) return
        taken++
        const before = flat(params)
        const step = K.withBackend(backend, () => small(params, x, y, scale))
        expect(step).toBeDefined()
        const { loss, grads } = K.withBackend('js', () => B.lossAndGradients(stack)(params, x, y))
        expect(Object.is(step!.loss, loss)).toBe(true)
        step!.params.forEach((p, l) => {
          expect(M.equals(p.W, M.axpy(scale, grads[l]!.W)(params[l]!.W))).toBe(true)
          expect(M.equals(p.b, M.axpy(scale, grads[l]!.b)(params[l]!.b))).toBe(true)
        })
        expect(flat(params)).toEqual(before)
      }),
      { numRuns: 300 }
    )
    expect(taken).toBeGreaterThan(50)
  })

  it('declines stacks with a rule that is not a σ′-from-a kernel, and non-canonical output pairs', () => {
    for (const hidden of [A.identity, A.softmax, A.leakyRelu(0.1), A.softplus, { ...A.sigmoid }]) {
      expect(smallGradientStep(resolve({ activations: [hidden, A.sigmoid], loss: L.binaryCrossEntropy, reduction: 'sum' }))).toBeUndefined()
    }
    expect(smallGradientStep(resolve({ activations: [A.tanh, A.sigmoid], loss: L.squaredError, reduction: 'sum' }))).toBeUndefined()
    expect(smallGradientStep(resolve({ activations: [A.tanh, A.sigmoid], loss: { ...L.binaryCrossEntropy }, reduction: 'sum' }))).toBeUndefined()
    expect(smallGradientStep(resolve({ activations: [A.tanh, A.sigmoid], loss: L.binaryCrossEntropy, reduction: 'mean' }))).toBeDefined()
  })

  it('declines shapes the general step must reject, products past the reference loop, and a forced WebAssembly backend', () => {
    const stack: DenseStack = { activations: [A.tanh, A.sigmoid], loss: L.binaryCrossEntropy, reduction: 'sum' }
    const small = smallGradientStep(resolve(stack))!
    const params = randomParams(key(1), [2, 3, 1])
    const x = M.zeros(2, 4), y = M.zeros(1, 4)
    expect(small(params, x, y, -1)).toBeDefined()
    expect(small(params.slice(1), x, y, -1)).toBeUndefined()
    expect(small(params, M.zeros(3, 4), y, -1)).toBeUndefined()
    expect(small(params, x, M.zeros(2, 4), -1)).toBeUndefined()
    expect(small(params, x, M.zeros(1, 3), -1)).toBeUndefined()
    expect(small([params[0]!, { W: params[1]!.W, b: M.zeros(2, 1) }], x, y, -1)).toBeUndefined()
    // 3·2·700 multiply-adds in the first layer: the kernels would tile or use WebAssembly.
    expect(small(params, M.zeros(2, 700), M.zeros(1, 700), -1)).toBeUndefined()
    if (K.wasmAvailable) expect(K.withBackend('wasm', () => small(params, x, y, -1))).toBeUndefined()
  })
})
