/**
 * The workload run in both places: the notebook's XOR recipe through the public API of @puregrad/mlp, a wider
 * network whose products run on the WebAssembly kernel with its epilogues (bias, σ for sigmoid, σ' for sigmoid, relu
 * and tanh, the SGD update), and one plain product. Only the libraries and fp-ts are imported, nothing from Node.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Data, Init, Mlp, Optimizer, Spec, Train } from '@puregrad/mlp'
import { Matrix, Random } from '@puregrad/tensor'
import { Kernel } from '@puregrad/tensor/internal/engine'

export interface WorkloadResult {
  /** Whether the WebAssembly SIMD kernel loaded (false means the JS kernels served). */
  readonly wasm: boolean
  readonly loss: number | null
  readonly outputs: ReadonlyArray<number>
  /** The loss after 20 SGD steps of a [32, 24, 16, 12, 4] sigmoid/relu/tanh network on random data, batch 16. */
  readonly wideLoss: number | null
  /** Σ of a 64×64 product: the bits must not depend on the engine or the kernel. */
  readonly productSum: number
}

/** Trains a network wide enough for the WebAssembly kernel (every product has m·n·k ≥ 512) and returns its loss. */
const wideNetworkLoss = (): number | null => {
  const spec: Spec.MlpSpec = {
    widths: [32, 24, 16, 12, 4],
    activations: ['sigmoid', 'relu', 'tanh', 'sigmoid'],
    loss: 'binaryCrossEntropy',
    reduction: 'mean'
  }
  const [kp, kx, ky] = Random.split(Random.key(3), 3)
  const x = Random.normal(kx!, 32, 16)
  const y = Matrix.map((u: number) => (u < 0.5 ? 0 : 1))(Random.uniform(ky!, 4, 16))
  const optimizer = Optimizer.sgd(0.5)
  const params = Init.init(Init.heNormal)(kp!, spec)
  const trained = Train.train(spec, optimizer)(Train.initialState(optimizer)(params), Data.repeat({ x, y }, 20))
  return (E.isRight(trained) ? trained.right : trained.left.last).loss
}

export const workload = (): WorkloadResult => {
  const spec = Spec.notebookXor
  const xor = Data.decodeDataset({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] })
  if (E.isLeft(xor)) throw new Error(xor.left.join('; '))
  const optimizer = Optimizer.sgd(1)
  const params = Init.init(Init.standardNormal)(Random.key(1), spec)
  const trained = Train.train(spec, optimizer)(Train.initialState(optimizer)(params), Data.repeat(xor.right, 1000))
  const final = E.isRight(trained) ? trained.right : trained.left.last
  const a = Random.normal(Random.key(7), 64, 64)
  return {
    wasm: Kernel.wasmAvailable,
    loss: final.loss,
    outputs: Array.from(Mlp.predict(spec, final.params)(xor.right.x).data),
    wideLoss: wideNetworkLoss(),
    productSum: Matrix.sum(Matrix.matmul(a)(a))
  }
}
