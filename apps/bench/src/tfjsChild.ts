/**
 * The child process of isolated.ts: builds one workload's TensorFlow.js contenders from the same seeded data as the
 * parent, measures them as the parent measures its own, and prints their timings as JSON on stdout.
 */
import type { ChildRequest } from './isolated.js'
import type { TfBackend } from './tfjs.js'
import { tfCnnStep, tfConv, tfMatmul, tfMlpStep, useBackend } from './tfjs.js'
import type { Contender } from './timing.js'
import { measure } from './timing.js'
import { CNN_BATCH, CNN_LR, CONV, cnnSetup, convOperands } from './workloads/cnn.js'
import { matmulOperands } from './workloads/matmul.js'
import { mlpSetup } from './workloads/mlp.js'

const request = JSON.parse(process.argv[2]!) as ChildRequest
const { workload } = request

/** The workload's step on the active tfjs backend (its tensors live there, so it is built after selecting it). */
const build = (backend: TfBackend): (() => number) => {
  if (workload.kind === 'matmul') {
    const { aData, bData } = matmulOperands(workload.n)
    return tfMatmul(aData, bData, workload.n)
  }
  if (workload.kind === 'cnn') {
    const { params, layers, x, labels } = cnnSetup()
    const weights = params.map((p, k) => ({ W: Float64Array.from(p.W.data), b: Float64Array.from(p.b.data), out: layers[k]!.out, in: layers[k]!.in }))
    return tfCnnStep(backend, weights, Float64Array.from(x.data), labels, CNN_BATCH, CNN_LR)
  }
  if (workload.kind === 'conv') {
    const { x, W, G } = convOperands()
    return tfConv(backend, x.data as Float64Array, W.data as Float64Array, G.data as Float64Array, CONV)
  }
  const { widths, batch, lr } = workload.mlp
  const { weights, biases, xData, yData } = mlpSetup(workload.mlp)
  return tfMlpStep(widths, weights, biases, xData, yData, batch, lr)
}

const contenders: Array<Contender> = []
for (const backend of ['cpu', 'wasm'] as const) {
  const name = `tfjs-${backend}`
  if (!request.contenders.includes(name)) continue
  await useBackend(backend)
  contenders.push({ name, run: build(backend), prepare: () => useBackend(backend) })
}
process.stdout.write(JSON.stringify(await measure(contenders, request.options)))
