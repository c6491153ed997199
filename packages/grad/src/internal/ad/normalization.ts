/**
 * Layer normalisation and inverted dropout, each forward rule with its VJP beside it.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { uniforms } from '@puregrad/tensor/Random'
import type { Primitive } from './tape.js'

// -------------------------------------------------------------------------------------
// layer norm
// -------------------------------------------------------------------------------------

interface LayerNormSaved {
  /** x̂ = (x − μ)/√(σ² + ε), n × B. */
  readonly xhat: Float64Array
  /** 1/√(σ² + ε) per column. */
  readonly rstd: Float64Array
  readonly gamma: Matrix
  readonly rows: number
  readonly cols: number
}

/**
 * Per column (one example) over its n rows: μ = Σx/n, σ² = Σ(x − μ)²/n (biased, as PyTorch), x̂ = (x − μ)/√(σ² + ε),
 * y = γ ⊙ x̂ + β with γ, β n × 1. With ĝ = g ⊙ γ:
 *   ∂/∂γ = Σ_batch g ⊙ x̂,  ∂/∂β = Σ_batch g,  ∂/∂x = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / √(σ² + ε)  (means per column).
 * Inputs are [gamma, beta, x]; attrs is ε.
 */
export const layerNorm: Primitive<number, LayerNormSaved> = {
  name: 'layerNorm',
  forward: ([gamma, beta, x], eps) => {
    const { rows: n, cols: B, data } = x!
    for (const [name, p] of [['gamma', gamma!], ['beta', beta!]] as const) {
      if (p.rows !== n || p.cols !== 1) throw new ShapeError(`Ad.layerNorm: ${name} must be ${n}×1 for x ${shapeOf(x!)}, got ${shapeOf(p)}`)
    }
    const xhat = new Float64Array(n * B)
    const rstd = new Float64Array(B)
    const out = new Float64Array(n * B)
    for (let j = 0; j < B; j++) {
      let total = 0
      for (let i = 0; i < n; i++) total += data[i * B + j]!
      const mu = total / n
      let squares = 0
      for (let i = 0; i < n; i++) {
        const d = data[i * B + j]! - mu
        squares += d * d
      }
      const r = 1 / Math.sqrt(squares / n + eps)
      rstd[j] = r
      for (let i = 0; i < n; i++) {
        const h = (data[i * B + j]! - mu) * r
        xhat[i * B + j] = h
        out[i * B + j] = gamma!.data[i]! * h + beta!.data[i]!
      }
    }
    return [unsafeWrap(n, B, out), { xhat, rstd, gamma: gamma!, rows: n, cols: B }]
  },
  vjp: ({ xhat, rstd, gamma, rows: n, cols: B }, g, needs) => {
    const dgamma = new Float64Array(n), dbeta = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      let sg = 0, sgx = 0
      for (let j = 0; j < B; j++) {
        sg += g.data[i * B + j]!
        sgx += g.data[i * B + j]! * xhat[i * B + j]!
      }
      dbeta[i] = sg
      dgamma[i] = sgx
    }
    let dx: Matrix | undefined
    if (needs[2]) {
      const out = new Float64Array(n * B)
      for (let j = 0; j < B; j++) {
        let mean = 0, meanX = 0
        for (let i = 0; i < n; i++) {
          const gh = g.data[i * B + j]! * gamma.data[i]!
          mean += gh
          meanX += gh * xhat[i * B + j]!
        }
        mean /= n
        meanX /= n
        for (let i = 0; i < n; i++) {
          out[i * B + j] = (g.data[i * B + j]! * gamma.data[i]! - mean - xhat[i * B + j]! * meanX) * rstd[j]!
        }
      }
      dx = unsafeWrap(n, B, out)
    }
    return [needs[0] ? unsafeWrap(n, 1, dgamma) : undefined, needs[1] ? unsafeWrap(n, 1, dbeta) : undefined, dx]
  }
}

// -------------------------------------------------------------------------------------
// dropout
// -------------------------------------------------------------------------------------

/** The mask and the rate of one dropout. */
export interface DropoutAttrs {
  readonly key: Key
  readonly rate: number
}

/**
 * Inverted dropout: entry k is kept when its uniform draw u_k (Random.uniforms(key, n·B), row-major) is ≥ rate, and
 * then scaled by 1/(1 − rate), so the expected value is x; a dropped entry is 0 (rate 1: everything). With m the
 * kept-and-scaled mask: y = m ⊙ x, ∂/∂x = m ⊙ g.
 */
export const dropout: Primitive<DropoutAttrs, Float64Array> = {
  name: 'dropout',
  forward: ([x], { key, rate }) => {
    const { rows, cols, data } = x!
    const mask = uniforms(key, rows * cols)
    const keep = rate < 1 ? 1 / (1 - rate) : 0
    const out = new Float64Array(mask.length)
    for (let k = 0; k < mask.length; k++) {
      mask[k] = mask[k]! >= rate ? keep : 0
      out[k] = data[k]! * mask[k]!
    }
    return [unsafeWrap(rows, cols, out), mask]
  },
  vjp: (mask, g) => {
    const out = new Float64Array(mask.length)
    for (let k = 0; k < mask.length; k++) out[k] = g.data[k]! * mask[k]!
    return [unsafeWrap(g.rows, g.cols, out)]
  }
}
