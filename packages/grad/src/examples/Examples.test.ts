import * as M from '@puregrad/tensor/Matrix'
import { key, normal, split } from '@puregrad/tensor/Random'
import { describe, expect, it } from 'vitest'
import type { Tree } from '@puregrad/tensor/Tree'
import * as Ad from '../Ad.js'
import { gradCheck } from '../GradCheck.js'
import { spirals } from './data.js'
import * as Rnn from './ElmanRnn.js'
import * as LN from './LayerNorm.js'
import * as Linear from './LinearRegression.js'
import * as Logistic from './LogisticRegression.js'
import * as Residual from './ResidualBlock.js'
import * as Tied from './TiedAutoencoder.js'

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

describe('Ad examples: forward code only, gradients that pass GradCheck', () => {
  const check = <P extends Tree>(f: (p: P) => M.Matrix, params: P) => {
    const { grads } = Ad.valueAndGrad(f)(params)
    const result = gradCheck((p: P) => f(p).data[0]!)(params, grads)
    expect(result.passed ? true : result.worst).toBe(true)
  }
  const { x, labels } = spirals(key(1), 3, 3)
  it('a residual block between a tanh lift and a softmax head', () => {
    check((p: Residual.Params) => Residual.loss(p, x, labels), Residual.init(key(2), 2, 4, 3))
  })
  it('a tied autoencoder r = Wᵀ·tanh(W·x + b₁) + b₂ (W used twice)', () => {
    const data = normal(key(3), 5, 4)
    const p0 = Tied.init(key(4), 5, 2)
    check((p: Tied.Params) => Tied.loss(p, data), { ...p0, b1: normal(key(5), 2, 1), b2: normal(key(6), 5, 1) })
  })
  it('an Elman RNN over 4 steps, inputs as row blocks of one matrix, weights shared across steps', () => {
    const xs = normal(key(7), 4 * 2, 3)
    check((p: Rnn.Params) => Rnn.loss(p, xs, M.row([1, 0, 1]), 4), Rnn.init(key(8), 2, 3))
  })
  it('a layer norm written from mean, sub, square, sqrt and div, with learned γ and β', () => {
    const p0 = LN.init(key(9), 2, 4, 3)
    check((p: LN.Params) => LN.loss(p, x, labels), { ...p0, norm: { gamma: normal(key(10), 4, 1), beta: normal(key(11), 4, 1) } })
    // LN normalises each column: zero mean and unit variance before γ and β (here γ = 1, β = 0).
    const h = normal(key(12), 5, 3)
    const y = LN.layerNorm({ gamma: M.fill(5, 1, 1), beta: M.zeros(5, 1) }, h, 0)
    for (let j = 0; j < 3; j++) {
      const col = Array.from({ length: 5 }, (_, i) => M.get(y, i, j))
      expect(col.reduce((a, b) => a + b, 0) / 5).toBeCloseTo(0, 12)
      expect(col.reduce((a, b) => a + b * b, 0) / 5).toBeCloseTo(1, 12)
    }
  })
})
