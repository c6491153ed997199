/**
 * The brain.js contender (XOR): brain.js 2 (npm brain.js@2.0.0-beta.24, its GPU dependency unbuilt), the fastest
 * JavaScript peer measured, with the network of the XOR workload ([2, 2, 1], sigmoid) and the same initial weights.
 * One step is what brain.js runs per training iteration (`trainPatterns`: forward, deltas and update for each of the
 * four examples in turn, updating in place, momentum as brain.js requires it > 0). The work differs from puregrad's
 * full-batch step only in that brain.js updates after every example.
 */
import { createRequire } from 'node:module'

/** The parts of brain.js's NeuralNetwork used here (its published types do not resolve under NodeNext). */
interface BrainNetwork {
  train(data: ReadonlyArray<BrainPattern>, options: { iterations: number; errorThresh: number }): unknown
  formatData(data: ReadonlyArray<BrainPattern>): unknown
  trainPatterns(data: unknown): void
  run(input: ReadonlyArray<number>): ArrayLike<number>
  weights: Array<Array<Float32Array | Array<number>>>
  biases: Array<Float32Array | Array<number>>
}
interface BrainPattern {
  readonly input: ReadonlyArray<number>
  readonly output: ReadonlyArray<number>
}
type Brain = { NeuralNetwork: new (options: object) => BrainNetwork }

const brain = createRequire(import.meta.url)('brain.js') as Brain

/** XOR's four examples, as the bench's XOR batch: inputs (0,0), (1,0), (0,1), (1,1). */
export const xorPatterns: ReadonlyArray<BrainPattern> = [
  { input: [0, 0], output: [0] },
  { input: [1, 0], output: [1] },
  { input: [0, 1], output: [1] },
  { input: [1, 1], output: [0] }
]

/**
 * A brain.js network with the given weights (W[l] out × in, row-major) and biases, and its step over XOR. brain.js
 * keeps its parameters as arrays per unit: they are overwritten with the bench's after its own initialisation.
 */
export const brainXor = (weights: ReadonlyArray<Float64Array>, biases: ReadonlyArray<Float64Array>, lr: number) => {
  const net = new brain.NeuralNetwork({ hiddenLayers: [2], activation: 'sigmoid', learningRate: lr, momentum: 0.1 })
  net.train(xorPatterns, { iterations: 1, errorThresh: 1e-9 }) // sizes the network and settles its options
  weights.forEach((W, l) => {
    const rows = net.weights[l + 1]!
    rows.forEach((row, i) => row.forEach((_, j) => (row[j] = W[i * row.length + j]!)))
    const b = net.biases[l + 1]!
    b.forEach((_, i) => (b[i] = biases[l]![i]!))
  })
  const data = net.formatData(xorPatterns)
  return { net, step: () => net.trainPatterns(data) }
}
