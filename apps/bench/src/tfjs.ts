/**
 * TensorFlow.js 4.22 contenders: the pure-JS cpu backend and the wasm backend (its .wasm files come from the
 * package in node_modules). Float32, as tfjs computes; the workloads are otherwise the same as puregrad's.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
// The union package, as users install it: tfjs-core alone registers no gradients (optimizer.minimize then fails).
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'

// Production mode: no debug checks, and no console banner suggesting tfjs-node in the middle of the table.
tf.env().set('PROD', true)

export type TfBackend = 'cpu' | 'wasm'

let wasmReady = false

/** Makes `backend` the active one (initialising wasm from node_modules the first time). */
export const useBackend = async (backend: TfBackend): Promise<void> => {
  if (backend === 'wasm' && !wasmReady) {
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')
    setWasmPaths(join(dirname(pkg), 'dist') + '/')
    wasmReady = true
  }
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend)
    if (!ok) throw new Error(`tfjs: the ${backend} backend failed to initialise`)
  }
}

/** A full-batch SGD step of a sigmoid MLP with BCE summed over the batch, with tfjs's autodiff; returns the loss. */
export const tfMlpStep = (
  widths: ReadonlyArray<number>,
  weights: ReadonlyArray<Float64Array>,
  biases: ReadonlyArray<Float64Array>,
  x: Float64Array,
  y: Float64Array,
  batch: number,
  lr: number
): (() => number) => {
  const L = widths.length - 1
  const W = weights.map((w, l) => tf.variable(tf.tensor2d(Float32Array.from(w), [widths[l + 1]!, widths[l]!])))
  const b = biases.map((v, l) => tf.variable(tf.tensor2d(Float32Array.from(v), [widths[l + 1]!, 1])))
  const xs = tf.tensor2d(Float32Array.from(x), [widths[0]!, batch])
  const ys = tf.tensor2d(Float32Array.from(y), [widths[L]!, batch])
  const optimizer = tf.train.sgd(lr)
  return () =>
    tf.tidy(() => {
      const cost = optimizer.minimize(() => {
        let a: tf.Tensor2D = xs
        let z: tf.Tensor2D = xs
        for (let l = 0; l < L; l++) {
          z = tf.add(tf.matMul(W[l]!, a), b[l]!)
          a = tf.sigmoid(z)
        }
        return tf.losses.sigmoidCrossEntropy(ys, z, undefined, undefined, tf.Reduction.SUM) as tf.Scalar
      }, true)
      return cost!.dataSync()[0]!
    })
}

/** C = A·B for n×n operands already on the active backend; reads the result back so the work is done. */
export const tfMatmul = (a: Float64Array, b: Float64Array, n: number): (() => number) => {
  const ta = tf.tensor2d(Float32Array.from(a), [n, n])
  const tb = tf.tensor2d(Float32Array.from(b), [n, n])
  return () => tf.tidy(() => tf.matMul(ta, tb).dataSync()[0]!)
}
