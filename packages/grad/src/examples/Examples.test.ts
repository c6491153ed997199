import * as M from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import * as Linear from './LinearRegression.js'
import * as Logistic from './LogisticRegression.js'

describe('logistic regression', () => {
  it('reaches 100% training accuracy on a linearly separable set', () => {
    // 200 points in 2-D, labelled by the side of the line x₁ + 2x₂ = 0.5, with a margin of 0.2 kept clear.
    const raw = normal(key(1), 2, 400)
    const keep = Array.from({ length: 400 }, (_, j) => j).filter((j) => Math.abs(M.get(raw, 0, j) + 2 * M.get(raw, 1, j) - 0.5) > 0.2).slice(0, 200)
    const x = M.makeBy(2, keep.length, (i, j) => M.get(raw, i, keep[j]!))
    const y = M.makeBy(1, keep.length, (_, j) => (M.get(x, 0, j) + 2 * M.get(x, 1, j) - 0.5 > 0 ? 1 : 0))
    const params = Logistic.fit(x, y, { steps: 500, learningRate: 2 })
    expect(Logistic.accuracy(params, x, y)).toBe(1)
    // The learned boundary is the true one up to scale: w ∝ (1, 2), b/w₁ ≈ −0.5.
    const [w1, w2] = params.W.data
    expect(w2! / w1!).toBeCloseTo(2, 0)
  })
})

describe('linear regression', () => {
  // The oracle: the normal equations (X̃·X̃ᵀ)·θ = X̃·yᵀ with X̃ = x with a row of ones, solved by Gaussian elimination.
  const leastSquares = (x: M.Matrix, y: M.Matrix): Array<number> => {
    const n = x.rows + 1
    const xt = M.makeBy(n, x.cols, (i, j) => (i < x.rows ? M.get(x, i, j) : 1))
    const a = M.toRows(M.matmulTranspose(xt)(xt))
    const rhs = M.toRows(M.matmulTranspose(y)(xt)).map((r) => r[0]!)
    for (let c = 0; c < n; c++) {
      for (let r = c + 1; r < n; r++) {
        const f = a[r]![c]! / a[c]![c]!
        for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!
        rhs[r]! -= f * rhs[c]!
      }
    }
    const theta = new Array<number>(n).fill(0)
    for (let r = n - 1; r >= 0; r--) {
      let s = rhs[r]!
      for (let k = r + 1; k < n; k++) s -= a[r]![k]! * theta[k]!
      theta[r] = s / a[r]![r]!
    }
    return theta
  }

  it('matches the closed-form least-squares solution to 1e-6', () => {
    const [kx, kn] = split(key(2), 2)
    const x = normal(kx!, 3, 100)
    const noise = normal(kn!, 1, 100)
    // y = 1.5·x₁ − 2·x₂ + 0.5·x₃ + 3 + 0.1·noise
    const y = M.makeBy(1, 100, (_, j) => 1.5 * M.get(x, 0, j) - 2 * M.get(x, 1, j) + 0.5 * M.get(x, 2, j) + 3 + 0.1 * M.get(noise, 0, j))
    const { params, loss } = Linear.fit(x, y, { steps: 2000, learningRate: 0.5 })
    const theta = leastSquares(x, y)
    const ours = [...params.W.data, params.b.data[0]!]
    ours.forEach((v, i) => expect(Math.abs(v - theta[i]!)).toBeLessThan(1e-6))
    expect(loss).toBeLessThan(0.01) // ½·0.1²·(1 − p/N) ≈ 0.005: only the noise is left
  })
})
