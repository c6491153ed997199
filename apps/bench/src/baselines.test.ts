/**
 * The bench compares like with like only if every contender does the same work: these tests check that the
 * baselines and the tfjs step compute what puregrad computes (no timing here).
 */
import { pipe } from 'fp-ts/lib/function.js'
import { Matrix as M, Random as R } from '@puregrad/tensor'
import * as Init from '@puregrad/mlp/Init'
import * as Opt from '@puregrad/mlp/Optimizer'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import * as T from '@puregrad/mlp/Train'
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { adTraining } from './adStep.js'
import { brainXor } from './brain.js'
import { numpyStep } from './numpy.js'
import { matmulInto, mutableMlp, naiveMatmul } from './baselines.js'
import { formatTable, ratios } from './report.js'
import * as Mlp from '@puregrad/mlp/Mlp'
import { tfCnnStep, tfMatmul, tfMlpStep, useBackend } from './tfjs.js'
import { CNN_BATCH, cnnSetup } from './workloads/cnn.js'
import { stepFlops } from './workloads/mlp.js'

const spec: MlpSpec = { widths: [5, 4, 3], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }
const [kp, kx] = R.split(R.key(3), 2)
const params = Init.init(Init.glorotUniform)(kp!, spec)
const x = R.uniform(kx!, 5, 6)
const y = M.makeBy(3, 6, (i, j) => (i + j) % 2)
const weights = params.map((p) => Float64Array.from(p.W.data))
const biases = params.map((p) => Float64Array.from(p.b.data))

const puregradLosses = (steps: number): Array<number> => {
  const opt = Opt.sgd(0.5)
  const states = [...T.scan(spec, opt)(T.initialState(opt)(params), Array.from({ length: steps }, () => ({ x, y })))]
  return states.map((s) => s.loss!)
}

describe('baselines do the same work as puregrad', () => {
  it('the ad contender gives puregrad\'s losses and parameters bit for bit', () => {
    const ad = adTraining(params, 0.5)
    let state = ad.initial
    const losses = puregradLosses(20).slice(0, -1).map(() => {
      const { loss, next } = ad.step(state, { x, y })
      state = next
      return loss
    })
    expect(losses).toEqual(puregradLosses(20).slice(0, -1))
    const opt = Opt.sgd(0.5)
    const final = T.train(spec, opt)(T.initialState(opt)(params), Array.from({ length: 20 }, () => ({ x, y })))
    if (final._tag === 'Left') throw new Error(final.left.message)
    final.right.params.forEach((p, l) => expect(M.equals(p.W, state.params[l]!.W) && M.equals(p.b, state.params[l]!.b)).toBe(true))
  })
  it('the mutable MLP follows the same loss trajectory', () => {
    const step = mutableMlp(spec.widths, weights, biases, 6)
    const xs = Float64Array.from(x.data), ys = Float64Array.from(y.data)
    const ours = puregradLosses(20)
    const theirs = ours.map(() => step(xs, ys, 0.5))
    theirs.forEach((l, i) => expect(Math.abs(l - ours[i]!)).toBeLessThan(1e-12 * Math.max(1, ours[i]!)))
  })
  it('both matmul baselines compute a·b', () => {
    const a = R.normal(R.key(1), 7, 5), b = R.normal(R.key(2), 5, 6)
    const expected = pipe(a, M.matmul(b))
    const out = new Float64Array(42)
    matmulInto(Float64Array.from(a.data), Float64Array.from(b.data), out, 7, 5, 6)
    expect(M.approxEquals(1e-12)(M.unsafeWrap(7, 6, out), expected)).toBe(true)
    expect(M.equals(M.unsafeWrap(7, 6, naiveMatmul(Float64Array.from(a.data), Float64Array.from(b.data), 7, 5, 6)), expected)).toBe(true)
  })
  it.each(['cpu', 'wasm'] as const)('tfjs-%s follows the same trajectory in float32', async (backend) => {
    await useBackend(backend)
    const step = tfMlpStep(spec.widths, weights, biases, Float64Array.from(x.data), Float64Array.from(y.data), 6, 0.5)
    const ours = puregradLosses(10)
    ours.forEach((l) => expect(Math.abs(step() - l)).toBeLessThan(1e-4 * Math.max(1, l)))
    const a = R.normal(R.key(1), 8, 8)
    const square = tfMatmul(Float64Array.from(a.data), Float64Array.from(a.data), 8)
    expect(square()).toBeCloseTo(M.get(pipe(a, M.matmul(a)), 0, 0), 4)
  })
})

