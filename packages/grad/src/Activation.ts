/**
 * Activations a = σ(z), each with its derivative right beside it.
 *
 * `backward(z, a, da)` returns dz = ∂C/∂z from da = ∂C/∂a and the saved forward values (z and a = σ(z)):
 * for element-wise activations dz = da ⊙ σ'(z); softmax, which mixes a column, returns the Jacobian-vector product.
 * Every rule is a dedicated loop over buffers (no closure call per element), registered privately so a fused layer
 * can run it over an array it owns; `forward` and `backward` run the same loops into a fresh buffer.
 *
 * @since 0.1.0
 */

import { Epilogue, Kernel } from '@puregrad/tensor/internal/engine'
import { exp } from '@puregrad/tensor/Exp'
import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'
import type { ActivationKernels } from './internal/kernels.js'
import { withActivationKernels } from './internal/kernels.js'
import { log1p } from '@puregrad/tensor/Log'
import { tanh as tanhOf } from '@puregrad/tensor/Tanh'

const { applySigmoid, sigmoid: sigmoidRule } = Epilogue

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

/** An activation whose forward and backward run its kernels into a fresh buffer. */
const fromKernels = (name: ActivationName, kernels: ActivationKernels): Activation =>
  withActivationKernels({
  name,
  forward: (z) => {
    const out = new Float64Array(z.data.length)
    kernels.forward(z.data, out, z.rows, z.cols)
    return unsafeWrap(z.rows, z.cols, out)
  },
  backward: (z, a, da) => {
    checkSame(`${name}.backward`, z, a, da)
    const out = new Float64Array(z.data.length)
    kernels.backward(z.data, a.data, da.data, out, z.rows, z.cols)
    return unsafeWrap(z.rows, z.cols, out)
  }
}, kernels)

// -------------------------------------------------------------------------------------
// scalar rules (exported for kernels that fuse them; one implementation everywhere)
// -------------------------------------------------------------------------------------

/**
 * σ(z) = 1 / (1 + e^(−z)), evaluated so that e^x never overflows: from e = e^(−|z|), 1 / (1 + e) for z ≥ 0 and
 * e / (1 + e) below. Exact 0 and 1 only where the true value rounds to them (|z| > ~745 and z > ~37).
 * It is tensor's Epilogue.sigmoid, the rule the matmul kernels apply to σ(W·x + b), so both give the same bits.
 */
export const sigmoidScalar: (z: number) => number = sigmoidRule

/** softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^(−|z|)): no overflow, no cancellation. */
export const softplusScalar = (z: number): number => Math.max(z, 0) + log1p(exp(-Math.abs(z)))

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/** σ(z) = 1 / (1 + e^(−z)); σ'(z) = a·(1 − a). Stable for |z| up to 1e4 and beyond. */
export const sigmoid: Activation = fromKernels('sigmoid', {
  needsZ: false,
  epilogue: 'sigmoid',
  derivative: 'sigmoid',
  forward: (z, out) => applySigmoid(z, out, out.length),
  backward: (_, a, da, out) => Kernel.timesDerivative('sigmoid', da, a, out, out.length)
})

/** tanh(z); tanh'(z) = 1 − a². */
export const tanh: Activation = fromKernels('tanh', {
  needsZ: false,
  derivative: 'tanh',
  forward: (z, out) => {
    for (let i = 0; i < out.length; i++) out[i] = tanhOf(z[i])
  },
  backward: (_, a, da, out) => Kernel.timesDerivative('tanh', da, a, out, out.length)
})

/**
 * leakyRelu(α)(z) = z for z > 0, α·z otherwise; derivative 1 for z > 0, α otherwise
 * (at z = 0 the subgradient α is used, as relu uses 0). The derivative reads z: for α < 0, a alone cannot tell.
 */
export const leakyRelu = (alpha = 0.01): Activation =>
  fromKernels('leakyRelu', {
    needsZ: true,
    forward: (z, out) => {
      for (let i = 0; i < out.length; i++) out[i] = z[i] > 0 ? z[i] : alpha * z[i]
    },
    backward: (z, _, da, out) => {
      for (let i = 0; i < out.length; i++) out[i] = z[i] > 0 ? da[i] : alpha * da[i]
    }
  })

/** relu(z) = max(z, 0) (+0 for z ≤ 0); derivative 1 for z > 0, else 0 (read from a: a > 0 exactly when z > 0). */
export const relu: Activation = fromKernels('relu', {
  needsZ: false,
  derivative: 'relu',
  // relu(z) = z ⊙ relu'(z): both directions are the kernels' relu epilogue (the WebAssembly module's on long arrays).
  forward: (z, out) => Kernel.timesDerivative('relu', z, z, out, out.length),
  backward: (_, a, da, out) => Kernel.timesDerivative('relu', da, a, out, out.length)
})

/** The identity: a = z, dz = da (a linear output layer). forward and backward return their argument itself. */
export const identity: Activation = withActivationKernels(
  {
    name: 'identity',
    forward: (z) => z,
    backward: (z, a, da) => {
      checkSame('identity.backward', z, a, da)
      return da
    }
  },
  {
    needsZ: false,
    forward: (z, out) => {
      if (out !== z) out.set(z as Float64Array)
    },
    backward: (_, __, da, out) => {
      if (out !== da) out.set(da as Float64Array)
    }
  }
)

/** softplus(z) = ln(1 + e^z), computed without overflow; derivative σ(z). */
export const softplus: Activation = fromKernels('softplus', {
  needsZ: true,
  forward: (z, out) => {
    for (let i = 0; i < out.length; i++) out[i] = softplusScalar(z[i])
  },
  backward: (z, _, da, out) => {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * sigmoidScalar(z[i])
  }
})

/**
 * softmax per column: aᵢ = e^(zᵢ − m) / Σⱼ e^(zⱼ − m) with m = maxⱼ zⱼ (no overflow, the sum is ≥ 1).
 * Its Jacobian ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ) gives dzᵢ = aᵢ·(daᵢ − Σⱼ aⱼ·daⱼ), per column, without forming the Jacobian.
 */
export const softmax: Activation = fromKernels('softmax', {
  needsZ: false,
  forward: (x, out, rows, cols) => {
    for (let j = 0; j < cols; j++) {
      let max = -Infinity
      for (let i = 0; i < rows; i++) max = Math.max(max, x[i * cols + j])
      let total = 0
      for (let i = 0; i < rows; i++) {
        const e = exp(x[i * cols + j] - max)
        out[i * cols + j] = e
        total += e
      }
      for (let i = 0; i < rows; i++) out[i * cols + j] /= total
    }
  },
  backward: (_, s, g, out, rows, cols) => {
    for (let j = 0; j < cols; j++) {
      let dot = 0
      for (let i = 0; i < rows; i++) dot += s[i * cols + j] * g[i * cols + j]
      for (let i = 0; i < rows; i++) out[i * cols + j] = s[i * cols + j] * (g[i * cols + j] - dot)
    }
  }
})

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
