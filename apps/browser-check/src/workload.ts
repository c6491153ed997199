/**
 * The workload run in both places: the notebook's XOR recipe through the public API of @puregrad/mlp, a wider
 * network whose products run on the WebAssembly kernel with its epilogues (bias, σ for sigmoid, σ' for sigmoid, relu
 * and tanh, the SGD update), and one plain product. Only the libraries and fp-ts are imported, nothing from Node.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Data, Init, Mlp, Optimizer, Spec, Train } from '@puregrad/mlp'
import { Exp, Log, Matrix, Random, Tanh, Trig } from '@puregrad/tensor'
import { Kernel } from '@puregrad/tensor/internal/engine'

export interface WorkloadResult {
  /** Whether the WebAssembly SIMD kernel loaded (false means the JS kernels served). */
  readonly wasm: boolean
  readonly loss: number | null
  readonly outputs: ReadonlyArray<number>
  /** The loss after 20 SGD steps of a [32, 24, 16, 12, 4] sigmoid/relu/tanh network on random data, batch 16. */
  readonly wideLoss: number | null
  /** The losses after 30 steps of Adam on a cosine schedule and of SGD on an exponential one (tanh, softmax CE). */
  readonly scheduledLosses: ReadonlyArray<number | null>
  /**
   * The loss after 3 SGD steps of a [512, 256, 10] network, batch 64: products of 2^23 multiply-adds, shared between
   * threads where more than one runs (the bits must not depend on it).
   */
  readonly threadedLoss: number | null
  /** Σ of a 64×64 product: the bits must not depend on the engine or the kernel. */
  readonly productSum: number
  /**
   * A hash of the bits of exp, log, log1p, tanh, expm1, sinPi and cosPi (@puregrad/tensor's, not Math's) at 50,000
   * seeded doubles of every magnitude: one differing last bit anywhere changes it.
   */
  readonly functionsDigest: string
}

/**
 * FNV-1a over the two 32-bit words of each result. The arguments are made from their bits (sign, an exponent for
 * |x| from 2^−40 to 2^12, 52 random fraction bits), not with `**`, whose last bit differs between engines too.
 */
const functionsDigest = (): string => {
  const functions = [Exp.exp, Log.log, Log.log1p, Tanh.tanh, Tanh.expm1, Trig.sinPi, Trig.cosPi]
  const u = Random.uniform(Random.key(11), 4, 50_000).data
  const bits = new Float64Array(1)
  const words = new Uint32Array(bits.buffer) // little-endian: words[1] is the upper one
  let hash = 0x811c9dc5
  for (let i = 0; i < 50_000; i++) {
    const sign = u[i]! < 0.5 ? 0x80000000 : 0
    const exponent = 1023 - 40 + Math.floor(52 * u[50_000 + i]!)
    words[1] = (sign | (exponent << 20) | Math.floor(u[100_000 + i]! * 0x100000)) >>> 0
    words[0] = Math.floor(u[150_000 + i]! * 0x100000000) >>> 0
    const x = bits[0]!
    for (const f of functions) {
      bits[0] = f(x)
      hash = Math.imul(hash ^ words[0]!, 0x01000193) >>> 0
      hash = Math.imul(hash ^ words[1]!, 0x01000193) >>> 0
    }
  }
  return hash.toString(16).padStart(8, '0')
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

/** A network whose products are large enough to be shared between threads. */
const threadedLoss = (): number | null => {
  const spec: Spec.MlpSpec = { widths: [512, 256, 10], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }
  const [kp, kx, ky] = Random.split(Random.key(13), 3)
  const x = Random.uniform(kx!, 512, 64)
  const y = Matrix.map((u: number) => (u < 0.5 ? 0 : 1))(Random.uniform(ky!, 10, 64))
  const optimizer = Optimizer.sgd(0.05)
  const params = Init.init(Init.glorotUniform)(kp!, spec)
  const trained = Train.train(spec, optimizer)(Train.initialState(optimizer)(params), Data.repeat({ x, y }, 3))
  return (E.isRight(trained) ? trained.right : trained.left.last).loss
}

/** Adam with cosine decay, and SGD with exponential decay, on a small tanh/softmax network. */
const scheduledLosses = (): ReadonlyArray<number | null> => {
  const spec: Spec.MlpSpec = { widths: [6, 10, 3], activations: ['tanh', 'softmax'], loss: 'softmaxCrossEntropy', reduction: 'mean' }
  const [kp, kx] = Random.split(Random.key(5), 2)
  const x = Random.normal(kx!, 6, 12)
  const y = Matrix.makeBy(3, 12, (i: number, j: number) => (j % 3 === i ? 1 : 0))
  const params = Init.init(Init.glorotUniform)(kp!, spec)
  const lossAfter30 = <S>(optimizer: Optimizer.Optimizer<S>): number | null => {
    const trained = Train.train(spec, optimizer)(Train.initialState(optimizer)(params), Data.repeat({ x, y }, 30))
    return (E.isRight(trained) ? trained.right : trained.left.last).loss
  }
  return [
    lossAfter30(Optimizer.adam(Optimizer.cosineDecay({ rate: 0.05, decaySteps: 30, alpha: 0.1 }))),
    lossAfter30(Optimizer.sgd(Optimizer.exponentialDecay({ rate: 0.5, decayRate: 0.8, transitionSteps: 7 })))
  ]
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
    scheduledLosses: scheduledLosses(),
    threadedLoss: threadedLoss(),
    productSum: Matrix.sum(Matrix.matmul(a)(a)),
    functionsDigest: functionsDigest()
  }
}
