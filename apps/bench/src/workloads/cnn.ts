/**
 * Convolution workloads:
 *   digits CNN: one training step (Adam, dropout on) of apps/digits' CNN on a batch of 64 seeded random 8×8 images,
 *   puregrad through its spec (Mlp.lossAndGradients: the layer kinds under Ad) against TensorFlow.js's layers of the
 *   same architecture and initial weights: steps per second.
 *   conv2d: the forward and backward products of one convolution (32 images of 16×16×16, 32 filters of 3×3, padding
 *   1: dW and dx), puregrad's Ad.conv2d against tfjs's conv2d with its gradients: GFLOP/s, beside the dense products'.
 */
import { cnn } from '@puregrad/digits/models'
import * as Ad from '@puregrad/grad/Ad'
import * as Init from '@puregrad/mlp/Init'
import * as Mlp from '@puregrad/mlp/Mlp'
import * as Opt from '@puregrad/mlp/Optimizer'
import { parameterisedLayersOf } from '@puregrad/mlp/Spec'
import * as T from '@puregrad/mlp/Train'
import { Matrix as M, Random as R } from '@puregrad/tensor'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { Row } from '../report.js'
import { samplesOf } from '../report.js'
import { measureWorkload } from '../isolated.js'
import type { Contender, MeasureOptions } from '../timing.js'
import { jsKernels, oneThread, useDefaults } from '../threads.js'

export const CNN_BATCH = 64
export const CNN_LR = 0.01

/** The digits CNN, its initial parameters (He, as the app) and a batch of random images with random labels. */
export const cnnSetup = () => {
  const [kp, kx, ky] = R.split(R.key(2025), 3)
  const params = Init.init(Init.heNormal)(kp!, cnn)
  const x = R.uniform(kx!, 64, CNN_BATCH)
  const labels = Array.from(R.uniforms(ky!, CNN_BATCH), (u) => Math.floor(u * 10))
  const y = M.makeBy(10, CNN_BATCH, (i, j) => (labels[j] === i ? 1 : 0))
  return { spec: cnn, params, x, y, labels, layers: parameterisedLayersOf(cnn) }
}

/** Forward and backward matmul flops of the CNN's step: 3 × 2·B·out·positions·(C·kh·kw) per conv, 3 × 2·B·in·out for the dense layer (the first conv's dx is not needed, but puregrad computes it only when x is traced: not here). */
const cnnFlops = (): number => {
  const conv = (out: number, positions: number, k: number) => 2 * CNN_BATCH * out * positions * k
  return 2 * conv(16, 64, 9) + 3 * conv(32, 16, 144) + 3 * 2 * CNN_BATCH * 128 * 10
}

export const cnnWorkload = async (only: ReadonlySet<string> | undefined, options: MeasureOptions): Promise<Row> => {
  const { spec, params, x, y } = cnnSetup()
  const optimizer = Opt.adam(CNN_LR)
  const step = T.step(Mlp.lossAndGradients(spec), optimizer)
  const dropout = R.key(7)
  let state = T.initialState(optimizer)(params), jsState = state, state1 = state
  let i = 0
  const batch = () => ({ x, y, key: R.foldIn(dropout, i++) })
  const contenders: Array<Contender> = [
    { name: 'puregrad', run: () => (state = step(state, batch()).next), prepare: async () => useDefaults() },
    { name: 'puregrad-1t', run: () => (state1 = step(state1, batch()).next), prepare: async () => oneThread() },
    { name: 'puregrad-js', run: () => (jsState = step(jsState, batch()).next), prepare: async () => jsKernels() }
  ]
  const timings = await measureWorkload(contenders, { kind: 'cnn' }, only, options)
  return {
    workload: `digits CNN step (conv 16, pool, conv 32, pool, dropout, dense 10) batch ${CNN_BATCH}`,
    unit: 'steps/s',
    figures: Object.fromEntries(timings.map((t) => [t.name, 1 / t.seconds])),
    gflops: Object.fromEntries(timings.map((t) => [t.name, cnnFlops() / t.seconds / 1e9])),
    targets: { 'tfjs-wasm': 1.5, 'tfjs-cpu': 10 },
    samples: samplesOf(timings)
  }
}

/** The convolution micro-workload's shapes. */
export const CONV = { batch: 32, channels: 16, height: 16, width: 16, filters: 32, kernel: 3, padding: 1 } as const

/** The operands: images x, weights W (filters × C·9), bias, and the cotangent G of the output. */
export const convOperands = () => {
  const { batch, channels, height, width, filters, kernel } = CONV
  const [kx, kw, kg] = R.split(R.key(99), 3)
  const x = R.normal(kx!, channels * height * width, batch)
  const W = R.normal(kw!, filters, channels * kernel * kernel)
  const G = R.normal(kg!, filters * height * width, batch)
  return { x, W, b: M.zeros(filters, 1), G }
}

/** One forward product and the two backward ones (dW and dx), each 2·B·filters·H·W·(C·kh·kw) flops. */
export const convFlops = (): number => {
  const { batch, channels, height, width, filters, kernel } = CONV
  return 3 * 2 * batch * filters * height * width * channels * kernel * kernel
}

export const convWorkload = async (only: ReadonlySet<string> | undefined, options: MeasureOptions): Promise<Row> => {
  const { x, W, b, G } = convOperands()
  const options2d = { channels: CONV.channels, height: CONV.height, width: CONV.width, kernel: CONV.kernel, padding: CONV.padding }
  const loss = (p: { W: Matrix; b: Matrix; x: Matrix }) => Ad.sum(Ad.mul(Ad.conv2d(p, p.x, options2d), G))
  const run = Ad.grad(loss)
  const contenders: Array<Contender> = [
    { name: 'puregrad', run: () => run({ W, b, x }), prepare: async () => useDefaults() },
    { name: 'puregrad-1t', run: () => run({ W, b, x }), prepare: async () => oneThread() },
    { name: 'puregrad-js', run: () => run({ W, b, x }), prepare: async () => jsKernels() }
  ]
  const timings = await measureWorkload(contenders, { kind: 'conv' }, only, options)
  return {
    workload: `conv2d forward + backward: ${CONV.batch} × ${CONV.channels}×${CONV.height}×${CONV.width}, ${CONV.filters} filters 3×3, pad 1`,
    unit: 'GFLOP/s',
    figures: Object.fromEntries(timings.map((t) => [t.name, convFlops() / t.seconds / 1e9])),
    targets: {},
    samples: samplesOf(timings)
  }
}
