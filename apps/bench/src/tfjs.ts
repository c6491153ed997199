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

/**
 * conv2d with stride 1 and 'same' padding for an odd k×k kernel, differentiable on both backends. tfjs-wasm 4.22
 * registers no Conv2DBackpropFilter kernel (tensorflow/tfjs#8474: training any conv net there throws), so on wasm the
 * filter's gradient is computed as tfjs's cpu kernel computes it, Σ_{b,h,w} x[b, h+i−p, w+j−p, c]·dy[b, h, w, o], written
 * as one conv2d the wasm backend has: the images transposed to [C, H, W, B] and zero-padded by p, convolved ('valid')
 * with dy transposed to [H, W, B, out] as the filter. The input's gradient is tfjs's own conv2dTranspose on both.
 */
export const convSame = (backend: TfBackend, k: number): ((x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D) => {
  if (backend === 'cpu') return (x, f) => tf.conv2d(x, f, 1, 'same')
  const p = (k - 1) / 2
  const rule = (x: tf.Tensor, f: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x as tf.Tensor4D, f as tf.Tensor4D])
    return {
      value: tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'),
      gradFunc: (dy: tf.Tensor, saved: Array<tf.Tensor>) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D]
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, fs, xs.shape, 1, 'same')
        const images = tf.pad(tf.transpose(xs, [3, 1, 2, 0]), [[0, 0], [p, p], [p, p], [0, 0]])
        const df = tf.transpose(tf.conv2d(images, tf.transpose(dy as tf.Tensor4D, [1, 2, 0, 3]), 1, 'valid'), [1, 2, 0, 3])
        return [dx, df]
      }
    }
  }
  return tf.customGrad(rule as never) as (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D
}

/**
 * The digits CNN in tfjs, NHWC as tfjs computes: conv 3×3 ×16 (same padding), relu, max pool 2, conv 3×3 ×32, relu,
 * max pool 2, dropout 0.25, dense 10, softmax cross-entropy averaged over the batch, one Adam step per call. The
 * weights are puregrad's, moved to tfjs's layouts: a conv weight out × (C·kh·kw) becomes the [kh, kw, C, out] filter,
 * and the dense weight's columns, PyTorch's (c, h, w) flatten order, are permuted to NHWC's (h, w, c).
 */
export const tfCnnStep = (
  backend: TfBackend,
  weights: ReadonlyArray<{ readonly W: Float64Array; readonly out: number; readonly in: number; readonly b: Float64Array }>,
  x: Float64Array,
  labels: ReadonlyArray<number>,
  batch: number,
  lr: number,
  dropoutRate = 0.25
): (() => number) => {
  const filter = (w: (typeof weights)[number], c: number, k: number) => {
    const f = new Float32Array(k * k * c * w.out)
    for (let o = 0; o < w.out; o++)
      for (let ci = 0; ci < c; ci++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) f[((i * k + j) * c + ci) * w.out + o] = w.W[o * w.in + (ci * k + i) * k + j]!
    return tf.variable(tf.tensor4d(f, [k, k, c, w.out]))
  }
  const [c1, c2, d] = weights as [(typeof weights)[number], (typeof weights)[number], (typeof weights)[number]]
  const f1 = filter(c1, 1, 3), f2 = filter(c2, 16, 3)
  const b1 = tf.variable(tf.tensor1d(Float32Array.from(c1.b))), b2 = tf.variable(tf.tensor1d(Float32Array.from(c2.b)))
  const dense = new Float32Array(128 * 10)
  for (let o = 0; o < 10; o++) for (let c = 0; c < 32; c++) for (let p = 0; p < 4; p++) dense[(p * 32 + c) * 10 + o] = d.W[o * 128 + c * 4 + p]!
  const wd = tf.variable(tf.tensor2d(dense, [128, 10])), bd = tf.variable(tf.tensor1d(Float32Array.from(d.b)))
  // x is 64 × batch (a column per image): NHWC is its transpose, reshaped.
  const images = new Float32Array(64 * batch)
  for (let n = 0; n < batch; n++) for (let i = 0; i < 64; i++) images[n * 64 + i] = x[i * batch + n]!
  const xs = tf.tensor4d(images, [batch, 8, 8, 1])
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10)
  const optimizer = tf.train.adam(lr)
  const conv = convSame(backend, 3)
  return () =>
    tf.tidy(() => {
      const cost = optimizer.minimize(() => {
        const h1 = tf.maxPool(tf.relu(tf.add(conv(xs, f1), b1)) as tf.Tensor4D, 2, 2, 'valid')
        const h2 = tf.maxPool(tf.relu(tf.add(conv(h1, f2), b2)) as tf.Tensor4D, 2, 2, 'valid')
        const logits = tf.add(tf.matMul(tf.reshape(dropoutRate > 0 ? tf.dropout(h2, dropoutRate) : h2, [batch, 128]), wd), bd)
        return tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar
      }, true)
      return cost!.dataSync()[0]!
    })
}

/** One convolution's forward product and its gradients with respect to the filter and the input (NHWC). */
export const tfConv = (
  backend: TfBackend,
  x: Float64Array,
  W: Float64Array,
  G: Float64Array,
  s: { readonly batch: number; readonly channels: number; readonly height: number; readonly width: number; readonly filters: number; readonly kernel: number }
): (() => number) => {
  // The same shapes and flops as puregrad's Ad.conv2d workload; the values are read in tfjs's own layouts (the work
  // is compared, not the numbers).
  const xs = tf.tensor4d(Float32Array.from(x), [s.batch, s.height, s.width, s.channels])
  const ws = tf.tensor4d(Float32Array.from(W), [s.kernel, s.kernel, s.channels, s.filters])
  const gs = tf.tensor4d(Float32Array.from(G), [s.batch, s.height, s.width, s.filters])
  const conv = convSame(backend, s.kernel)
  const grads = tf.grads((a: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, w as tf.Tensor4D), gs)))
  return () =>
    tf.tidy(() => {
      const [dx, dw] = grads([xs, ws])
      return dx!.dataSync()[0]! + dw!.dataSync()[0]!
    })
}
