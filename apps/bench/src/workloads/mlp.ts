/**
 * Training-step workloads: the same network, data and initial parameters for every contender.
 *   XOR: widths [2, 2, 1], batch 4, full-batch SGD, sigmoid + BCE summed: steps per second.
 *   Mid-size: widths [784, 128, 10], batch 64, sigmoid + BCE: steps per second and GFLOP/s.
 */
import { Matrix as M, Random as R } from '@puregrad/tensor'
import * as Init from '@puregrad/mlp/Init'
import * as Opt from '@puregrad/mlp/Optimizer'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import * as T from '@puregrad/mlp/Train'
import { adTraining } from '../adStep.js'
import { mutableMlp } from '../baselines.js'
import { brainXor } from '../brain.js'
import { numpyContender } from '../numpy.js'
import { jsKernels, oneThread, useDefaults } from '../threads.js'
import type { Row } from '../report.js'
import { samplesOf } from '../report.js'
import { measureWorkload } from '../isolated.js'
import type { Contender, MeasureOptions } from '../timing.js'

export interface MlpWorkload {
  readonly name: string
  readonly widths: ReadonlyArray<number>
  readonly batch: number
  readonly lr: number
  readonly targets: Row['targets']
  readonly gflops: boolean
}

/**
 * Matmul flops of one step: forward W·a per layer, backward dW = dz·aᵀ per layer, and dx = Wᵀ·dz for every layer
 * but the first (whose input is data): 2·B·(in·out) each.
 */
export const stepFlops = (widths: ReadonlyArray<number>, batch: number): number =>
  widths.slice(1).reduce((total, out, l) => total + 2 * batch * widths[l]! * out * (l === 0 ? 2 : 3), 0)

/** The network, data and initial parameters every contender starts from (the tfjs child builds them again: seeded). */
export const mlpSetup = (w: MlpWorkload) => {
  const spec: MlpSpec = {
    widths: w.widths,
    activations: w.widths.slice(1).map(() => 'sigmoid'),
    loss: 'binaryCrossEntropy',
    reduction: 'sum'
  }
  const [kp, kx, ky] = R.split(R.key(2024), 3)
  const params = Init.init(Init.glorotUniform)(kp!, spec)
  const inputs = w.widths[0]!, outputs = w.widths[w.widths.length - 1]!
  const x = w.name === 'XOR' ? M.unsafeFromArray(2, 4, [0, 1, 0, 1, 0, 0, 1, 1]) : R.uniform(kx!, inputs, w.batch)
  const y = w.name === 'XOR' ? M.row([0, 1, 1, 0]) : M.map((u) => (u < 0.5 ? 0 : 1))(R.uniform(ky!, outputs, w.batch))
  return {
    spec,
    params,
    x,
    y,
    weights: params.map((p) => Float64Array.from(p.W.data)),
    biases: params.map((p) => Float64Array.from(p.b.data)),
    xData: Float64Array.from(x.data),
    yData: Float64Array.from(y.data)
  }
}

export const mlpWorkload = async (w: MlpWorkload, only: ReadonlySet<string> | undefined, options: MeasureOptions): Promise<Row> => {
  const { spec, params, x, y, weights, biases, xData, yData } = mlpSetup(w)
  const optimizer = Opt.sgd(w.lr)
  const step = T.step(spec, optimizer)
  let state = T.initialState(optimizer)(params)
  const batch = { x, y }
  const mutable = mutableMlp(w.widths, weights, biases, w.batch)

  let jsState = state
  let state1 = state
  const ad = adTraining(params, w.lr)
  let adState = ad.initial
  const contenders: Array<Contender> = [
    { name: 'puregrad', run: () => (state = step(state, batch).next), prepare: async () => useDefaults() },
    { name: 'puregrad-1t', run: () => (state1 = step(state1, batch).next), prepare: async () => oneThread() },
    { name: 'puregrad-js', run: () => (jsState = step(jsState, batch).next), prepare: async () => jsKernels() },
    { name: 'ad', run: () => (adState = ad.step(adState, batch).next), prepare: async () => useDefaults() },
    { name: 'mutable', run: () => mutable(xData, yData, w.lr) }
  ]
  if (w.name === 'XOR') {
    const brain = brainXor(weights, biases, Math.min(w.lr, 0.5))
    contenders.push({ name: 'brain.js', run: brain.step })
  }
  const numpy = only === undefined || only.has('numpy') ? [numpyContender(w, { weights, biases, xData, yData })] : []
  const timings = await measureWorkload(contenders, { kind: 'mlp', mlp: w }, only, options, numpy)
  const flops = stepFlops(w.widths, w.batch)
  return {
    workload: `${w.name} [${w.widths.join(', ')}] batch ${w.batch}`,
    unit: 'steps/s',
    figures: Object.fromEntries(timings.map((t) => [t.name, 1 / t.seconds])),
    ...(w.gflops ? { gflops: Object.fromEntries(timings.map((t) => [t.name, flops / t.seconds / 1e9])) } : {}),
    targets: w.targets,
    samples: samplesOf(timings)
  }
}
