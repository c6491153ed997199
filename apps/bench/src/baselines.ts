/**
 * The code a JavaScript user would write by hand, as baselines measured in the same run as puregrad:
 * plain loops over Float64Arrays, every buffer allocated once and overwritten in place.
 */

/** The textbook triple loop over row-major Float64Arrays (i, j, k), into a fresh output: C = A·B, A m×k, B k×n. */
export const naiveMatmul = (a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array => {
  const c = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!
      c[i * n + j] = s
    }
  }
  return c
}

/** C = A·B into a preallocated C, in the cache-friendly i-k-j order (rows of B streamed). */
export const matmulInto = (a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number): void => {
  c.fill(0)
  for (let i = 0; i < m; i++) {
    const ci = i * n
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!
      const bp = p * n
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j]!
    }
  }
}

/**
 * A sigmoid MLP with BCE (summed over the batch) trained by full-batch SGD, mutating its own buffers:
 * what a careful JavaScript programmer writes without a library. W[l] is out × in, row-major.
 */
export const mutableMlp = (widths: ReadonlyArray<number>, weights: ReadonlyArray<Float64Array>, biases: ReadonlyArray<Float64Array>, batch: number) => {
  const L = widths.length - 1
  const W = weights.map((w) => Float64Array.from(w))
  const b = biases.map((v) => Float64Array.from(v))
  const acts = widths.map((w) => new Float64Array(w * batch)) // acts[0] is the input
  const dz = widths.map((w) => new Float64Array(w * batch))
  const da = widths.map((w) => new Float64Array(w * batch))
  const dW = W.map((w) => new Float64Array(w.length))
  const db = b.map((v) => new Float64Array(v.length))

  /** One step on inputs x (in × B) and targets y (out × B); returns the loss before the update. */
  return (x: Float64Array, y: Float64Array, lr: number): number => {
    acts[0]!.set(x)
    for (let l = 0; l < L; l++) {
      const n = widths[l]!, m = widths[l + 1]!
      const w = W[l]!, a = acts[l]!, z = acts[l + 1]!, bl = b[l]!
      for (let i = 0; i < m; i++) {
        const zi = i * batch
        for (let j = 0; j < batch; j++) z[zi + j] = bl[i]!
        for (let k = 0; k < n; k++) {
          const wik = w[i * n + k]!
          const ak = k * batch
          for (let j = 0; j < batch; j++) z[zi + j] += wik * a[ak + j]!
        }
        for (let j = 0; j < batch; j++) z[zi + j] = 1 / (1 + Math.exp(-z[zi + j]!))
      }
    }
    const out = acts[L]!
    const dzL = dz[L]!
    let loss = 0
    for (let i = 0; i < out.length; i++) {
      const p = Math.min(Math.max(out[i]!, 1e-16), 1 - 1e-16)
      loss -= y[i]! * Math.log(p) + (1 - y[i]!) * Math.log(1 - p)
      dzL[i] = out[i]! - y[i]!
    }
    for (let l = L - 1; l >= 0; l--) {
      const n = widths[l]!, m = widths[l + 1]!
      const w = W[l]!, a = acts[l]!, d = dz[l + 1]!, gW = dW[l]!, gb = db[l]!
      for (let i = 0; i < m; i++) {
        let s = 0
        for (let j = 0; j < batch; j++) s += d[i * batch + j]!
        gb[i] = s
        for (let k = 0; k < n; k++) {
          let t = 0
          for (let j = 0; j < batch; j++) t += d[i * batch + j]! * a[k * batch + j]!
          gW[i * n + k] = t
        }
      }
      if (l > 0) {
        const g = da[l]!, dPrev = dz[l]!
        g.fill(0)
        for (let i = 0; i < m; i++) {
          for (let k = 0; k < n; k++) {
            const wik = w[i * n + k]!
            for (let j = 0; j < batch; j++) g[k * batch + j] += wik * d[i * batch + j]!
          }
        }
        for (let q = 0; q < g.length; q++) dPrev[q] = g[q]! * a[q]! * (1 - a[q]!)
      }
      for (let q = 0; q < w.length; q++) w[q] -= lr * gW[q]!
      for (let q = 0; q < gb.length; q++) b[l]![q] -= lr * gb[q]!
    }
    return loss
  }
}
