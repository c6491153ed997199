/**
 * The child process of isolated.ts: builds one workload's TensorFlow.js contenders from the same seeded data as the
 * parent, measures them as the parent measures its own, and prints their timings as JSON on stdout.
 */
import type { ChildRequest } from './isolated.js'
import { tfMatmul, tfMlpStep, useBackend } from './tfjs.js'
import type { Contender } from './timing.js'
import { measure } from './timing.js'
import { matmulOperands } from './workloads/matmul.js'
import { mlpSetup } from './workloads/mlp.js'

const request = JSON.parse(process.argv[2]!) as ChildRequest
const { workload } = request

/** The workload's step on the active tfjs backend (its tensors live there, so it is built after selecting it). */
const build = (): (() => number) => {
  if (workload.kind === 'matmul') {
    const { aData, bData } = matmulOperands(workload.n)
    return tfMatmul(aData, bData, workload.n)
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
  contenders.push({ name, run: build(), prepare: () => useBackend(backend) })
}
process.stdout.write(JSON.stringify(await measure(contenders, request.options)))
