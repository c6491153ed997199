/**
 * The code a JavaScript user would write by hand, as baselines measured in the same run as puregrad.
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
