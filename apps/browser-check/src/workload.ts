/**
 * The workload run in both places: the notebook's XOR recipe through the public API of @puregrad/mlp, plus one
 * product large enough for the WebAssembly kernel. Only the libraries and fp-ts are imported, nothing from Node.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Data, Init, Mlp, Optimizer, Spec, Train } from '@puregrad/mlp'
import { Kernel, Matrix, Random } from '@puregrad/tensor'

export interface WorkloadResult {
  /** Whether the WebAssembly SIMD kernel loaded (false means the JS kernels served). */
  readonly wasm: boolean
  readonly loss: number | null
  readonly outputs: ReadonlyArray<number>
  /** Σ of a 64×64 product: the bits must not depend on the engine or the kernel. */
  readonly productSum: number
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
    productSum: Matrix.sum(Matrix.matmul(a)(a))
  }
}