/** Whether python3 with numpy is here (the numpy contender is skipped without it, and so is its test). */
const hasNumpy = spawnSync(process.env['PUREGRAD_PYTHON'] ?? 'python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0

describe('the peers do the same work', () => {
  it.skipIf(!hasNumpy)('numpy (the notebook\'s step) updates W as puregrad does, and b by the batch mean of dz (the notebook\'s choice)', () => {
    const theirs = numpyStep({ widths: spec.widths, batch: 6, lr: 0.5 }, { weights, biases, xData: Float64Array.from(x.data), yData: Float64Array.from(y.data) })
    if (typeof theirs === 'string') throw new Error(theirs)
    const opt = Opt.sgd(0.5)
    const ours = T.step(spec, opt)(T.initialState(opt)(params), { x, y }).next.params
    ours.forEach((p, l) => {
      p.W.data.forEach((w, q) => expect(Math.abs(theirs.weights[l]![q]! - w)).toBeLessThan(1e-12))
      // puregrad's b' = b − lr·Σ dz; the notebook's b − lr·mean dz = b − (b − b')/B
      p.b.data.forEach((b1, i) => expect(Math.abs(theirs.biases[l]![i]! - (biases[l]![i]! - (biases[l]![i]! - b1) / 6))).toBeLessThan(1e-12))
    })
  })
  it('brain.js starts from puregrad\'s XOR weights (its float32 copy) and learns XOR with its step', () => {
    const xorSpec: MlpSpec = { widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }
    const xorParams = Init.init(Init.glorotUniform)(R.key(5), xorSpec)
    const brain = brainXor(xorParams.map((p) => Float64Array.from(p.W.data)), xorParams.map((p) => Float64Array.from(p.b.data)), 0.5)
    const inputs = [[0, 0], [1, 0], [0, 1], [1, 1]] as const
    inputs.forEach(([a, b]) => {
      const ours = M.get(Mlp.predict(xorSpec, xorParams)(M.unsafeFromArray(2, 1, [a, b])), 0, 0)
      expect(Math.abs(brain.net.run([a, b])[0]! - ours)).toBeLessThan(1e-6)
    })
    for (let i = 0; i < 5000; i++) brain.step()
    inputs.forEach(([a, b]) => expect(Math.abs(brain.net.run([a, b])[0]! - (a ^ b))).toBeLessThan(0.2))
  })
})

describe('the digits CNN contenders compute the same network', () => {
  it.each(['cpu', 'wasm'] as const)('tfjs-%s, with puregrad\'s weights moved to NHWC, gives its loss (dropout off, float32)', async (backend) => {
    await useBackend(backend)
    const { spec, params, layers, x, y, labels } = cnnSetup()
    const weights = params.map((p, k) => ({ W: Float64Array.from(p.W.data), b: Float64Array.from(p.b.data), out: layers[k]!.out, in: layers[k]!.in }))
    const step = tfCnnStep(backend, weights, Float64Array.from(x.data), labels, CNN_BATCH, 0.01, 0)
    expect(Math.abs(step() - Mlp.loss(spec)(params, { x, y }))).toBeLessThan(1e-5)
  })
})

describe('the report', () => {
  it('counts flops as forward + dW for every layer and dx for all but the first', () => {
    // [784, 128, 10], batch 64: 2·64·(784·128·2 + 128·10·3)
    expect(stepFlops([784, 128, 10], 64)).toBe(2 * 64 * (784 * 128 * 2 + 128 * 10 * 3))
  })
  it('computes ratios against targets and prints them', () => {
    const row = { workload: 'w', unit: 'steps/s', figures: { puregrad: 300, mutable: 200, other: 600 }, targets: { mutable: 1.5 }, samples: {} }
    expect(ratios(row)).toEqual([{ against: 'mutable', ratio: 1.5, target: 1.5, met: true }, { against: 'other', ratio: 0.5 }])
    expect(formatTable([row])).toBe('w (steps/s)\n    puregrad 300  mutable 200  other 600\n    puregrad: ×1.50 vs mutable (target ≥ 1.5 ✓), ×0.50 vs other')
  })
  it('pairs the samples of one round where both sides have as many: the median of the rounds\' ratios', () => {
    // Rounds where the machine ran at full speed, at half and at full again: each round puregrad takes 1 s against
    // the contender's 2 s (a ratio of 2), but the medians of each side's samples (1 and 4) would say 4.
    const samples = { puregrad: [1, 2, 1], mutable: [2, 4, 4], numpy: [2, 2] }
    const row = { workload: 'w', unit: 'steps/s', figures: { puregrad: 1, mutable: 0.25, numpy: 0.5 }, targets: {}, samples }
    expect(ratios(row)).toEqual([{ against: 'mutable', ratio: 2 }, { against: 'numpy', ratio: 2 }])
  })
})
