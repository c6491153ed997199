import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { Kernel as K } from '@puregrad/tensor/internal/engine'
import * as M from '@puregrad/tensor/Matrix'
import { key } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as A from './Activation.js'
import * as B from './Backprop.js'
import { gradientStep } from './internal/backprop.js'
import type { DenseParams } from './Dense.js'
import { gradCheck } from './GradCheck.js'
import * as L from './Loss.js'
import { anyNetwork, nearKink, randomParams } from './testing/cases.js'
import * as V from './Vjp.js'

/** The same network composed from VJPs: the reference Backprop must equal bit for bit. */
const composed = (stack: B.DenseStack, y: M.Matrix): V.Differentiable<ReadonlyArray<DenseParams>, M.Matrix, number, null> => {
  const last = stack.activations.length - 1
  const layers = stack.activations.map((act, l) => (l === last ? V.affine() : V.dense(act)))
  const first = last === 0 ? V.affine({ inputGradient: false }) : V.dense(stack.activations[0]!, { inputGradient: false })
  return pipe(V.stack(first, ...layers.slice(1)), V.andThen(V.outputLoss(stack.activations[last]!, stack.loss, stack.reduction)(y)))
}

/** The loss with its kernels left out, as a user's own loss would come. */
const withoutKernels = (loss: L.Loss): L.Loss => ({ ...loss }) // a copy has no registered kernels

describe('lossAndGradients', () => {
  it('equals the VJP composition bit for bit on random networks', () => {
    fc.assert(
      fc.property(anyNetwork, ({ stack, params, x, y }) => {
        const ours = B.lossAndGradients(stack)(params, x, y)
        const reference = V.valueAndGrad(composed(stack, y))(params, x)
        expect(Object.is(ours.loss, reference.value)).toBe(true)
        expect(ours.grads.length).toBe(params.length)
        ours.grads.forEach((g, l) => {
          expect(M.equals(g.W, reference.dp[l]!.W)).toBe(true)
          expect(M.equals(g.b, reference.dp[l]!.b)).toBe(true)
        })
      }),
      { numRuns: 300 }
    )
  })

  it('gives the same bits with the WebAssembly kernels forced as the composition on the JS kernels', () => {
    // The networks above are too small for 'auto' to pick WebAssembly: this runs every product, with its bias, σ or σ'
    // epilogue, in the module, and the reference entirely in JS.
    fc.assert(
      fc.property(anyNetwork, fc.double({ min: -2, max: 2, noNaN: true }), ({ stack, params, x, y }, scale) => {
        const [reference, step] = K.withBackend('js', () => [V.valueAndGrad(composed(stack, y))(params, x), gradientStep(stack)(params, x, y, scale)] as const)
        const [ours, ourStep] = K.withBackend('wasm', () => [B.lossAndGradients(stack)(params, x, y), gradientStep(stack)(params, x, y, scale)] as const)
        expect(Object.is(ours.loss, reference.value)).toBe(true)
        ours.grads.forEach((g, l) => expect(M.equals(g.W, reference.dp[l]!.W) && M.equals(g.b, reference.dp[l]!.b)).toBe(true))
        ourStep.params.forEach((p, l) => expect(M.equals(p.W, step.params[l]!.W) && M.equals(p.b, step.params[l]!.b)).toBe(true))
      }),
      { numRuns: 150 }
    )
  })

  it('matches central differences', () => {
    fc.assert(
      fc.property(anyNetwork, ({ stack, params, x, y }) => {
        fc.pre(!nearKink(stack.activations, params, x)) // a central difference across relu's kink disagrees
        const { grads } = B.lossAndGradients(stack)(params, x, y)
        const cost = (p: ReadonlyArray<DenseParams>) => B.lossAndGradients(stack)(p, x, y).loss
        const result = gradCheck(cost)(params, grads)
        expect(result.passed, JSON.stringify(result.worst)).toBe(true)
      }),
      { numRuns: 60 }
    )
  })

  it('works with activations and losses that bring no kernels (a user’s own), through their allocating functions', () => {
    fc.assert(
      fc.property(anyNetwork, ({ stack, params, x, y }) => {
        // The same rules without kernels: Backprop must fall back to forward/backward and outputGradient.
        const bare: B.DenseStack = {
          activations: stack.activations.map(({ name, forward, backward }) => ({ name, forward, backward })),
          loss: withoutKernels(stack.loss),
          reduction: stack.reduction
        }
        const ours = gradientStep(bare)(params, x, y, -0.25)
        const reference = gradientStep(stack)(params, x, y, -0.25)
        expect(Object.is(ours.loss, reference.loss)).toBe(true)
        ours.params.forEach((p, l) => expect(M.equals(p.W, reference.params[l]!.W) && M.equals(p.b, reference.params[l]!.b)).toBe(true))
      }),
      { numRuns: 100 }
    )
  })

  it('throws ShapeError for a layer count or targets that do not fit', () => {
    const stack: B.DenseStack = { activations: [A.tanh, A.sigmoid], loss: L.binaryCrossEntropy, reduction: 'sum' }
    const params = randomParams(key(1), [2, 3, 1])
    const x = M.zeros(2, 4)
    expect(() => B.lossAndGradients(stack)(params.slice(1), x, M.zeros(1, 4))).toThrow('lossAndGradients: 2 activations need as many layers, got 1')
    expect(() => B.lossAndGradients(stack)(params, x, M.zeros(2, 4))).toThrow('lossAndGradients: the outputs are 1×4, the targets 2×4')
    expect(() => B.lossAndGradients(stack)(params, M.zeros(3, 4), M.zeros(1, 4))).toThrow('affine: (3×2)·(3×4): inner dimensions 2 ≠ 3')
  })
})

