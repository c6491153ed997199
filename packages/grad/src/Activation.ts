/**
 * Activations a = σ(z), each with its derivative right beside it.
 *
 * `backward(z, a, da)` returns dz = ∂C/∂z from da = ∂C/∂a and the saved forward values (z and a = σ(z)):
 * for element-wise activations dz = da ⊙ σ'(z); softmax, which mixes a column, returns the Jacobian-vector product.
 * Every function is a dedicated loop over a fresh buffer: no closure call per element.
 *
 * @since 0.1.0
 */
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'identity' | 'softplus' | 'softmax'

export interface Activation {
  readonly name: ActivationName
  /** a = σ(z), same shape as z (examples as columns). */
  readonly forward: <R extends number, C extends number>(z: Matrix<R, C>) => Matrix<R, C>
  /** dz = ∂C/∂z from z, a = σ(z) and da = ∂C/∂a (all the same shape). */
  readonly backward: <R extends number, C extends number>(z: Matrix<R, C>, a: Matrix<R, C>, da: Matrix<R, C>) => Matrix<R, C>
}

// -------------------------------------------------------------------------------------
// internal
// -------------------------------------------------------------------------------------

const checkSame = (op: string, z: Matrix, a: Matrix, da: Matrix): void => {
  if (z.rows !== a.rows || z.cols !== a.cols || da.rows !== z.rows || da.cols !== z.cols) {
    throw new ShapeError(`${op}: z, a and da must share a shape, got ${shapeOf(z)}, ${shapeOf(a)} and ${shapeOf(da)}`)
  }
}

// -------------------------------------------------------------------------------------
// scalar rules (exported for kernels that fuse them; one implementation everywhere)
// -------------------------------------------------------------------------------------

/**
 * σ(z) = 1 / (1 + e^(−z)), evaluated so that e^x never overflows: for z < 0 it uses e^z / (1 + e^z).
 * Exact 0 and 1 only where the true value rounds to them (|z| > ~745 and z > ~37).
 */
export const sigmoidScalar = (z: number): number => {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}

/** softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)): no overflow, no cancellation. */
export const softplusScalar = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/** σ(z) = 1 / (1 + e^(−z)); σ'(z) = a·(1 − a). Stable for |z| up to 1e4 and beyond. */
export const sigmoid: Activation = {
  name: 'sigmoid',
  forward: (z) => {
    const x = z.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = sigmoidScalar(x[i])
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame('sigmoid.backward', z, a, da)
    const s = a.data, g = da.data, out = new Float64Array(s.length)
    for (let i = 0; i < out.length; i++) out[i] = g[i] * s[i] * (1 - s[i])
    return unsafeWrap(z.rows, z.cols, out)
  }
}

/** tanh(z); tanh'(z) = 1 − a². */
export const tanh: Activation = {
  name: 'tanh',
  forward: (z) => {
    const x = z.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i])
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame('tanh.backward', z, a, da)
    const s = a.data, g = da.data, out = new Float64Array(s.length)
    for (let i = 0; i < out.length; i++) out[i] = g[i] * (1 - s[i] * s[i])
    return unsafeWrap(z.rows, z.cols, out)
  }
}

/**
 * leakyRelu(α)(z) = z for z > 0, α·z otherwise; derivative 1 for z > 0, α otherwise
 * (at z = 0 the subgradient α is used, as relu uses 0).
 */
export const leakyRelu = (alpha = 0.01): Activation => ({
  name: 'leakyRelu',
  forward: (z) => {
    const x = z.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? x[i] : alpha * x[i]
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame('leakyRelu.backward', z, a, da)
    const x = z.data, g = da.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? g[i] : alpha * g[i]
    return unsafeWrap(z.rows, z.cols, out)
  }
})

/** relu(z) = max(z, 0) (+0 for z ≤ 0); derivative 1 for z > 0, else 0. */
export const relu: Activation = {
  name: 'relu',
  forward: (z) => {
    const x = z.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? x[i] : 0
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame('relu.backward', z, a, da)
    const x = z.data, g = da.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? g[i] : 0
    return unsafeWrap(z.rows, z.cols, out)
  }
}

/** The identity: a = z, dz = da (a linear output layer). */
export const identity: Activation = {
  name: 'identity',
  forward: (z) => z,
  backward: (z, a, da) => {
    checkSame('identity.backward', z, a, da)
    return da
  }
}

/** softplus(z) = ln(1 + e^z), computed without overflow; derivative σ(z). */
export const softplus: Activation = {
  name: 'softplus',
  forward: (z) => {
    const x = z.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = softplusScalar(x[i])
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame('softplus.backward', z, a, da)
    const x = z.data, g = da.data, out = new Float64Array(x.length)
    for (let i = 0; i < out.length; i++) out[i] = g[i] * sigmoidScalar(x[i])
    return unsafeWrap(z.rows, z.cols, out)
  }
}

/**
 * softmax per column: aᵢ = e^(zᵢ − m) / Σⱼ e^(zⱼ − m) with m = maxⱼ zⱼ (no overflow, the sum is ≥ 1).
 * Its Jacobian ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ) gives dzᵢ = aᵢ·(daᵢ − Σⱼ aⱼ·daⱼ), per column, without forming the Jacobian.
 */
export const softmax: Activation = {
  name: 'softmax',
  forward: (z) => {
    const { rows, cols, data: x } = z
    const out = new Float64Array(x.length)
    for (let j = 0; j < cols; j++) {
      let max = -Infinity
      for (let i = 0; i < rows; i++) max = Math.max(max, x[i * cols + j])
      let total = 0
      for (let i = 0; i < rows; i++) {
        const e = Math.exp(x[i * cols + j] - max)
        out[i * cols + j] = e
        total += e
      }
      for (let i = 0; i < rows; i++) out[i * cols + j] /= total
    }
    return unsafeWrap(rows, cols, out)
  },
  backward: (z, a, da) => {
    checkSame('softmax.backward', z, a, da)
    const { rows, cols } = z
    const s = a.data, g = da.data, out = new Float64Array(s.length)
    for (let j = 0; j < cols; j++) {
      let dot = 0
      for (let i = 0; i < rows; i++) dot += s[i * cols + j] * g[i * cols + j]
      for (let i = 0; i < rows; i++) out[i * cols + j] = s[i * cols + j] * (g[i * cols + j] - dot)
    }
    return unsafeWrap(rows, cols, out)
  }
}

/** Every activation by name (leakyRelu with α = 0.01), for specs and model files. */
export const byName: Readonly<Record<ActivationName, Activation>> = {
  sigmoid,
  tanh,
  relu,
  leakyRelu: leakyRelu(),
  identity,
  softplus,
  softmax
}

export const names: ReadonlyArray<ActivationName> = Object.keys(byName) as Array<ActivationName>