describe('gradientStep', () => {
  it('equals lossAndGradients then θ + scale·g on every leaf, bit for bit, and leaves its inputs alone', () => {
    fc.assert(
      fc.property(anyNetwork, fc.double({ min: -2, max: 2, noNaN: true }), ({ stack, params, x, y }, scale) => {
        const before = params.map((p) => [Float64Array.from(p.W.data), Float64Array.from(p.b.data)])
        const step = gradientStep(stack)(params, x, y, scale)
        const { loss, grads } = B.lossAndGradients(stack)(params, x, y)
        expect(Object.is(step.loss, loss)).toBe(true)
        step.params.forEach((p, l) => {
          expect(M.equals(p.W, M.axpy(scale, grads[l]!.W)(params[l]!.W))).toBe(true)
          expect(M.equals(p.b, M.axpy(scale, grads[l]!.b)(params[l]!.b))).toBe(true)
        })
        params.forEach((p, l) => expect([Array.from(p.W.data), Array.from(p.b.data)]).toEqual(before[l]!.map((d) => Array.from(d))))
      }),
      { numRuns: 150 }
    )
  })

  it('one step function called again and again (its buffers reused, batch sizes changing) gives each call the bits of a fresh one, and never writes a result it returned', () => {
    fc.assert(
      fc.property(anyNetwork, fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }), ({ stack, params, x }, batches) => {
        const reused = gradientStep(stack)
        const results: Array<{ readonly step: ReturnType<typeof reused>; readonly copy: ReadonlyArray<ReadonlyArray<number>> }> = []
        let current = params
        batches.forEach((batch, i) => {
          const xs = M.unsafeFromArray(x.rows, batch, Array.from({ length: x.rows * batch }, (_, q) => Math.sin(q + i)))
          const ys = M.unsafeFromArray(
            params[params.length - 1]!.W.rows,
            batch,
            Array.from({ length: params[params.length - 1]!.W.rows * batch }, (_, q) => (q + i) % 2)
          )
          const target = stack.loss.name === 'softmaxCrossEntropy' ? M.map((v) => (v === 0 ? 0 : 1 / ys.rows))(ys) : ys
          const step = reused(current, xs, target, -0.1)
          const fresh = gradientStep(stack)(current, xs, target, -0.1)
          expect(Object.is(step.loss, fresh.loss)).toBe(true)
          step.params.forEach((p, l) => expect(M.equals(p.W, fresh.params[l]!.W) && M.equals(p.b, fresh.params[l]!.b)).toBe(true))
          results.push({ step, copy: step.params.flatMap((p) => [Array.from(p.W.data), Array.from(p.b.data)]) })
          current = step.params
        })
        for (const { step, copy } of results) expect(step.params.flatMap((p) => [Array.from(p.W.data), Array.from(p.b.data)])).toEqual(copy)
      }),
      { numRuns: 100 }
    )
  })
})

describe('predict', () => {
  it('equals the output activation of the VJP forward pass', () => {
    fc.assert(
      fc.property(anyNetwork, ({ stack, params, x }) => {
        const last = stack.activations.length - 1
        const layers = stack.activations.map((act, l) => (l === last ? V.affine() : V.dense(act)))
        const z = V.forward(V.stack(layers[0]!, ...layers.slice(1)))(params, x)
        expect(M.equals(B.predict(stack)(params, x), stack.activations[last]!.forward(z))).toBe(true)
      }),
      { numRuns: 100 }
    )
  })
})
